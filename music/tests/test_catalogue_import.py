"""Catalogue import: the service on the demo catalogue and the import_catalog command."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from music.catalogue_csv import CatalogueError, parse_spotify_tracks_csv
from music.models import Music, MusicFeatures, MusicSnapshot, MusicSource
from music.services.catalogue_import import catalogue_import, commercial_flags_from_csv
from music.tests.factories import MusicFeaturesFactory, MusicSourceFactory
from musicrec.core.models import Platform

pytestmark = pytest.mark.django_db

DEMO = Path(settings.BASE_DIR) / "sample_data" / "demo"
CATALOGUE = DEMO / "catalogue.csv"
COMMERCIAL = DEMO / "commercial_music.csv"
T1 = datetime(2026, 11, 10, 9, tzinfo=UTC)
MEMORIES = "4cktbXiXOapiLBMprHFErI"  # Maroon 5 - Memories, the first demo row


def demo_rows():
    return list(parse_spotify_tracks_csv(CATALOGUE))


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Music, MusicSource, MusicFeatures, MusicSnapshot)
    }


def test_catalogue_import_stores_music_sources_features_and_popularity():
    rows = demo_rows()
    flags = commercial_flags_from_csv(COMMERCIAL)
    steps: list[int] = []
    summary = catalogue_import(
        rows=rows, commercial=flags, progress=lambda p, m: steps.append(p), taken_at=T1
    )
    assert counts() == {
        "Music": len(rows),
        "MusicSource": len(rows),
        "MusicFeatures": len(rows),
        "MusicSnapshot": len(rows),
    }
    assert (summary.music_created, summary.features_catalogue, summary.snapshots) == (120,) * 3
    assert steps[0] == 0 and steps[-1] == 100 and steps == sorted(steps)

    source = MusicSource.objects.select_related("music__features").get(external_id=MEMORIES)
    assert source.platform == Platform.SPOTIFY
    assert source.url == f"https://open.spotify.com/track/{MEMORIES}"
    assert (source.popularity, source.genres) == (85, ["pop"])
    music = source.music
    assert (music.title, music.artist_name, music.album) == (
        "Memories",
        "Maroon 5",
        "JORDI (Deluxe)",
    )
    assert music.duration_s == pytest.approx(189.486)
    assert (music.is_original_sound, music.commercial_ok, music.explicit) == (False, False, False)
    features = music.features
    assert features.feature_source == MusicFeatures.FeatureSource.CATALOGUE
    assert (features.tempo_bpm, features.key, features.mode) == (91.05, "B", "major")
    assert (features.energy, features.valence, features.danceability) == (0.327, 0.595, 0.775)
    assert (features.acousticness, features.speechiness) == (0.841, 0.0557)
    assert features.loudness_lufs == -7.241
    # arousal = 0.7 x energy + 0.3 x (tempo - 60) / 120
    assert features.arousal == pytest.approx(0.7 * 0.327 + 0.3 * (91.05 - 60) / 120, abs=1e-4)
    assert features.moods and features.top_mood == max(features.moods, key=features.moods.get)
    assert (features.genre, features.genre_source, features.genre_confidence) == (
        "pop",
        MusicFeatures.GenreSource.CATALOGUE,
        1.0,
    )
    assert features.detail["raw_genres"] == ["pop"]
    assert MusicSnapshot.objects.get(source=source).popularity == 85
    cleared = sum(flags.values())
    assert Music.objects.filter(commercial_ok=True).count() == cleared
    assert Music.objects.filter(commercial_ok=False).count() == len(flags) - cleared


def test_catalogue_import_twice_at_the_same_time_changes_nothing():
    catalogue_import(rows=demo_rows(), taken_at=T1)
    before = counts()
    summary = catalogue_import(rows=demo_rows(), taken_at=T1)
    assert counts() == before
    assert (summary.music_created, summary.sources_created, summary.snapshots) == (0, 0, 0)


def test_catalogue_import_joins_a_tiktok_sound_with_the_same_spotify_id():
    sound = MusicSourceFactory(platform=Platform.TIKTOK, music__title="Memories (TikTok)")
    MusicSource.objects.create(music=sound.music, platform=Platform.SPOTIFY, external_id=MEMORIES)
    catalogue_import(rows=demo_rows(), taken_at=T1)
    assert Music.objects.count() == 120
    sound.music.refresh_from_db()
    assert sound.music.title == "Memories"
    assert sound.music.features.genre == "pop"


def test_catalogue_import_keeps_audio_features_and_a_curators_genre():
    audio = MusicSourceFactory(platform=Platform.SPOTIFY, external_id=MEMORIES)
    MusicFeaturesFactory(
        music=audio.music, tempo_bpm=182.0, genre="rock", detail={"onset_rate": 3.0}
    )
    curated_id = demo_rows()[1].track_id
    curated = MusicSourceFactory(platform=Platform.SPOTIFY, external_id=curated_id)
    MusicFeaturesFactory(
        music=curated.music,
        feature_source=MusicFeatures.FeatureSource.CATALOGUE,
        genre="jazz",
        genre_source=MusicFeatures.GenreSource.CURATOR,
    )
    summary = catalogue_import(rows=demo_rows(), taken_at=T1)
    assert summary.features_kept == 1
    kept = MusicFeatures.objects.get(music=audio.music)
    assert kept.feature_source == MusicFeatures.FeatureSource.AUDIO
    assert kept.tempo_bpm == 182.0
    assert kept.detail["onset_rate"] == 3.0
    assert kept.detail["catalogue"]["raw_genres"] == ["pop"]
    assert (kept.genre, kept.genre_source) == ("pop", MusicFeatures.GenreSource.CATALOGUE)
    curated_features = MusicFeatures.objects.get(music=curated.music)
    assert (curated_features.genre, curated_features.genre_source) == (
        "jazz",
        MusicFeatures.GenreSource.CURATOR,
    )
    assert curated_features.tempo_bpm == demo_rows()[1].features.tempo_bpm


def test_commercial_flags_from_csv_rejects_a_bad_flag():
    bad = io.StringIO("track_id,commercial_ok\nabc,true\ndef,maybe\n")
    with pytest.raises(CatalogueError) as error:
        commercial_flags_from_csv(bad)
    assert (error.value.line, error.value.column) == (3, "commercial_ok")


def test_import_catalog_command_imports_and_prints_a_summary(capsys):
    call_command("import_catalog", str(CATALOGUE), "--commercial", str(COMMERCIAL))
    out = capsys.readouterr().out
    assert "catalogue.csv: 120 tracks: 120 new" in out
    assert "commercial flag set on 120 tracks" in out
    assert Music.objects.count() == 120


def _broken_copy(tmp_path: Path, line: int, column: str, value: str) -> Path:
    lines = CATALOGUE.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    # The demo rows quote nothing before the last columns, so a plain split finds the cell.
    cells[header.index(column) - len(header)] = value
    lines[line - 1] = ",".join(cells)
    path = tmp_path / "broken.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [("tempo", "fast", "is not a number"), ("popularity", "-3", "outside 0 to 100")],
)
def test_import_catalog_command_bad_row_names_file_line_column_and_writes_nothing(
    tmp_path, column, value, reason
):
    path = _broken_copy(tmp_path, 40, column, value)
    with pytest.raises(CommandError) as error:
        call_command("import_catalog", str(path))
    message = str(error.value)
    assert f"broken.csv line 40, column '{column}'" in message and reason in message
    assert counts() == dict.fromkeys(counts(), 0)


def test_import_catalog_command_bad_commercial_file_writes_nothing(tmp_path):
    flags = tmp_path / "flags.csv"
    flags.write_text("track_id,commercial_ok\nabc,perhaps\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"flags.csv line 2, column 'commercial_ok'"):
        call_command("import_catalog", str(CATALOGUE), "--commercial", str(flags))
    assert Music.objects.count() == 0


def test_import_catalog_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_catalog", str(tmp_path / "nope.csv"))
