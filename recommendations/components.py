"""The component scores, each 0-1 for every catalogue row at once.

One function per component, over the `CatalogueArrays` columns. Unknown track values (NaN) score
0: with no evidence of a fit we do not claim one. docs/engine.md gives every formula;
`reference.score_reference_loop` re-implements them row by row to check these.
"""

from __future__ import annotations

import math

import numpy as np

from .catalogue import MOOD_SCORE_WIDTH, CatalogueArrays

# Tempo: Gaussian on the distance in octaves (log2) to the target range, also trying the track
# against half and double the target, which listeners tap as the same beat (0.9: slightly below
# an exact match). 0.08 octaves is the shared vocabulary's `tempo_similarity` tolerance.
TEMPO_TOLERANCE = 0.08
TEMPO_OCTAVES: tuple[tuple[float, float], ...] = ((1.0, 1.0), (0.5, 0.9), (2.0, 0.9))
# Mood: Gaussian on the valence/arousal plane, of the width the mood weights use
# (`catalogue.MOOD_SCORE_WIDTH`).
# Energy and danceability: Gaussian on the 0-1 difference; 0.2 apart still scores 0.61.
ENERGY_WIDTH = 0.2
# Trend: growth g (a log ratio) scores g / (g + h), half way at h. h is a doubling in 7 days and
# a quadrupling in 28 days; the recent window counts 0.6, the longer 0.4.
GROWTH_HALF_7D = math.log(2.0)
GROWTH_HALF_28D = math.log(4.0)
GROWTH_MIX = (0.6, 0.4)
# Early trend (flagged rising on Spotify): scores its rarity on TikTok, 1 - usage percentile, so
# a riser nobody on TikTok uses yet scores 1 and one already everywhere scores near 0.


def _unknown_as_zero(scores: np.ndarray) -> np.ndarray:
    """NaN (an unknown track value) scores 0, in place. Scores are never negative, so fmax with
    0 does it in one pass (fmax skips NaN); nan_to_num takes three times as long."""
    return np.fmax(scores, np.float32(0.0), out=scores)


def unknown_far(arrays: CatalogueArrays, column: str) -> np.ndarray:
    """A catalogue column with its unknown values (NaN) moved to +inf, computed once.

    A Gaussian of the distance to a target then gives exactly 0 for them (exp(-inf)), as the
    components want, without a pass of its own to zero the NaN each request.
    """
    values = getattr(arrays, column)
    return arrays.memo(
        f"{column}:unknown_far", lambda: np.where(np.isnan(values), np.float32(np.inf), values)
    )


def tempo_octaves(tempo_range: tuple[float, float]) -> tuple[tuple[float, float], ...]:
    """The octave factors to try: none beyond 1 for an open range ("over 140 BPM"), which any
    track would reach by doubling."""
    low, high = tempo_range
    return TEMPO_OCTAVES if low > 0 and math.isfinite(high) else TEMPO_OCTAVES[:1]


def tempo_component(arrays: CatalogueArrays, tempo_range: tuple[float, float]) -> np.ndarray:
    """max over octave factors of penalty * exp(-d^2 / 2 tol^2), taken inside one exp.

    For a closed range the distance to [lo + s, hi + s] (log2, shifted by the octave s) is
    max(|t - centre - s| - half width, 0). Half and double time (s = -1, +1) share one penalty,
    so only the nearer counts, and min(|o + 1|, |o - 1|) = ||o| - 1|: two in-place branches over
    one buffer each. An open range ("over 140 BPM") keeps the one-sided form.
    """
    low, high = tempo_range
    scale = np.float32(-0.5 / TEMPO_TOLERANCE**2)
    if len(tempo_octaves(tempo_range)) == 1:  # an open range: compared at f = 1 only
        t = arrays.log2_tempo
        log_low = np.float32(math.log2(low)) if low > 0 else np.float32(-np.inf)
        log_high = np.float32(math.log2(high)) if math.isfinite(high) else np.float32(np.inf)
        best = np.maximum(log_low - t, t - log_high)
        np.maximum(best, np.float32(0.0), out=best)
        best *= best
        best *= scale
        np.exp(best, out=best)
        # An unknown tempo (NaN) stays NaN through maximum and exp; _unknown_as_zero makes it 0.
        return _unknown_as_zero(best)
    (exact, _), (half_time, shifted), (double_time, doubled) = TEMPO_OCTAVES
    assert (exact, half_time, double_time, shifted) == (1.0, 0.5, 2.0, doubled)
    centre = (math.log2(low) + math.log2(high)) / 2
    half = np.float32((math.log2(high) - math.log2(low)) / 2)
    # An unknown tempo is +inf octaves away: both branches reach -inf, and exp makes it 0.
    near = np.subtract(unknown_far(arrays, "log2_tempo"), np.float32(centre))
    np.abs(near, out=near)
    off = np.subtract(near, np.float32(1.0))
    np.abs(off, out=off)
    for distance in (near, off):
        if half > 0:
            distance -= half
            np.maximum(distance, np.float32(0.0), out=distance)
        distance *= distance
        distance *= scale
    off += np.float32(math.log(shifted))
    best = np.maximum(near, off, out=near)
    return np.exp(best, out=best)


def mood_component(arrays: CatalogueArrays, point: tuple[float, float]) -> np.ndarray:
    """Unknown valence or arousal is +inf away (`unknown_far`), so it scores exp(-inf) = 0."""
    dv = unknown_far(arrays, "valence") - np.float32(point[0])
    da = unknown_far(arrays, "arousal") - np.float32(point[1])
    dv *= dv
    da *= da
    dv += da
    dv *= np.float32(-0.5 / MOOD_SCORE_WIDTH**2)
    return np.exp(dv, out=dv)


def genre_component(arrays: CatalogueArrays, vector: np.ndarray) -> np.ndarray:
    """Share of the track's genres the target wants, the target's top genre counting fully."""
    return np.minimum(arrays.genres @ vector.astype(np.float32), np.float32(1.0))


def closeness(values: np.ndarray, target: float, width: float) -> np.ndarray:
    """exp(-(value - target)^2 / 2 width^2); give unknown values as +inf (`unknown_far`), which
    score 0."""
    diff = values - np.float32(target)
    diff *= diff
    diff *= np.float32(-0.5 / width**2)
    return np.exp(diff, out=diff)


def energy_component(
    arrays: CatalogueArrays, energy: float | None, danceability: float | None
) -> np.ndarray:
    parts = []
    if energy is not None:
        parts.append(closeness(unknown_far(arrays, "energy"), energy, ENERGY_WIDTH))
    if danceability is not None:
        parts.append(closeness(unknown_far(arrays, "danceability"), danceability, ENERGY_WIDTH))
    if not parts:
        return np.zeros(arrays.size, dtype=np.float32)
    if len(parts) == 2:
        parts[0] += parts[1]
        parts[0] *= np.float32(0.5)
    return parts[0]


def popularity_component(arrays: CatalogueArrays) -> np.ndarray:
    return arrays.memo("popularity", lambda: np.nan_to_num(arrays.popularity, nan=0.0))


def _saturate(growth: np.ndarray, half: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.where(growth > 0, growth / (growth + np.float32(half)), np.float32(0.0))


def growth_component(arrays: CatalogueArrays) -> np.ndarray:
    g7, g28 = arrays.growth_7d, arrays.growth_28d
    s7, s28 = _saturate(g7, GROWTH_HALF_7D), _saturate(g28, GROWTH_HALF_28D)
    k7, k28 = np.isfinite(g7), np.isfinite(g28)
    mixed = np.float32(GROWTH_MIX[0]) * s7 + np.float32(GROWTH_MIX[1]) * s28
    return np.where(k7 & k28, mixed, np.where(k7, s7, np.where(k28, s28, np.float32(0.0))))


def early_component(arrays: CatalogueArrays) -> np.ndarray:
    rarity = np.float32(1.0) - np.nan_to_num(arrays.usage_pct, nan=0.0)
    return np.where(arrays.early_trend, rarity, np.float32(0.0))


def trend_component(arrays: CatalogueArrays) -> np.ndarray:
    return arrays.memo(
        "trend", lambda: np.maximum(growth_component(arrays), early_component(arrays))
    )


def tier_fit_component(popularity: np.ndarray, trend: np.ndarray, lean: float) -> np.ndarray:
    """Proven popularity for large creators, rising trend for small ones (`TIER_LEAN`)."""
    fit = np.multiply(popularity, np.float32(lean))
    fit += np.float32(1.0 - lean) * trend
    return fit


SIMILARITY_CHUNK = 16  # anchor tracks compared per product, bounding the temporary to 16 x n


def similarity_components(
    arrays: CatalogueArrays,
    anchor_sets: list[tuple[np.ndarray, np.ndarray | None]],
    rows: np.ndarray | None = None,
) -> list[np.ndarray]:
    """Per set of anchors, the highest weighted cosine similarity of every track (or of the
    catalogue `rows` given, in their order) to any of them, negatives clipped to 0, at most 1.

    The anchors are the tracks a marketer kept (`kept_similarity`, every weight 1) or the tracks
    of the creator's best-performing videos (`history`, weighted by relative engagement, the best
    1), so a track close to a strong anchor beats one equally close to a weak one. All sets share
    one product per chunk of SIMILARITY_CHUNK anchors (reading the catalogue's feature matrix is
    most of the cost), and each set's rows of it are reduced as a view, never copied. The engine's
    pruned pass asks only for the rows that can still reach its top (`engine.score_catalogue`).

    Tracks without a descriptor (`CatalogueArrays.described`: no audio feature, no genre) all
    share one vector, so their cosine with each other is 1 and means nothing: they neither
    anchor nor score (0), which for a creator whose sounds came without audio leaves the
    component empty instead of ranking every featureless track as a perfect match.
    """
    described = arrays.described()
    if rows is None:
        tracks = arrays.features.T
    else:
        # Gathered from a row-major copy: each row is 2 cache lines there, 21 in the
        # column-major matrix, which a pass over the other columns has evicted.
        by_row = arrays.memo("feature_rows", lambda: np.ascontiguousarray(arrays.features))
        tracks = np.take(by_row, rows, axis=0).T
    size = tracks.shape[1]
    bounds = np.cumsum([0, *(anchor_rows.size for anchor_rows, _ in anchor_sets)])
    # Weights are never negative, so w · (anchor · track) = (w · anchor) · track: scaling the few
    # anchor rows saves a pass over the anchors x tracks product.
    anchors = np.empty((int(bounds[-1]), arrays.features.shape[1]), dtype=np.float32)
    for index, (anchor_rows, weights) in enumerate(anchor_sets):
        scale = np.float32(1.0) if weights is None else weights.astype(np.float32)[:, None]
        scale = scale * described[anchor_rows].astype(np.float32)[:, None]
        anchors[bounds[index] : bounds[index + 1]] = arrays.features[anchor_rows] * scale
    best = np.zeros((len(anchor_sets), size), dtype=np.float32)
    reduced = np.empty(size, dtype=np.float32)
    for start in range(0, anchors.shape[0], SIMILARITY_CHUNK):
        stop = min(start + SIMILARITY_CHUNK, anchors.shape[0])
        chunk = anchors[start:stop] @ tracks
        for index in range(len(anchor_sets)):
            lo, hi = max(bounds[index], start), min(bounds[index + 1], stop)
            if lo < hi:
                np.max(chunk[lo - start : hi - start], axis=0, out=reduced)
                np.maximum(best[index], reduced, out=best[index])
    np.minimum(best, np.float32(1.0), out=best)
    if rows is None:
        best[:, arrays.memo("undescribed_rows", lambda: np.flatnonzero(~described))] = 0.0
    else:
        best[:, ~np.take(described, rows)] = np.float32(0.0)
    return list(best)


def similarity_component(
    arrays: CatalogueArrays, anchor_rows: np.ndarray, anchor_weights: np.ndarray | None = None
) -> np.ndarray:
    """`similarity_components` for one set of anchors."""
    return similarity_components(arrays, [(anchor_rows, anchor_weights)])[0]


def closest_anchor(
    arrays: CatalogueArrays,
    anchor_rows: np.ndarray,
    anchor_weights: np.ndarray | None,
    row: int,
) -> int:
    """Index (into `anchor_rows`) of the anchor that gives `row` its similarity score."""
    sims = arrays.features[anchor_rows] @ arrays.features[row]
    if anchor_weights is not None:
        sims = sims * anchor_weights.astype(np.float32)
    return int(np.argmax(sims))
