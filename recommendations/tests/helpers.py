"""Small hand-made catalogues for the engine tests (plain data, no database)."""

from __future__ import annotations

import numpy as np

from musicrec.core.descriptors import GENRE_KEYS
from recommendations.catalogue import TrackRecord
from recommendations.targets import Target
from recommendations.weights import COMPONENTS

# A creator's profile with every descriptor the engine reads, its best videos' music and a tier.
PROFILE = Target(
    tempo_bpm=118.0,
    energy=0.7,
    valence=0.6,
    arousal=0.7,
    danceability=0.8,
    genres={"pop": 0.6, "hip-hop": 0.4},
    best_genres={"electronic": 1.0},
    best_tempo_bpm=124.0,
    follower_count=80_000,
    consistency={"tempo_bpm": 0.4, "genres": 0.9, "valence": 0.2},
)


def track(music_id: int, **fields: object) -> TrackRecord:
    """A track whose artist is unique unless given, so diversity caps stay out of the way."""
    fields.setdefault("title", f"Track {music_id}")
    fields.setdefault("artist", f"Artist {music_id}")
    fields.setdefault("artist_id", music_id)
    return TrackRecord(music_id=music_id, **fields)  # type: ignore[arg-type]


def only(**weights: float) -> dict[str, float]:
    """Weights with every component switched off except the ones named."""
    return {name: float(weights.get(name, 0.0)) for name in COMPONENTS}


def random_catalogue(n: int, seed: int) -> list[TrackRecord]:
    """A seeded catalogue with some unknown values in every column."""
    rng = np.random.default_rng(seed)

    def maybe(value: float) -> float | None:
        return None if rng.random() < 0.15 else value

    records = []
    for i in range(n):
        genres = {str(rng.choice(GENRE_KEYS)): 1.0}
        if rng.random() < 0.4:
            genres[str(rng.choice(GENRE_KEYS))] = 0.5
        records.append(
            track(
                i + 1,
                artist_id=int(rng.integers(0, n // 3 + 1)),
                genres=genres if rng.random() > 0.05 else {},
                tempo_bpm=maybe(float(rng.uniform(60, 180))),
                energy=maybe(float(rng.random())),
                valence=maybe(float(rng.random())),
                arousal=maybe(float(rng.random())),
                danceability=maybe(float(rng.random())),
                acousticness=maybe(float(rng.random())),
                spotify_popularity=maybe(float(rng.integers(0, 101))),
                tiktok_usage=None if rng.random() < 0.15 else int(rng.integers(0, 50)),
                usage_growth_7d=maybe(float(rng.normal(0, 0.5))),
                usage_growth_28d=maybe(float(rng.normal(0, 1))),
                early_trend=bool(rng.random() < 0.1),
                commercial_ok=None if rng.random() < 0.2 else bool(rng.random() < 0.5),
            )
        )
    return records
