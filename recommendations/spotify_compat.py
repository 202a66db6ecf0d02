"""Spotify's `GET /v1/recommendations`, served locally over our catalogue.

Spotify closed that endpoint to new apps on 2024-11-27, but integrations still speak its
language: up to five seeds (tracks, artists, genres), `min_*` / `max_*` hard filters and `target_*`
values that rank by closeness, and per-seed pool sizes in the answer. This module keeps that
interface, pure over `CatalogueArrays`. docs/engine.md describes the pools and the ranking.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from musicrec.core.descriptors import GENRE_KEYS, SPOTIFY_GENRE_MAP, genre_from_spotify
from musicrec.core.threads import single_threaded_blas

from .catalogue import CatalogueArrays
from .engine import FILTER_MIN_SHARE

MAX_SEEDS = 5
MAX_LIMIT = 100
# A track joins a track or artist seed's pool when its feature vector (tempo, energy, valence,
# arousal, danceability, acousticness, genres; centred, unit length) has at least this cosine
# with the seed's: clearly alike, while still leaving hundreds of candidates in a large catalogue.
SEED_SIMILARITY_MIN = 0.5
# Attribute -> (column, allowed range, the distance at which target closeness reaches 0).
TUNABLES: dict[str, tuple[str, tuple[float, float], float]] = {
    "tempo": ("tempo", (0.0, 400.0), 100.0),
    "energy": ("energy", (0.0, 1.0), 1.0),
    "valence": ("valence", (0.0, 1.0), 1.0),
    "danceability": ("danceability", (0.0, 1.0), 1.0),
    "acousticness": ("acousticness", (0.0, 1.0), 1.0),
    "popularity": ("spotify_popularity", (0.0, 100.0), 100.0),
}
_TUNABLE_NAME = re.compile(r"^(min|max|target)_([a-z]+)$")


@dataclass(frozen=True)
class Seed:
    id: str
    type: str  # "TRACK", "ARTIST" or "GENRE", as Spotify spells them
    initialPoolSize: int  # noqa: N815 - Spotify's field names, kept for compatible clients
    afterFilteringSize: int  # noqa: N815
    afterRelinkingSize: int  # noqa: N815 - no market relinking locally: equals afterFiltering
    href: str | None = None


@dataclass(frozen=True)
class CompatTrack:
    music_id: int
    title: str
    artist: str
    score: float
    attributes: dict[str, float | None] = field(default_factory=dict)


@dataclass
class SpotifyCompatResult:
    tracks: list[CompatTrack]
    seeds: list[Seed]

    def as_dict(self) -> dict[str, Any]:
        """The response body in Spotify's shape (ids as strings; tracks carry their features)."""
        return {
            "tracks": [
                {
                    "id": str(t.music_id),
                    "name": t.title,
                    "artists": [{"name": t.artist}],
                    "score": t.score,
                    **t.attributes,
                }
                for t in self.tracks
            ],
            "seeds": [
                {
                    "id": s.id,
                    "type": s.type,
                    "href": s.href,
                    "initialPoolSize": s.initialPoolSize,
                    "afterFilteringSize": s.afterFilteringSize,
                    "afterRelinkingSize": s.afterRelinkingSize,
                }
                for s in self.seeds
            ],
        }


def available_genre_seeds() -> list[str]:
    """Genre seeds we accept: our taxonomy plus Spotify's own genre names that map onto it."""
    return sorted(set(GENRE_KEYS) | set(SPOTIFY_GENRE_MAP))


def parse_tunables(values: Mapping[str, object]) -> dict[str, dict[str, float]]:
    """{"min": {...}, "max": {...}, "target": {...}} from `min_tempo=...` style keywords."""
    parsed: dict[str, dict[str, float]] = {"min": {}, "max": {}, "target": {}}
    for key, value in values.items():
        match = _TUNABLE_NAME.match(key)
        if not match or match.group(2) not in TUNABLES:
            allowed = ", ".join(f"min_/max_/target_{a}" for a in TUNABLES)
            raise ValueError(f"unknown tunable '{key}'; expected one of {allowed}")
        kind, attribute = match.groups()
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"'{key}' must be a number, got {value!r}")
        low, high = TUNABLES[attribute][1]
        if not (math.isfinite(value) and low <= value <= high):
            raise ValueError(f"'{key}' must be between {low:g} and {high:g}, got {value!r}")
        parsed[kind][attribute] = float(value)
    for attribute, low in parsed["min"].items():
        high = parsed["max"].get(attribute)
        if high is not None and low > high:
            raise ValueError(f"min_{attribute} {low:g} is above max_{attribute} {high:g}")
    return parsed


def _filter_mask(arrays: CatalogueArrays, tunables: dict[str, dict[str, float]]) -> np.ndarray:
    mask = np.ones(arrays.size, dtype=bool)
    with np.errstate(invalid="ignore"):
        for attribute, low in tunables["min"].items():
            mask &= getattr(arrays, TUNABLES[attribute][0]) >= np.float32(low)
        for attribute, high in tunables["max"].items():
            mask &= getattr(arrays, TUNABLES[attribute][0]) <= np.float32(high)
    return mask


def _similar_to(arrays: CatalogueArrays, vector: np.ndarray) -> np.ndarray:
    return np.clip(arrays.features @ vector, 0.0, 1.0)


def _artist_rows(arrays: CatalogueArrays, artist: int | str) -> np.ndarray:
    """Rows of an artist given by id (int) or by name (str, case-insensitive)."""
    if isinstance(artist, int):
        return arrays.artist_rows(f"id:{artist}")
    names = arrays.memo("artist_names", lambda: np.array([a.lower() for a in arrays.artists]))
    return np.flatnonzero(names == artist.lower())


def recommend_like_spotify(
    arrays: CatalogueArrays,
    *,
    seed_tracks: Iterable[int] = (),
    seed_artists: Iterable[int | str] = (),
    seed_genres: Iterable[str] = (),
    limit: int = 20,
    exclude_ids: Iterable[int] = (),
    **tunables: float,
) -> SpotifyCompatResult:
    """Seeded recommendations with Spotify's semantics.

    Each seed builds a pool (similar tracks, the artist and artists alike, or the genre); the
    `min_*` / `max_*` values filter the pools; the union is ranked by closeness to the `target_*`
    values when any are given, else by affinity to the seeds, then by popularity.
    """
    tracks, artists, genres = list(seed_tracks), list(seed_artists), list(seed_genres)
    total = len(tracks) + len(artists) + len(genres)
    if total == 0:
        raise ValueError("give at least one seed (seed_tracks, seed_artists or seed_genres)")
    if total > MAX_SEEDS:
        raise ValueError(f"at most {MAX_SEEDS} seeds in total, got {total}")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit!r}")
    parsed = parse_tunables(tunables)

    with single_threaded_blas():
        passes = _filter_mask(arrays, parsed)
        affinity = np.zeros(arrays.size, dtype=np.float32)
        in_any_pool = np.zeros(arrays.size, dtype=bool)
        seed_rows: list[int] = []
        seeds: list[Seed] = []

        def add_pool(seed_id: str, kind: str, pool: np.ndarray, strength: np.ndarray) -> None:
            np.maximum(affinity, np.where(pool, strength, 0.0), out=affinity)
            in_any_pool[pool] = True
            size, kept = int(pool.sum()), int((pool & passes).sum())
            seeds.append(Seed(seed_id, kind, size, kept, kept))

        for music_id in tracks:
            row = arrays.row_of(int(music_id))
            if row is None:
                raise ValueError(f"unknown seed track {music_id!r}")
            seed_rows.append(row)
            similarity = _similar_to(arrays, arrays.features[row])
            pool = similarity >= SEED_SIMILARITY_MIN
            pool[row] = False
            add_pool(str(music_id), "TRACK", pool, similarity)
        for artist in artists:
            rows = _artist_rows(arrays, artist)
            if rows.size == 0:
                raise ValueError(f"unknown seed artist {artist!r}")
            centre = arrays.features[rows].mean(axis=0)
            norm = float(np.linalg.norm(centre))
            similarity = _similar_to(arrays, centre / norm if norm > 0 else centre)
            similarity[rows] = 1.0
            add_pool(str(artist), "ARTIST", similarity >= SEED_SIMILARITY_MIN, similarity)
        for name in genres:
            genre = genre_from_spotify(name)
            if genre is None:
                raise ValueError(f"unknown seed genre {name!r}")
            col = GENRE_KEYS.index(genre)
            share = arrays.genres[:, col]
            pool = (share >= FILTER_MIN_SHARE) | (arrays.top_genre == col)
            add_pool(name, "GENRE", pool, share / np.float32(max(float(share.max()), 1e-9)))

        candidates = in_any_pool & passes
        candidates[np.array(seed_rows, dtype=np.int64)] = False
        candidates[arrays.rows_for(exclude_ids)] = False
        rows = np.flatnonzero(candidates)

        closeness = np.zeros(rows.size, dtype=np.float32)
        for attribute, goal in parsed["target"].items():
            column, _, span = TUNABLES[attribute]
            values = getattr(arrays, column)[rows]
            closeness += np.nan_to_num(
                1 - np.minimum(np.abs(values - np.float32(goal)) / np.float32(span), 1), nan=0.0
            )
        if parsed["target"]:
            closeness /= np.float32(len(parsed["target"]))
            primary = closeness
        else:
            primary = affinity[rows]
        popularity = np.nan_to_num(arrays.popularity[rows], nan=0.0)
        order = np.lexsort((rows, -popularity, -affinity[rows], -primary))[:limit]

    result = []
    for position in order.tolist():
        row = int(rows[position])
        attributes = {}
        for attribute, (column, _, _) in TUNABLES.items():
            value = float(getattr(arrays, column)[row])
            attributes[attribute] = None if math.isnan(value) else round(value, 4)
        result.append(
            CompatTrack(
                music_id=int(arrays.music_ids[row]),
                title=arrays.titles[row],
                artist=arrays.artists[row],
                score=round(float(primary[position]), 4),
                attributes=attributes,
            )
        )
    return SpotifyCompatResult(tracks=result, seeds=seeds)
