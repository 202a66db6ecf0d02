"""Import the music catalogue (Spotify tracks dataset rows) and the commercial-use flags.

Each track becomes a Music with a Spotify source (the dataset's track id, its popularity and
raw genre), catalogue features (Spotify's audio features mapped onto the shared vocabulary,
genre from the dataset's label with confidence 1) and a popularity snapshot. Everything is
written in bulk in one transaction: a catalogue is all or nothing.

What an import does not overwrite: a curator's genre, and audio-measured features. When a
track was already analysed from its audio, the catalogue values go to `detail["catalogue"]`
(where the audio analysis keeps them too) and only the genre label is taken from the catalogue,
the most trusted automatic source.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from music.catalogue_csv import CatalogueError, CatalogueRow
from music.models import Music, MusicFeatures, MusicSnapshot, MusicSource
from musicrec.core.descriptors import top_label
from musicrec.core.models import AnalysisStatus, Platform
from musicrec.core.versions import CATALOGUE, data_changed
from musicrec.ingest.sources import LOOKUP_CHUNK, clip, rows_in

ProgressFn = Callable[[int, str], None]
CATALOGUE_VERSION = "catalogue"
BATCH = 2_000

MUSIC_FIELDS = ("title", "artist_name", "album", "duration_s", "explicit")
SOURCE_FIELDS = ("url", "popularity", "genres", "raw", "last_seen_at")
GENRE_FIELDS = ("genre", "genre_source", "genre_confidence", "genres")
CATALOGUE_FEATURE_FIELDS = (
    "status", "feature_source", "version", "analyzed_at", "tempo_bpm", "key", "mode",
    "loudness_lufs", "energy", "danceability", "valence", "arousal", "acousticness",
    "speechiness", "moods", "top_mood", "detail", "error",
)  # fmt: skip
_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n"}


@dataclass
class CatalogueSummary:
    tracks: int = 0
    music_created: int = 0
    music_updated: int = 0
    sources_created: int = 0
    features_catalogue: int = 0  # typed columns hold the catalogue's values
    features_kept: int = 0  # audio-measured features kept; catalogue values stored beside them
    snapshots: int = 0
    commercial_set: int = 0
    commercial_unmatched: list[str] = field(default_factory=list)
    music_ids: list[int] = field(default_factory=list)

    def as_counts(self) -> dict[str, int]:
        counts = {k: v for k, v in asdict(self).items() if isinstance(v, int)}
        counts["commercial_unmatched"] = len(self.commercial_unmatched)
        return counts

    def describe(self) -> str:
        text = (
            f"{self.tracks} tracks: {self.music_created} new, {self.music_updated} updated; "
            f"{self.features_catalogue} catalogue features"
            f"{f', {self.features_kept} audio analyses kept' if self.features_kept else ''}; "
            f"{self.snapshots} popularity snapshots"
        )
        if self.commercial_set or self.commercial_unmatched:
            text += f"; commercial flag set on {self.commercial_set} tracks"
            if self.commercial_unmatched:
                text += f" ({len(self.commercial_unmatched)} track ids not in the catalogue)"
        return text


def commercial_flags_from_csv(source: str | Path | IO[str]) -> dict[str, bool]:
    """`track_id,commercial_ok` rows as {track_id: flag}; a bad cell raises CatalogueError."""
    if isinstance(source, str | Path):
        with Path(source).open(newline="", encoding="utf-8-sig") as handle:
            return _commercial_rows(handle, Path(source).name)
    return _commercial_rows(source, Path(getattr(source, "name", "<stream>")).name)


def _commercial_rows(handle: IO[str], name: str) -> dict[str, bool]:
    reader = csv.DictReader(handle)
    for column in ("track_id", "commercial_ok"):
        if column not in (reader.fieldnames or []):
            raise CatalogueError(name, 1, column, "missing column in the header")
    flags: dict[str, bool] = {}
    for row in reader:
        track_id = (row.get("track_id") or "").strip()
        if not track_id:
            raise CatalogueError(name, reader.line_num, "track_id", "empty value")
        raw = (row.get("commercial_ok") or "").strip()
        if raw.lower() in _TRUE:
            flags[track_id] = True
        elif raw.lower() in _FALSE:
            flags[track_id] = False
        else:
            raise CatalogueError(
                name, reader.line_num, "commercial_ok", f"{raw!r} is not true/false"
            )
    return flags


@transaction.atomic
def catalogue_import(
    *,
    rows: Iterable[CatalogueRow],
    commercial: Mapping[str, bool] | None = None,
    progress: ProgressFn | None = None,
    taken_at: datetime | None = None,
) -> CatalogueSummary:
    """Upsert the catalogue; `taken_at` dates the popularity snapshots (default now).

    Re-importing the same file with the same `taken_at` changes nothing.
    """
    report = progress or (lambda percent, message: None)
    taken_at = taken_at or timezone.now()
    tracks = {row.track_id: row for row in rows}
    keys = sorted(tracks)
    summary = CatalogueSummary(tracks=len(keys))

    report(0, "Reading the stored catalogue")
    known = dict(
        rows_in(
            MusicSource.objects.filter(platform=Platform.SPOTIFY),
            "external_id",
            keys,
            "external_id",
            "music_id",
            flat_pairs=True,
        )
    )
    report(10, "Storing tracks")
    music_ids = _store_music(tracks, keys, known, summary)
    summary.music_ids = [music_ids[key] for key in keys]

    report(35, "Storing Spotify sources")
    sources = [
        MusicSource(
            music_id=music_ids[key],
            platform=Platform.SPOTIFY,
            external_id=key,
            url=f"https://open.spotify.com/track/{key}",
            popularity=tracks[key].popularity,
            genres=list(tracks[key].raw_genres),
            raw=_raw(tracks[key]),
            last_seen_at=taken_at,
        )
        for key in keys
    ]
    MusicSource.objects.bulk_create(
        sources,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["platform", "external_id"],
        update_fields=list(SOURCE_FIELDS),
    )
    summary.sources_created = sum(1 for key in keys if key not in known)

    report(55, "Storing catalogue features")
    _store_features(tracks, keys, music_ids, summary)

    report(80, "Storing popularity snapshots")
    source_ids = {source.external_id: source.pk for source in sources}
    if any(pk is None for pk in source_ids.values()):  # a backend that returns no ids on upsert
        source_ids = dict(
            rows_in(
                MusicSource.objects.filter(platform=Platform.SPOTIFY),
                "external_id",
                keys,
                "external_id",
                "pk",
                flat_pairs=True,
            )
        )
    have = {
        pk
        for (pk,) in rows_in(
            MusicSnapshot.objects.filter(taken_at=taken_at),
            "source_id",
            list(source_ids.values()),
            "source_id",
            flat_pairs=True,
        )
    }
    snapshots = [
        MusicSnapshot(source_id=pk, taken_at=taken_at, popularity=tracks[key].popularity)
        for key, pk in source_ids.items()
        if pk not in have
    ]
    MusicSnapshot.objects.bulk_create(snapshots, batch_size=BATCH)
    summary.snapshots = len(snapshots)

    if commercial:
        report(90, "Setting commercial-use flags")
        _store_commercial(commercial, summary)
    data_changed(CATALOGUE)
    report(100, summary.describe())
    return summary


def _store_music(
    tracks: dict[str, CatalogueRow],
    keys: list[str],
    known: dict[str, int],
    summary: CatalogueSummary,
) -> dict[str, int]:
    def values(row: CatalogueRow) -> dict[str, Any]:
        return {
            "title": clip(Music, "title", row.title),
            "artist_name": clip(Music, "artist_name", row.artist_credit),
            "album": clip(Music, "album", row.album),
            "duration_s": row.duration_s,
            "explicit": row.explicit,
        }

    new_keys = [key for key in keys if key not in known]
    created = [Music(**values(tracks[key])) for key in new_keys]
    Music.objects.bulk_create(created, batch_size=BATCH)
    music_ids = {**known, **{key: m.pk for key, m in zip(new_keys, created, strict=True)}}
    now = timezone.now()
    updated = [
        Music(pk=known[key], updated_at=now, **values(tracks[key])) for key in keys if key in known
    ]
    Music.objects.bulk_update(updated, [*MUSIC_FIELDS, "updated_at"], batch_size=BATCH)
    summary.music_created, summary.music_updated = len(created), len(updated)
    return music_ids


def _store_features(
    tracks: dict[str, CatalogueRow],
    keys: list[str],
    music_ids: dict[str, int],
    summary: CatalogueSummary,
) -> None:
    stored = {
        row["music_id"]: row
        for row in rows_in(
            MusicFeatures.objects.all(),
            "music_id",
            [music_ids[key] for key in keys],
            "music_id",
            "feature_source",
            "genre_source",
            "detail",
        )
    }
    now = timezone.now()
    # Rows grouped by the columns they may write: one bulk statement per group.
    groups: dict[tuple[str, ...], list[MusicFeatures]] = {}
    for key in keys:
        row, music_id = tracks[key], music_ids[key]
        features = _catalogue_features(row, music_id, now)
        previous = stored.get(music_id)
        writes = list(CATALOGUE_FEATURE_FIELDS)
        if previous and previous["feature_source"] == MusicFeatures.FeatureSource.AUDIO:
            features.detail = {**(previous["detail"] or {}), "catalogue": _catalogue_detail(row)}
            writes = ["detail"]
            summary.features_kept += 1
        else:
            summary.features_catalogue += 1
        if not previous or previous["genre_source"] != MusicFeatures.GenreSource.CURATOR:
            writes.extend(GENRE_FIELDS)
        groups.setdefault(tuple(writes), []).append(features)
    for writes, objs in groups.items():
        MusicFeatures.objects.bulk_create(
            objs,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["music"],
            update_fields=list(writes),
        )


def _catalogue_features(row: CatalogueRow, music_id: int, now: datetime) -> MusicFeatures:
    f = row.features
    genre = top_label(row.genres) or ""
    return MusicFeatures(
        music_id=music_id,
        status=AnalysisStatus.OK,
        feature_source=MusicFeatures.FeatureSource.CATALOGUE,
        version=CATALOGUE_VERSION,
        analyzed_at=now,
        tempo_bpm=f.tempo_bpm,
        key=f.key or "",
        mode=f.mode or "",
        loudness_lufs=f.loudness_db,
        energy=f.energy,
        danceability=f.danceability,
        valence=f.valence,
        arousal=f.arousal,
        acousticness=f.acousticness,
        speechiness=f.speechiness,
        moods=dict(f.moods),
        top_mood=top_label(f.moods) or "",
        genre=genre,
        genre_source=(
            MusicFeatures.GenreSource.CATALOGUE if genre else MusicFeatures.GenreSource.NONE
        ),
        genre_confidence=1.0 if genre else None,
        genres=dict(row.genres),
        detail=_catalogue_detail(row),
        error="",
    )


def _catalogue_detail(row: CatalogueRow) -> dict[str, Any]:
    """What the typed columns have no place for: kept so nothing imported is lost."""
    f = row.features
    return {
        "source": "spotify tracks dataset",
        "instrumentalness": f.instrumentalness,
        "liveness": f.liveness,
        "time_signature": f.time_signature,
        "pitch_class": f.pitch_class,
        "raw_genres": list(row.raw_genres),
        "popularity": row.popularity,
    }


def _raw(row: CatalogueRow) -> dict[str, Any]:
    data = asdict(row)
    data["artists"] = list(row.artists)
    data["raw_genres"] = list(row.raw_genres)
    return data


def _store_commercial(commercial: Mapping[str, bool], summary: CatalogueSummary) -> None:
    """Flag every catalogue track the list names, whether or not this import brought it."""
    owners = dict(
        rows_in(
            MusicSource.objects.filter(platform=Platform.SPOTIFY),
            "external_id",
            sorted(commercial),
            "external_id",
            "music_id",
            flat_pairs=True,
        )
    )
    for flag in (True, False):
        ids = [owners[key] for key, ok in commercial.items() if ok is flag and key in owners]
        for start in range(0, len(ids), LOOKUP_CHUNK):
            Music.objects.filter(pk__in=ids[start : start + LOOKUP_CHUNK]).update(
                commercial_ok=flag
            )
    summary.commercial_set = sum(1 for key in commercial if key in owners)
    summary.commercial_unmatched = sorted(key for key in commercial if key not in owners)
