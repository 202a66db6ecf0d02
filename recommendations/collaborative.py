"""The crowd signal: tracks used by creators whose content looks like the target's.

Pure numpy. Creators are compared on profile vectors (`profile_vector`), the nearest `k` by
centred cosine vote for the tracks they used, each vote weighted by how similar the creator is
and how well that video performed against the creator's own usual views.
"""

from __future__ import annotations

import math

import numpy as np

from musicrec.core.descriptors import GENRE_KEYS

from .catalogue import ACOUSTIC_MOODS, mood_weights
from .targets import Target

# Genres, acoustic moods, then energy, valence, arousal, danceability and octave-scaled tempo.
PROFILE_DIM = len(GENRE_KEYS) + len(ACOUSTIC_MOODS) + 5
_REFERENCE_TEMPO = 120.0


def profile_vector(target: Target) -> np.ndarray:
    """A creator's (or video's) content as a fixed-length vector; NaN where unknown.

    Genres and moods are shares (sum 1) so prolific and occasional creators compare fairly;
    tempo is log2(bpm / 120) so 60 and 240 BPM sit symmetric around a typical pop tempo.
    """
    vec = np.full(PROFILE_DIM, np.nan, dtype=np.float32)
    genres = np.array([max(target.genres.get(k, 0.0), 0.0) for k in GENRE_KEYS], np.float32)
    if genres.sum() > 0:
        vec[: len(GENRE_KEYS)] = genres / genres.sum()
    start = len(GENRE_KEYS)
    moods = np.array([max(target.moods.get(m, 0.0), 0.0) for m in ACOUSTIC_MOODS], np.float32)
    if moods.sum() <= 0 and target.valence is not None and target.arousal is not None:
        moods = mood_weights(
            np.array([target.valence], np.float32), np.array([target.arousal], np.float32)
        )[0]
    if moods.sum() > 0:
        vec[start : start + len(ACOUSTIC_MOODS)] = moods / moods.sum()
    start += len(ACOUSTIC_MOODS)
    for offset, value in enumerate(
        (target.energy, target.valence, target.arousal, target.danceability)
    ):
        if value is not None:
            vec[start + offset] = value
    if target.tempo_bpm:
        vec[start + 4] = math.log2(target.tempo_bpm / _REFERENCE_TEMPO)
    return vec


def relative_performance(views: np.ndarray, author_idx: np.ndarray) -> np.ndarray:
    """How well each video did against its creator's median views, squashed into 0-1.

    log2(1 + views / median) / 2: a typical video scores 0.5, three times the median 1.0 (capped),
    a flop near 0. Using the creator's own median keeps mega accounts from outvoting everyone.
    """
    views = np.asarray(views, dtype=np.float64)
    author_idx = np.asarray(author_idx)
    out = np.zeros(views.shape, dtype=np.float32)
    if views.size == 0:
        return out
    order = np.argsort(author_idx, kind="stable")
    sorted_authors = author_idx[order]
    bounds = np.flatnonzero(np.diff(sorted_authors)) + 1
    for group in np.split(order, bounds):
        median = float(np.median(views[group]))
        ratio = views[group] / median if median > 0 else np.zeros(group.size)
        out[group] = np.clip(np.log2(1.0 + ratio) / 2.0, 0.0, 1.0)
    return out


def collaborative_scores(
    author_profiles: np.ndarray,
    usage_author: np.ndarray,
    usage_track: np.ndarray,
    usage_performance: np.ndarray,
    target_profile: np.ndarray,
    n_tracks: int,
    *,
    k: int = 20,
    exclude_author: int | None = None,
) -> np.ndarray:
    """A 0-1 score per catalogue row from the `k` creators most similar to the target.

    `author_profiles` is (authors, PROFILE_DIM) from `profile_vector`; the usage triplets say that
    author `usage_author[i]` used catalogue row `usage_track[i]` in a video that performed
    `usage_performance[i]` (0-1, see `relative_performance`). Profiles are centred on the creator
    mean before the cosine, so "likes pop like everyone" does not make everyone similar. Only
    positively similar creators vote; the result is scaled so the best-supported track is 1.
    """
    scores = np.zeros(n_tracks, dtype=np.float32)
    profiles = np.asarray(author_profiles, dtype=np.float32)
    if profiles.size == 0 or len(usage_track) == 0:
        return scores
    known = np.isfinite(profiles)
    counts = known.sum(axis=0)
    sums = np.where(known, profiles, 0).sum(axis=0)
    means = np.where(counts > 0, sums / np.maximum(counts, 1), 0).astype(np.float32)
    filled = np.where(known, profiles, means) - means
    target = np.asarray(target_profile, dtype=np.float32)
    target = np.where(np.isfinite(target), target, means) - means
    target_norm = float(np.linalg.norm(target))
    if target_norm == 0:
        return scores
    norms = np.linalg.norm(filled, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sims = (filled @ target) / (norms * target_norm)
    sims = np.nan_to_num(sims, nan=0.0)
    if exclude_author is not None and 0 <= exclude_author < sims.size:
        sims[exclude_author] = 0.0
    k = min(k, sims.size)
    nearest = np.argpartition(-sims, k - 1)[:k]
    vote = np.zeros(sims.size, dtype=np.float64)
    vote[nearest] = np.clip(sims[nearest], 0.0, None)
    weights = vote[np.asarray(usage_author)] * np.asarray(usage_performance, dtype=np.float64)
    totals = np.bincount(np.asarray(usage_track), weights=weights, minlength=n_tracks)[:n_tracks]
    peak = float(totals.max()) if totals.size else 0.0
    if peak > 0:
        scores = (totals / peak).astype(np.float32)
    return scores
