"""A plain per-row Python implementation of the engine's scoring, for checking and benchmarking.

It reads `TrackRecord`s directly and computes every component with `math`, one track at a time,
the way a first implementation would. Tests check that `engine.score_catalogue` ranks exactly as
this does; the benchmark reports how much faster the numpy version is. Only catalogue-wide
statistics (usage percentiles, feature means) are prepared once, as the arrays are.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from musicrec.core.descriptors import GENRE_KEYS, MOOD_CENTRES

from . import components as comp
from .catalogue import ACOUSTIC_MOODS, GENRE_BLOCK_SCALE, MOOD_SCORE_WIDTH, TrackRecord
from .crowd import CROWD_COMPONENTS
from .engine import FILTER_MIN_SHARE, Request
from .targets import resolve_context
from .weights import COMPONENTS, DEFAULT_WEIGHTS


@dataclass
class ReferenceCatalogue:
    records: list[TrackRecord]
    genres: list[list[float]]  # normalised to sum 1 (or all zero)
    arousal: list[float | None]
    usage_pct: list[float | None]
    features: list[list[float]]  # unit vectors, as CatalogueArrays.features


def _mean_std(values: list[float]) -> tuple[float, float]:
    if not values:
        return 0.0, 1.0
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return mean, std or 1.0


def prepare_reference(records: list[TrackRecord]) -> ReferenceCatalogue:
    genres = []
    for r in records:
        row = [max(r.genres.get(k, 0.0) or 0.0, 0.0) for k in GENRE_KEYS]
        total = sum(row)
        genres.append([w / total for w in row] if total > 0 else row)
    arousal = [r.arousal if r.arousal is not None else r.energy for r in records]

    known_usage = sorted(float(r.tiktok_usage) for r in records if r.tiktok_usage is not None)
    usage_pct: list[float | None] = []
    for r in records:
        if r.tiktok_usage is None:
            usage_pct.append(None)
            continue
        below = bisect_left(known_usage, float(r.tiktok_usage))
        upto = bisect_right(known_usage, float(r.tiktok_usage))
        usage_pct.append((below + 0.5 * (upto - below)) / len(known_usage))

    columns: list[list[float | None]] = [
        [math.log2(r.tempo_bpm) if r.tempo_bpm and r.tempo_bpm > 0 else None for r in records],
        [r.energy for r in records],
        [r.valence for r in records],
        arousal,
        [r.danceability for r in records],
        [r.acousticness for r in records],
    ]
    stats = [_mean_std([v for v in col if v is not None]) for col in columns]
    genre_means = [sum(g[j] for g in genres) / max(len(genres), 1) for j in range(len(GENRE_KEYS))]
    features = []
    for i in range(len(records)):
        vec = [
            0.0 if col[i] is None else (col[i] - mean) / std
            for col, (mean, std) in zip(columns, stats, strict=True)
        ]
        vec += [(genres[i][j] - genre_means[j]) * GENRE_BLOCK_SCALE for j in range(len(GENRE_KEYS))]
        norm = math.sqrt(sum(v * v for v in vec))
        features.append([v / norm for v in vec] if norm > 0 else vec)
    return ReferenceCatalogue(records, genres, arousal, usage_pct, features)


def _gauss(distance: float, width: float) -> float:
    return math.exp(-((distance / width) ** 2) / 2)


def _tempo(bpm: float | None, low: float, high: float) -> float:
    if not bpm or bpm <= 0:
        return 0.0
    t = math.log2(bpm)
    best = 0.0
    for factor, penalty in comp.tempo_octaves((low, high)):
        lo = math.log2(low * factor) if low > 0 else -math.inf
        hi = math.log2(high * factor) if math.isfinite(high) else math.inf
        best = max(best, penalty * _gauss(max(lo - t, t - hi, 0.0), comp.TEMPO_TOLERANCE))
    return best


def _saturate(growth: float | None, half: float) -> float:
    return growth / (growth + half) if growth is not None and growth > 0 else 0.0


def _moods(valence: float | None, arousal: float | None) -> list[float]:
    if valence is None or arousal is None:
        return [0.0] * len(ACOUSTIC_MOODS)
    raw = [
        math.exp(-((valence - v) ** 2 + (arousal - a) ** 2) / (2 * MOOD_SCORE_WIDTH**2))
        for v, a in (MOOD_CENTRES[m] for m in ACOUSTIC_MOODS)
    ]
    return [w / sum(raw) for w in raw]


def _anchor_similarity(
    features: list[list[float]], i: int, anchors: list[tuple[int, float]]
) -> float:
    """Highest weighted cosine of track i to the anchor tracks, clipped to 0-1."""
    sims = (
        weight * sum(a * b for a, b in zip(features[i], features[k], strict=True))
        for k, weight in anchors
    )
    return min(max(max(sims), 0.0), 1.0)


def score_reference_loop(
    ref: ReferenceCatalogue,
    request: Request,
    *,
    crowd: Mapping[str, Sequence[float]] | None = None,
) -> list[tuple[int, float]]:
    """(music_id, total) of every eligible track, best first (ties by catalogue order).

    `crowd` holds the crowd components' values per row (as `CrowdScores` would), by name.
    """
    ctx = resolve_context(request.target, request.brief, request.filters)
    exclude = set() if request.include_used else set(request.exclude_ids)
    rejected = set(request.rejected_ids)
    kept = [(i, 1.0) for i, r in enumerate(ref.records) if r.music_id in set(request.kept_ids)]
    lifts = {m: lift for m, lift in request.history.items() if lift > 0}
    found = [(i, lifts[r.music_id]) for i, r in enumerate(ref.records) if r.music_id in lifts]
    top_lift = max((lift for _, lift in found), default=1.0)
    history = [(i, lift / top_lift) for i, lift in found]
    crowd_on = {
        name: list(values)
        for name, values in (crowd or {}).items()
        if name in CROWD_COMPONENTS and any(v > 0 for v in values)
    }

    present = {"popularity", "trend"}
    present |= {
        n
        for n, on in (
            ("tempo", ctx.tempo_range is not None),
            ("mood", ctx.mood_point is not None),
            ("genre", ctx.genre_vector is not None),
            ("energy", ctx.energy_target is not None or ctx.danceability_target is not None),
            *((name, True) for name in crowd_on),
            ("tier_fit", ctx.tier_lean is not None),
            ("kept_similarity", bool(kept)),
            ("history", bool(history)),
        )
        if on
    }
    raw = request.weights.as_dict()
    active = {
        n: raw[n] * ctx.multipliers.get(n, 1.0) for n in COMPONENTS if n in present and raw[n] > 0
    }
    if sum(active.values()) <= 0:
        active = {n: DEFAULT_WEIGHTS[n] for n in ("popularity", "trend")}
    total_weight = sum(active.values())
    weights = {n: w / total_weight for n, w in active.items()}
    genre_vector = [float(x) for x in ctx.genre_vector] if ctx.genre_vector is not None else None
    f = request.filters
    filter_genres = [GENRE_KEYS.index(g) for g in f.genres]
    filter_moods = [ACOUSTIC_MOODS.index(m) for m in f.moods if m in MOOD_CENTRES]

    results: list[tuple[float, int, int]] = []
    for i, r in enumerate(ref.records):
        if r.music_id in exclude or r.music_id in rejected:
            continue
        genres = ref.genres[i]
        if filter_genres:
            top = max(range(len(genres)), key=genres.__getitem__) if any(genres) else -1
            if not (
                top in filter_genres or any(genres[j] >= FILTER_MIN_SHARE for j in filter_genres)
            ):
                continue
        if filter_moods:
            moods = _moods(r.valence, ref.arousal[i])
            top = max(range(len(moods)), key=moods.__getitem__) if any(moods) else -1
            if not (top in filter_moods or any(moods[j] >= FILTER_MIN_SHARE for j in filter_moods)):
                continue
        if f.tempo_min is not None and not (r.tempo_bpm and r.tempo_bpm >= f.tempo_min):
            continue
        if f.tempo_max is not None and not (r.tempo_bpm and r.tempo_bpm <= f.tempo_max):
            continue
        if f.commercial_only and r.commercial_ok is not True:
            continue

        scores: dict[str, float] = {}
        if ctx.tempo_range is not None:
            scores["tempo"] = _tempo(r.tempo_bpm, *ctx.tempo_range)
        if ctx.mood_point is not None:
            a = ref.arousal[i]
            if r.valence is None or a is None:
                scores["mood"] = 0.0
            else:
                d = math.hypot(r.valence - ctx.mood_point[0], a - ctx.mood_point[1])
                scores["mood"] = _gauss(d, MOOD_SCORE_WIDTH)
        if genre_vector is not None:
            scores["genre"] = min(
                1.0, sum(g * t for g, t in zip(genres, genre_vector, strict=True))
            )
        closeness = []
        for value, goal in (
            (r.energy, ctx.energy_target),
            (r.danceability, ctx.danceability_target),
        ):
            if goal is not None:
                closeness.append(0.0 if value is None else _gauss(value - goal, comp.ENERGY_WIDTH))
        if closeness:
            scores["energy"] = sum(closeness) / len(closeness)
        pct = ref.usage_pct[i]
        parts = [
            v
            for v in (None if r.spotify_popularity is None else r.spotify_popularity / 100, pct)
            if v is not None
        ]
        scores["popularity"] = sum(parts) / len(parts) if parts else 0.0
        g7, g28 = r.usage_growth_7d, r.usage_growth_28d
        s7, s28 = _saturate(g7, comp.GROWTH_HALF_7D), _saturate(g28, comp.GROWTH_HALF_28D)
        if g7 is not None and g28 is not None:
            growth = comp.GROWTH_MIX[0] * s7 + comp.GROWTH_MIX[1] * s28
        else:
            growth = s7 if g7 is not None else s28
        early = (1.0 - (pct or 0.0)) if r.early_trend else 0.0
        scores["trend"] = max(growth, early)
        for name, values in crowd_on.items():
            scores[name] = min(max(values[i], 0.0), 1.0)
        if ctx.tier_lean is not None:
            lean = ctx.tier_lean
            scores["tier_fit"] = lean * scores["popularity"] + (1 - lean) * scores["trend"]
        for name, anchors in (("kept_similarity", kept), ("history", history)):
            if anchors:
                scores[name] = _anchor_similarity(ref.features, i, anchors)
        total = sum(w * scores[n] for n, w in weights.items())
        results.append((-total, i, r.music_id))
    results.sort()
    return [(music_id, -neg) for neg, _, music_id in results]
