"""A track's genre with where it came from and how sure we are: pure, on plain data.

New Spotify apps get no genres for tracks and (in Development Mode) none for artists, and no
genre model installs offline (shared/research/analysis-stack.md §3), so a genre is taken from
the best evidence at hand, in this order, and the label always says which one it was:

1. ``catalogue``: the imported catalogue's label for this very track (Spotify's `track_genre`).
   A track filed under several genres gets an equal share for each. Confidence 1.
2. ``spotify``: the artist genres the Spotify API returned. They describe the artist, not the
   recording, so confidence is the top genre's share of the mapped strings times
   SPOTIFY_CONFIDENCE_SCALE.
3. ``neighbours``: a k-nearest-neighbour vote among labelled catalogue tracks in feature space
   (see `genre_from_neighbours`).
4. ``keywords``: a genre word in the title, artist or album ("Lo-fi Jazz Beats", "K-pop Hits"),
   via the shared vocabulary's `genre_from_text`. Confidence KEYWORD_CONFIDENCE: a word is weak
   evidence ("Pop Out" is not necessarily pop).
5. ``none``: nothing to go on; no genre rather than a silent guess.

A curator's label outranks all of these; the service keeps it and never calls this module.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from musicrec.core.descriptors import (
    GENRE_KEYS,
    genre_from_spotify,
    genre_from_text,
    normalise_weights,
)

# Order of the columns of a feature vector and of the labelled matrix.
NEIGHBOUR_FEATURES: tuple[str, ...] = (
    "tempo_bpm",
    "energy",
    "valence",
    "danceability",
    "acousticness",
    "speechiness",
)
K_NEIGHBOURS = 7
MIN_LABELLED = 3  # fewer labelled tracks than this is no neighbourhood
MIN_KNOWN_FEATURES = 3  # a query vector needs at least this many known values
INVERSE_DISTANCE_EPS = 0.1  # keeps an exact duplicate's weight finite
SPOTIFY_CONFIDENCE_SCALE = 0.8
KEYWORD_CONFIDENCE = 0.3


class GenreLabel(NamedTuple):
    """Weights over the taxonomy, the source that produced them and a confidence 0-1."""

    genres: dict[str, float]
    source: str
    confidence: float | None


NO_GENRE = GenreLabel({}, "none", None)


def _votes(names: Sequence[str]) -> tuple[dict[str, float], int]:
    """Equal-share votes of the names that map onto the taxonomy, and how many mapped."""
    votes: dict[str, float] = {}
    mapped = 0
    for name in dict.fromkeys(n for n in names if n and n.strip()):
        genre = genre_from_spotify(name)
        if genre is not None:
            votes[genre] = votes.get(genre, 0.0) + 1.0
            mapped += 1
    return votes, mapped


def genre_from_catalogue(names: Sequence[str]) -> GenreLabel | None:
    votes, _ = _votes(names)
    if not votes:
        return None
    return GenreLabel(normalise_weights(votes), "catalogue", 1.0)


def genre_from_spotify_artists(names: Sequence[str]) -> GenreLabel | None:
    votes, mapped = _votes(names)
    if not votes:
        return None
    weights = normalise_weights(votes)
    confidence = SPOTIFY_CONFIDENCE_SCALE * float(max(votes.values())) / mapped
    return GenreLabel(weights, "spotify", round(confidence, 3))


def _log_tempo(matrix: np.ndarray) -> np.ndarray:
    """Tempo on a log2 scale: 60 -> 120 BPM is as far as 120 -> 240, as a listener hears it."""
    out = matrix.astype(np.float64, copy=True)
    tempo = out[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, 0] = np.where(tempo > 0, np.log2(tempo), np.nan)
    return out


def genre_from_neighbours(
    vector: Sequence[float | None],
    matrix: np.ndarray,
    labels: Sequence[str],
    *,
    k: int = K_NEIGHBOURS,
) -> GenreLabel | None:
    """Distance-weighted k-NN vote among labelled tracks; None without enough data.

    - Columns are NEIGHBOUR_FEATURES (tempo in BPM, the others 0-1). Tempo is compared on a log2
      scale, then every column is standardised (z-score over the labelled tracks), so a
      0.1 change in energy and a 10 BPM change weigh by how much they vary in the catalogue.
    - A query value that is unknown drops its column; a labelled track's unknown value counts as
      the column mean (z = 0). Distances are RMS z-differences per used column, so they read the
      same whatever the number of columns.
    - The k nearest vote with weight 1 / (distance + 0.1); genre weights are the normalised votes.
    - confidence = vote share of the winning genre x exp(-mean distance of the k neighbours): a
      unanimous vote among tracks one standard deviation away per feature gets 0.37, among
      near-identical tracks close to 1.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] != len(NEIGHBOUR_FEATURES):
        raise ValueError(f"the labelled matrix must have {len(NEIGHBOUR_FEATURES)} columns")
    if matrix.shape[0] != len(labels):
        raise ValueError("the labelled matrix and its labels differ in length")
    query = np.array([np.nan if v is None else float(v) for v in vector], dtype=np.float64)
    if query.shape != (len(NEIGHBOUR_FEATURES),):
        raise ValueError(f"a feature vector has {len(NEIGHBOUR_FEATURES)} values")
    keep = np.array([label in GENRE_KEYS for label in labels], dtype=bool)
    matrix, labels = matrix[keep], [label for label, ok in zip(labels, keep, strict=True) if ok]
    if len(labels) < MIN_LABELLED:
        return None

    both = _log_tempo(np.vstack([matrix, query]))
    known = both[:-1]
    mean = np.nanmean(np.where(np.isfinite(known), known, np.nan), axis=0)
    std = np.nanstd(np.where(np.isfinite(known), known, np.nan), axis=0)
    usable = np.isfinite(both[-1]) & np.isfinite(mean) & (std > 0)
    if int(usable.sum()) < MIN_KNOWN_FEATURES:
        return None
    z = (both[:, usable] - mean[usable]) / std[usable]
    z = np.where(np.isfinite(z), z, 0.0)
    distances = np.sqrt(np.mean((z[:-1] - z[-1]) ** 2, axis=1))

    order = np.argsort(distances, kind="stable")[: min(k, len(labels))]
    votes: dict[str, float] = {}
    for index in order:
        weight = 1.0 / (distances[index] + INVERSE_DISTANCE_EPS)
        votes[labels[index]] = votes.get(labels[index], 0.0) + weight
    share = max(votes.values()) / sum(votes.values())
    confidence = float(share) * math.exp(-float(distances[order].mean()))
    return GenreLabel(normalise_weights(votes), "neighbours", round(confidence, 3))


def genre_from_keywords(text: str) -> GenreLabel | None:
    genre = genre_from_text(text) if text and text.strip() else None
    if genre is None:
        return None
    return GenreLabel({genre: 1.0}, "keywords", KEYWORD_CONFIDENCE)


def genre_infer(
    *,
    catalogue_genres: Sequence[str] = (),
    spotify_genres: Sequence[str] = (),
    features_vector: Sequence[float | None] | None = None,
    labelled_neighbours: tuple[np.ndarray, Sequence[str]] | None = None,
    text: str = "",
) -> GenreLabel:
    """The genre from the best evidence available, in the module's documented precedence.

    `features_vector` follows NEIGHBOUR_FEATURES; `labelled_neighbours` is (matrix, labels) of
    labelled catalogue tracks, rows in the same column order, labels taxonomy keys.
    """
    label = genre_from_catalogue(catalogue_genres) or genre_from_spotify_artists(spotify_genres)
    if label is None and features_vector is not None and labelled_neighbours is not None:
        label = genre_from_neighbours(features_vector, *labelled_neighbours)
    return label or genre_from_keywords(text) or NO_GENRE
