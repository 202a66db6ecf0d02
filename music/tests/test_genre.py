"""music.genre: precedence of the sources, the neighbour vote and the keyword fallback."""

from __future__ import annotations

import math

import numpy as np
import pytest

from music.genre import (
    KEYWORD_CONFIDENCE,
    NO_GENRE,
    SPOTIFY_CONFIDENCE_SCALE,
    genre_from_neighbours,
    genre_infer,
)

# tempo, energy, valence, danceability, acousticness, speechiness
_EDM = [(128, 0.90, 0.60, 0.80, 0.05, 0.05), (126, 0.85, 0.55, 0.82, 0.08, 0.06),
        (130, 0.92, 0.50, 0.78, 0.03, 0.04)]  # fmt: skip
_FOLK = [(84, 0.25, 0.45, 0.40, 0.90, 0.04), (90, 0.30, 0.50, 0.45, 0.85, 0.03),
         (78, 0.20, 0.40, 0.35, 0.92, 0.05)]  # fmt: skip
_RAP = [(95, 0.70, 0.50, 0.75, 0.15, 0.40), (92, 0.72, 0.45, 0.80, 0.12, 0.35)]


def _labelled() -> tuple[np.ndarray, list[str]]:
    rows = _EDM + _FOLK + _RAP
    labels = ["electronic"] * len(_EDM) + ["folk-acoustic"] * len(_FOLK) + ["hip-hop"] * len(_RAP)
    return np.array(rows, dtype=float), labels


def test_genre_label_prefers_the_catalogue_label():
    label = genre_infer(
        catalogue_genres=["edm", "house"],
        spotify_genres=["indie folk"],
        features_vector=_FOLK[0],
        labelled_neighbours=_labelled(),
        text="Folk song",
    )
    assert label == ({"electronic": 1.0}, "catalogue", 1.0)


def test_genre_label_splits_a_track_filed_under_several_catalogue_genres():
    genres, source, confidence = genre_infer(catalogue_genres=["pop", "dance", "dance"])
    assert genres == {"pop": 0.5, "electronic": 0.5}
    assert (source, confidence) == ("catalogue", 1.0)


def test_genre_label_uses_spotify_artist_genres_without_a_catalogue_label():
    genres, source, confidence = genre_infer(
        spotify_genres=["art pop", "art rock", "baroque pop", "new wave pop", "permanent wave"],
        features_vector=_EDM[0],
        labelled_neighbours=_labelled(),
    )
    # "permanent wave" maps to nothing; of the four that map, the shared vocabulary reads two as
    # pop, "art rock" as rock and "baroque pop" as classical.
    assert genres == {"pop": 0.5, "rock": 0.25, "classical": 0.25}
    assert source == "spotify"
    assert confidence == pytest.approx(SPOTIFY_CONFIDENCE_SCALE * 2 / 4)


def test_genre_label_ignores_unmappable_sources_and_falls_through():
    label = genre_infer(catalogue_genres=["   "], spotify_genres=["permanent wave"], text="Rap God")
    assert label == ({"hip-hop": 1.0}, "keywords", KEYWORD_CONFIDENCE)


def test_genre_label_estimates_from_the_nearest_labelled_tracks():
    genres, source, confidence = genre_infer(
        features_vector=(127, 0.88, 0.58, 0.81, 0.06, 0.05),
        labelled_neighbours=_labelled(),
        text="Pop anthem",  # neighbours outrank keywords
    )
    assert source == "neighbours"
    assert max(genres, key=genres.get) == "electronic"
    assert 0.0 < confidence < 1.0
    # Plain floats: numpy scalars break Django's field validation and JSON encoding.
    assert type(confidence) is float
    assert all(type(weight) is float for weight in genres.values())


def test_genre_from_neighbours_hand_computed_vote():
    # One feature varies (energy); the others are constant so they are dropped (std 0).
    matrix = np.array(
        [(120, 0.0, 0.5, 0.5, 0.5, 0.5), (120, 1.0, 0.5, 0.5, 0.5, 0.5),
         (120, 2.0, 0.5, 0.5, 0.5, 0.5), (120, 3.0, 0.5, 0.5, 0.5, 0.5)]
    )  # fmt: skip
    labels = ["rock", "rock", "jazz", "jazz"]
    # Only energy varies, the other columns have no spread: one usable column is too few.
    assert genre_from_neighbours((120, 1.0, 0.5, 0.5, 0.5, 0.5), matrix, labels) is None

    matrix = np.array(
        [(100, 0.0, 0.0, 0.5, 0.5, 0.5), (110, 1.0, 0.2, 0.5, 0.5, 0.5),
         (130, 2.0, 0.8, 0.5, 0.5, 0.5), (140, 3.0, 1.0, 0.5, 0.5, 0.5)]
    )  # fmt: skip
    query = (110, 1.0, 0.2, 0.5, 0.5, 0.5)  # identical to the second row
    genres, source, confidence = genre_from_neighbours(query, matrix, labels, k=4)

    logs = np.log2(matrix[:, 0])
    z = np.column_stack(
        [
            (logs - logs.mean()) / logs.std(),
            (matrix[:, 1] - matrix[:, 1].mean()) / matrix[:, 1].std(),
            (matrix[:, 2] - matrix[:, 2].mean()) / matrix[:, 2].std(),
        ]
    )
    d = np.sqrt(np.mean((z - z[1]) ** 2, axis=1))
    w = 1.0 / (d + 0.1)
    rock, jazz = w[0] + w[1], w[2] + w[3]
    total = rock + jazz
    assert source == "neighbours"
    assert genres == {"rock": round(rock / total, 4), "jazz": round(jazz / total, 4)}
    assert confidence == round(rock / total * math.exp(-d.mean()), 3)


def test_genre_from_neighbours_skips_unknown_query_values_and_unlabelled_rows():
    matrix, labels = _labelled()
    labels[0] = "not-a-genre"
    query = (None, 0.27, None, 0.42, 0.88, None)
    genres, source, _ = genre_from_neighbours(query, matrix, labels)
    assert source == "neighbours"
    assert max(genres, key=genres.get) == "folk-acoustic"
    # Too few known values in the query: no estimate.
    assert genre_from_neighbours((None, 0.3, None, None, 0.9, None), matrix, labels) is None


def test_genre_from_neighbours_needs_a_few_labelled_tracks():
    matrix, labels = _labelled()
    assert genre_from_neighbours(_EDM[0], matrix[:2], labels[:2]) is None


def test_genre_from_neighbours_rejects_mismatched_shapes():
    matrix, labels = _labelled()
    with pytest.raises(ValueError, match="columns"):
        genre_from_neighbours(_EDM[0], matrix[:, :5], labels)
    with pytest.raises(ValueError, match="length"):
        genre_from_neighbours(_EDM[0], matrix, labels[:-1])


def test_genre_label_closer_tracks_give_more_confidence():
    matrix, labels = _labelled()
    near = genre_infer(features_vector=_FOLK[0], labelled_neighbours=(matrix, labels))
    far = genre_infer(
        features_vector=(200, 0.5, 0.95, 0.1, 0.5, 0.9), labelled_neighbours=(matrix, labels)
    )
    assert near.confidence > far.confidence


def test_genre_label_reads_keywords_from_title_artist_and_album():
    assert genre_infer(text="Moonlight — Seoul Crew — K-pop Hits 2024").genres == {"k-pop": 1.0}


def test_genre_label_says_none_rather_than_guessing():
    assert genre_infer(text="Untitled") == NO_GENRE
    assert genre_infer() == ({}, "none", None)
