"""Catalogue CSV parsing: the public Spotify-derived datasets, as validated plain rows.

Three layouts (see shared/data/SOURCES.md): the Spotify tracks dataset (our catalogue, with a
genre per row), "TikTok popular songs 20XX" (what went viral on TikTok each year) and the
Spotify weekly top charts (chart presence with peak rank and weeks on chart). All three carry
the old Spotify audio features, which new apps can no longer fetch, so these files are the
only Spotify-computed features we will ever have; they are mapped here onto the shared
vocabulary (arousal, moods, key name, taxonomy genres) so the rest of the app never sees the
CSV columns.

Parsing is strict by default: a bad value stops the import with the file, line, column and
reason, because a silently skipped row is a track missing from every recommendation. Callers
that prefer to skip and report pass `on_error`.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from musicrec.core.descriptors import (
    PITCH_CLASSES,
    genre_from_spotify,
    moods_from_valence_arousal,
)

# Tempo range mapped onto 0-1 for arousal: below 60 BPM everything feels slow, above 180 BPM
# listeners hear half time, so faster values add nothing.
AROUSAL_TEMPO_LOW = 60.0
AROUSAL_TEMPO_HIGH = 180.0
AROUSAL_ENERGY_WEIGHT = 0.7

_UNIT_FEATURES = (
    "danceability", "energy", "speechiness", "acousticness", "instrumentalness", "liveness",
    "valence",
)  # fmt: skip
_FEATURE_COLUMNS = (
    "danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
    "instrumentalness", "liveness", "tempo", "time_signature", "duration_ms",
)  # fmt: skip
SPOTIFY_TRACKS_COLUMNS: tuple[str, ...] = (
    "track_id", "artists", "album_name", "track_name", "popularity", "explicit", "valence",
    "track_genre", *_FEATURE_COLUMNS,
)  # fmt: skip
TIKTOK_SONGS_COLUMNS: tuple[str, ...] = (
    "track_name", "artist_name", "artist_pop", "album", "track_pop", "valence", *_FEATURE_COLUMNS,
)  # fmt: skip
SPOTIFY_CHARTS_COLUMNS: tuple[str, ...] = (
    "uri", "artist_names", "track_name", "peak_rank", "weeks_on_chart", *_FEATURE_COLUMNS,
)  # fmt: skip


class CatalogueError(ValueError):
    """A catalogue file that cannot be imported as it is, with where and why."""

    def __init__(self, file: str, line: int, column: str | None, reason: str) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
        where = f"{file} line {line}" + (f", column '{column}'" if column else "")
        super().__init__(f"{where}: {reason}")


ErrorHandler = Callable[[CatalogueError], None]


# --- Derived vocabulary ---------------------------------------------------------------------------


def key_name(pitch_class: int | None) -> str | None:
    """Tonic name for a pitch class 0-11 ("C" .. "B"); None for Spotify's -1 (no key detected)."""
    if pitch_class is None or not 0 <= pitch_class <= 11:
        return None
    return PITCH_CLASSES[pitch_class]


def arousal_from_energy_tempo(energy: float, tempo_bpm: float | None) -> float:
    """Arousal 0-1 (calm -> excited) from Spotify energy and tempo.

    arousal = 0.7 x energy + 0.3 x clip((tempo - 60) / (180 - 60), 0, 1), or energy alone when
    the tempo is unknown. Energy already folds in loudness, timbre and onset rate, which carry
    most of perceived arousal; tempo adds the speed component energy misses (a quiet but fast
    track still feels more excited than a quiet slow one).
    """
    if tempo_bpm is None or tempo_bpm <= 0:
        return round(energy, 4)
    span = AROUSAL_TEMPO_HIGH - AROUSAL_TEMPO_LOW
    tempo_term = min(1.0, max(0.0, (tempo_bpm - AROUSAL_TEMPO_LOW) / span))
    return round(AROUSAL_ENERGY_WEIGHT * energy + (1 - AROUSAL_ENERGY_WEIGHT) * tempo_term, 4)


# --- Rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackFeatures:
    """Spotify's audio features of one track plus the shared-vocabulary values derived from them."""

    danceability: float
    energy: float
    valence: float | None  # absent from the charts layout
    acousticness: float
    speechiness: float
    instrumentalness: float
    liveness: float
    loudness_db: float
    tempo_bpm: float | None  # None where Spotify gave 0 (no beat found)
    pitch_class: int | None  # None where Spotify gave -1
    key: str | None  # tonic name, e.g. "F#"
    mode: str | None  # "major" / "minor"
    time_signature: int | None  # None where Spotify gave 0
    arousal: float
    moods: dict[str, float] = field(default_factory=dict)  # empty when valence is unknown


@dataclass(frozen=True)
class CatalogueRow:
    """One track of the Spotify tracks dataset; duplicates of a track_id are merged into one."""

    track_id: str
    title: str
    artists: tuple[str, ...]
    album: str
    popularity: int  # 0-100, Spotify's own popularity when the dataset was collected
    duration_s: float
    explicit: bool
    features: TrackFeatures
    raw_genres: tuple[str, ...]  # the dataset's track_genre values, in file order
    genres: dict[str, float]  # weights over the taxonomy, split evenly between raw genres
    line: int  # first line of the track in the file

    @property
    def artist_credit(self) -> str:
        return ", ".join(self.artists)


@dataclass(frozen=True)
class TikTokSongRow:
    """A song listed as popular on TikTok in a given year."""

    title: str
    artist: str
    artist_popularity: int
    album: str
    track_popularity: int
    duration_s: float
    features: TrackFeatures
    year: int | None
    line: int


@dataclass(frozen=True)
class ChartRow:
    """A track's presence on Spotify's global weekly top-200 chart within a year."""

    spotify_id: str
    title: str
    artists: tuple[str, ...]
    artist_credit: str  # as given; names containing commas ("Tyler, The Creator") split wrongly
    peak_rank: int  # 1 = top
    weeks_on_chart: int
    duration_s: float
    features: TrackFeatures
    year: int | None
    line: int


# --- Cell parsing ---------------------------------------------------------------------------------


class _RowReader:
    """Typed access to one CSV row that raises CatalogueError naming the cell."""

    def __init__(self, file: str, line: int, row: dict[str, str]) -> None:
        self.file = file
        self.line = line
        self.row = row

    def error(self, column: str | None, reason: str) -> CatalogueError:
        return CatalogueError(self.file, self.line, column, reason)

    def text(self, column: str, *, required: bool = True) -> str:
        value = (self.row.get(column) or "").strip()
        if required and not value:
            raise self.error(column, "empty value")
        return value

    def number(self, column: str, low: float | None = None, high: float | None = None) -> float:
        raw = self.text(column)
        try:
            value = float(raw)
        except ValueError:
            raise self.error(column, f"{raw!r} is not a number") from None
        if not math.isfinite(value):
            raise self.error(column, f"{raw!r} is not a finite number")
        if (low is not None and value < low) or (high is not None and value > high):
            raise self.error(column, f"{raw} is outside {low:g} to {high:g}")
        return value

    def integer(self, column: str, low: int, high: int) -> int:
        value = self.number(column, low, high)
        if not value.is_integer():
            raise self.error(column, f"{self.row[column].strip()!r} is not a whole number")
        return int(value)

    def boolean(self, column: str) -> bool:
        raw = self.text(column).lower()
        if raw in ("true", "1"):
            return True
        if raw in ("false", "0"):
            return False
        raise self.error(column, f"{self.row[column].strip()!r} is not True/False")

    def features(self, *, has_valence: bool) -> TrackFeatures:
        unit = {
            name: self.number(name, 0.0, 1.0)
            for name in _UNIT_FEATURES
            if has_valence or name != "valence"
        }
        pitch = self.integer("key", -1, 11)
        mode = "major" if self.integer("mode", 0, 1) == 1 else "minor"
        tempo = self.number("tempo", 0.0, 300.0) or None
        time_signature = self.integer("time_signature", 0, 7) or None
        arousal = arousal_from_energy_tempo(unit["energy"], tempo)
        valence = unit.get("valence")
        moods = (
            moods_from_valence_arousal(valence, arousal, mode=mode) if valence is not None else {}
        )
        return TrackFeatures(
            danceability=unit["danceability"],
            energy=unit["energy"],
            valence=valence,
            acousticness=unit["acousticness"],
            speechiness=unit["speechiness"],
            instrumentalness=unit["instrumentalness"],
            liveness=unit["liveness"],
            loudness_db=self.number("loudness", -80.0, 10.0),
            tempo_bpm=tempo,
            pitch_class=pitch if pitch >= 0 else None,
            key=key_name(pitch),
            mode=mode,
            time_signature=time_signature,
            arousal=arousal,
            moods=moods,
        )

    def duration_s(self) -> float:
        return round(self.integer("duration_ms", 1, 24 * 3600 * 1000) / 1000.0, 3)


def _open(source: str | Path | IO[str]) -> tuple[IO[str], str, bool]:
    if isinstance(source, str | Path):
        path = Path(source)
        # utf-8-sig: spreadsheet exports often start with a byte-order mark
        return path.open(newline="", encoding="utf-8-sig"), path.name, True
    return source, Path(getattr(source, "name", "<stream>")).name, False


def _rows(
    source: str | Path | IO[str], required: tuple[str, ...]
) -> Iterator[tuple[str, _RowReader]]:
    """(file name, reader) for every data row, after checking the header has `required`."""
    handle, name, owned = _open(source)
    try:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [column for column in required if column not in header]
        if missing:
            raise CatalogueError(name, 1, missing[0], "missing column in the header")
        for row in reader:
            yield name, _RowReader(name, reader.line_num, row)
    finally:
        if owned:
            handle.close()


def _report(error: CatalogueError, on_error: ErrorHandler | None) -> None:
    if on_error is None:
        raise error
    on_error(error)


_YEAR = re.compile(r"(?<!\d)(\d{4}|\d{2})(?!\d)(?=[^\d]*$)")


def year_from_name(name: str) -> int | None:
    """The year a per-year export covers, from its file name ("..._2021.csv", "..._21.csv")."""
    match = _YEAR.search(Path(name).stem)
    if not match:
        return None
    year = int(match.group(1))
    return year + 2000 if year < 100 else year


# --- Spotify tracks dataset --------------------------------------------------------------------


def _genre_weights(raw_genres: tuple[str, ...]) -> dict[str, float]:
    """Each raw genre gets an equal share, moved onto its taxonomy genre; unmapped shares drop."""
    share = 1.0 / len(raw_genres)
    weights: dict[str, float] = {}
    for raw in raw_genres:
        genre = genre_from_spotify(raw)
        if genre is not None:
            weights[genre] = weights.get(genre, 0.0) + share
    total = sum(weights.values())
    return {k: round(v / total, 4) for k, v in weights.items()} if total else {}


def parse_spotify_tracks_csv(
    source: str | Path | IO[str], *, on_error: ErrorHandler | None = None
) -> Iterator[CatalogueRow]:
    """Validated catalogue rows from the Spotify tracks dataset layout, one per track_id.

    The dataset lists a track once per genre it was sampled under, so rows sharing a track_id
    are merged: the first row's values are kept and its genres accumulate (weights split evenly).
    Rows come out in the order of each track's first appearance, after the whole file is read.
    The leading unnamed index column, if present, is ignored.
    """
    merged: dict[str, CatalogueRow] = {}
    for _, cells in _rows(source, SPOTIFY_TRACKS_COLUMNS):
        try:
            row = _catalogue_row(cells)
        except CatalogueError as error:
            _report(error, on_error)
            continue
        first = merged.get(row.track_id)
        if first is None:
            merged[row.track_id] = row
        elif row.raw_genres[0] not in first.raw_genres:
            raw = (*first.raw_genres, row.raw_genres[0])
            merged[row.track_id] = replace(first, raw_genres=raw, genres=_genre_weights(raw))
    yield from merged.values()


def _catalogue_row(cells: _RowReader) -> CatalogueRow:
    artists = tuple(a.strip() for a in cells.text("artists").split(";") if a.strip())
    raw_genre = cells.text("track_genre").lower()
    return CatalogueRow(
        track_id=cells.text("track_id"),
        title=cells.text("track_name"),
        artists=artists,
        album=cells.text("album_name", required=False),
        popularity=cells.integer("popularity", 0, 100),
        duration_s=cells.duration_s(),
        explicit=cells.boolean("explicit"),
        features=cells.features(has_valence=True),
        raw_genres=(raw_genre,),
        genres=_genre_weights((raw_genre,)),
        line=cells.line,
    )


# --- TikTok popular songs -----------------------------------------------------------------------


def parse_tiktok_songs_csv(
    source: str | Path | IO[str],
    *,
    year: int | None = None,
    on_error: ErrorHandler | None = None,
) -> Iterator[TikTokSongRow]:
    """Rows of a "TikTok popular songs 20XX" file; the year comes from the file name if not given.

    These files have no Spotify ID: join them to the catalogue with `music.matching`.
    """
    for name, cells in _rows(source, TIKTOK_SONGS_COLUMNS):
        try:
            yield TikTokSongRow(
                title=cells.text("track_name"),
                artist=cells.text("artist_name"),
                artist_popularity=cells.integer("artist_pop", 0, 100),
                album=cells.text("album", required=False),
                track_popularity=cells.integer("track_pop", 0, 100),
                duration_s=cells.duration_s(),
                features=cells.features(has_valence=True),
                year=year if year is not None else year_from_name(name),
                line=cells.line,
            )
        except CatalogueError as error:
            _report(error, on_error)


# --- Spotify weekly top charts ------------------------------------------------------------------

_TRACK_URI = re.compile(r"^spotify:track:([0-9A-Za-z]{22})$")


def parse_spotify_charts_csv(
    source: str | Path | IO[str],
    *,
    year: int | None = None,
    on_error: ErrorHandler | None = None,
) -> Iterator[ChartRow]:
    """Rows of a Spotify weekly top-charts summary (peak rank and weeks on chart per track)."""
    for name, cells in _rows(source, SPOTIFY_CHARTS_COLUMNS):
        try:
            uri = cells.text("uri")
            match = _TRACK_URI.match(uri)
            if not match:
                raise cells.error("uri", f"{uri!r} is not a spotify:track: URI")
            credit = cells.text("artist_names")
            yield ChartRow(
                spotify_id=match.group(1),
                title=cells.text("track_name"),
                artists=tuple(a.strip() for a in credit.split(",") if a.strip()),
                artist_credit=credit,
                peak_rank=cells.integer("peak_rank", 1, 200),
                weeks_on_chart=cells.integer("weeks_on_chart", 1, 5200),
                duration_s=cells.duration_s(),
                features=cells.features(has_valence=False),
                year=year if year is not None else year_from_name(name),
                line=cells.line,
            )
        except CatalogueError as error:
            _report(error, on_error)
