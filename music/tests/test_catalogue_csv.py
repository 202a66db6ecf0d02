"""Catalogue CSV parsing on excerpts of the real files, hand-made bad rows, and the full files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import skip_or_fail
from music.catalogue_csv import (
    CatalogueError,
    arousal_from_energy_tempo,
    key_name,
    parse_spotify_charts_csv,
    parse_spotify_tracks_csv,
    parse_tiktok_songs_csv,
    year_from_name,
)
from musicrec.core.descriptors import top_label

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _shared_file(relative: str) -> Path:
    """A file of the shared real data sets: required under CI, skipped visibly elsewhere."""
    path = SHARED_DATA / relative
    if not path.exists():
        skip_or_fail(f"{path} is not on this machine (shared/ data sets absent)")
    return path


# --- derived vocabulary --------------------------------------------------------------------------


def test_key_name_maps_pitch_classes() -> None:
    assert key_name(0) == "C"
    assert key_name(6) == "F#"
    assert key_name(11) == "B"
    assert key_name(-1) is None
    assert key_name(None) is None


def test_arousal_from_energy_tempo_formula() -> None:
    # 0.7 x 0.828 + 0.3 x (91.983 - 60) / 120 = 0.5796 + 0.07996 = 0.65956
    assert arousal_from_energy_tempo(0.828, 91.983) == pytest.approx(0.6596, abs=1e-4)
    assert arousal_from_energy_tempo(0.5, 200.0) == pytest.approx(0.65)  # tempo term capped at 1
    assert arousal_from_energy_tempo(0.5, 50.0) == pytest.approx(0.35)  # and floored at 0
    assert arousal_from_energy_tempo(0.42, None) == 0.42


def test_year_from_name() -> None:
    assert year_from_name("TikTok_songs_2019.csv") == 2019
    assert year_from_name("spotify_top_charts_21.csv") == 2021
    assert year_from_name("TikTok_songs_2022_excerpt.csv") == 2022
    assert year_from_name("test_set.csv") is None


# --- Spotify tracks dataset ----------------------------------------------------------------------


def test_parse_spotify_tracks_excerpt() -> None:
    rows = list(parse_spotify_tracks_csv(FIXTURES / "spotify_tracks_excerpt.csv"))

    assert len(rows) == 40
    first = rows[0]
    assert first.track_id == "6MxGvnJWqdGS0chQypGXhB"
    assert first.title == "Nivel De Perreo"
    assert first.artists == ("J Balvin", "Ryan Castro")
    assert first.artist_credit == "J Balvin, Ryan Castro"
    assert first.album == "Feliz Cumpleaños con Perreo"
    assert first.popularity == 2
    assert first.duration_s == 151.573
    assert first.explicit is True
    assert first.raw_genres == ("latin",)
    assert first.genres == {"latin": 1.0}
    assert first.line == 2
    features = first.features
    assert (features.key, features.pitch_class, features.mode) == ("C#", 1, "major")
    assert features.tempo_bpm == 91.983
    assert features.time_signature == 4
    assert features.arousal == pytest.approx(0.6596, abs=1e-4)
    assert top_label(features.moods) == "happy"  # valence 0.72, arousal 0.66
    assert sum(features.moods.values()) == pytest.approx(1.0, abs=1e-3)
    assert rows[1].raw_genres == ("synth-pop",) and rows[1].genres == {"pop": 1.0}


def test_parse_spotify_tracks_accepts_file_objects_without_index_column() -> None:
    text = (FIXTURES / "spotify_tracks_bad_rows.csv").read_text(encoding="utf-8")
    first_two = "\n".join(text.splitlines()[:2]) + "\n"

    rows = list(parse_spotify_tracks_csv(io.StringIO(first_two)))

    assert [r.title for r in rows] == ["Nivel De Perreo"]


def test_parse_spotify_tracks_names_file_line_column_and_reason() -> None:
    with pytest.raises(CatalogueError) as caught:
        list(parse_spotify_tracks_csv(FIXTURES / "spotify_tracks_bad_rows.csv"))

    error = caught.value
    assert (error.file, error.line, error.column) == ("spotify_tracks_bad_rows.csv", 4, "energy")
    assert str(error) == (
        "spotify_tracks_bad_rows.csv line 4, column 'energy': 'loud' is not a number"
    )
    assert isinstance(error, ValueError)


def test_parse_spotify_tracks_reports_every_bad_row_when_asked() -> None:
    errors: list[CatalogueError] = []

    rows = list(
        parse_spotify_tracks_csv(FIXTURES / "spotify_tracks_bad_rows.csv", on_error=errors.append)
    )

    assert [(e.line, e.column, e.reason) for e in errors] == [
        (4, "energy", "'loud' is not a number"),
        (5, "valence", "1.7 is outside 0 to 1"),
        (6, "key", "12 is outside -1 to 11"),
        (7, "track_name", "empty value"),
        (8, "explicit", "'maybe' is not True/False"),
    ]
    assert [r.title for r in rows] == ["Nivel De Perreo", "Still Air"]


def test_parse_spotify_tracks_merges_duplicate_track_ids() -> None:
    rows = list(
        parse_spotify_tracks_csv(FIXTURES / "spotify_tracks_bad_rows.csv", on_error=lambda e: None)
    )

    merged = rows[0]
    assert merged.raw_genres == ("latin", "hip-hop")
    assert merged.genres == {"latin": 0.5, "hip-hop": 0.5}
    assert merged.line == 2


def test_parse_spotify_tracks_unknown_markers_become_none() -> None:
    rows = list(
        parse_spotify_tracks_csv(FIXTURES / "spotify_tracks_bad_rows.csv", on_error=lambda e: None)
    )

    still_air = rows[-1].features
    assert still_air.tempo_bpm is None
    assert still_air.pitch_class is None and still_air.key is None
    assert still_air.time_signature is None
    assert still_air.mode == "minor"
    assert still_air.arousal == 0.05  # energy alone without a tempo
    assert top_label(still_air.moods) == "sad"
    assert rows[-1].genres == {"soundtrack-ambient": 1.0}


def test_parse_spotify_tracks_rejects_header_without_column(tmp_path: Path) -> None:
    text = (FIXTURES / "spotify_tracks_excerpt.csv").read_text(encoding="utf-8")
    broken = tmp_path / "no_tempo.csv"
    broken.write_text(text.replace(",tempo,", ",bpm,", 1), encoding="utf-8")

    with pytest.raises(
        CatalogueError, match=r"no_tempo.csv line 1, column 'tempo': missing column"
    ):
        list(parse_spotify_tracks_csv(broken))


def test_parse_spotify_tracks_whole_real_file() -> None:
    path = _shared_file("spotify-tracks-subset/test_set.csv")

    rows = list(parse_spotify_tracks_csv(path))

    assert len(rows) == 17_949
    assert len({g for r in rows for g in r.raw_genres}) == 113
    assert all(r.genres for r in rows)  # every dataset genre maps onto the taxonomy
    assert sum(1 for r in rows if r.features.tempo_bpm is None) == 42
    assert sum(1 for r in rows if r.features.time_signature is None) == 44
    assert all(0.0 <= r.features.arousal <= 1.0 for r in rows)


# --- TikTok popular songs and Spotify charts -----------------------------------------------------


def test_parse_tiktok_songs_excerpt() -> None:
    rows = list(parse_tiktok_songs_csv(FIXTURES / "TikTok_songs_2022_excerpt.csv"))

    assert len(rows) == 8
    first = rows[0]
    assert first.title == "Running Up That Hill (A Deal With God)"
    assert first.artist == "Kate Bush"
    assert (first.artist_popularity, first.track_popularity) == (81, 95)
    assert first.duration_s == 298.933
    assert first.year == 2022
    assert first.features.key == "A#" and first.features.mode == "minor"
    assert first.features.valence == 0.197


def test_parse_spotify_charts_excerpt() -> None:
    rows = list(parse_spotify_charts_csv(FIXTURES / "spotify_top_charts_22_excerpt.csv"))

    assert len(rows) == 8
    stay = rows[1]
    assert stay.spotify_id == "5PjdY0CKGZdEuoNab3yDmX"
    assert stay.artists == ("The Kid LAROI", "Justin Bieber")
    assert (stay.peak_rank, stay.weeks_on_chart) == (1, 37)
    assert stay.year == 2022
    assert stay.features.valence is None and stay.features.moods == {}


def test_parse_spotify_charts_rejects_bad_uri() -> None:
    text = (FIXTURES / "spotify_top_charts_22_excerpt.csv").read_text(encoding="utf-8")
    source = io.StringIO(text.replace("spotify:track:02MWAaffLxlfxAUY7c5dvx", "spotify:album:x"))

    with pytest.raises(CatalogueError, match=r"<stream> line 2, column 'uri'"):
        list(parse_spotify_charts_csv(source))


@pytest.mark.parametrize(
    ("year", "tiktok_rows", "chart_rows"),
    [(2019, 223, 1046), (2020, 292, 1139), (2021, 190, 1027), (2022, 263, 646)],
)
def test_parse_real_tiktok_and_chart_files(year: int, tiktok_rows: int, chart_rows: int) -> None:
    tiktok = _shared_file(f"tiktok-popular-songs-2019-2022/TikTok_songs_{year}.csv")
    charts = _shared_file(f"tiktok-popular-songs-2019-2022/spotify_top_charts_{year % 100}.csv")

    songs = list(parse_tiktok_songs_csv(tiktok))
    chart = list(parse_spotify_charts_csv(charts))

    assert len(songs) == tiktok_rows and {s.year for s in songs} == {year}
    assert len(chart) == chart_rows and {c.year for c in chart} == {year}
