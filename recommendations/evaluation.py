"""Offline evaluation, the pure part: ranking metrics, two baselines and the weight search.

The protocols that turn stored data into cases are in `services/evaluation/`; they score every
list with the per-case metrics here, always over the full catalogue (no sampled negatives, which
inflate numbers). Definitions: docs/engine.md, "Evaluation".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from musicrec.core.descriptors import GENRE_KEYS, moods_from_valence_arousal, top_label

from .catalogue import ACOUSTIC_MOODS, CatalogueArrays
from .targets import Target
from .weights import DEFAULT_WEIGHTS, validate_weights

# --- Metrics ------------------------------------------------------------------------------------


def _check_lengths(recommended: Sequence[object], relevant: Sequence[object]) -> None:
    if len(recommended) != len(relevant):
        raise ValueError(f"{len(recommended)} lists but {len(relevant)} relevant sets")


def hit_per_case(recs: Sequence[int], rel: Collection[int], k: int = 10) -> float:
    """1 when a relevant item is in the top k, else 0."""
    return float(bool(set(recs[:k]) & set(rel)))


def ndcg_per_case(recs: Sequence[int], rel: Collection[int], k: int = 10) -> float:
    """Binary-relevance nDCG: sum of 1/log2(rank + 1) over hits, over the best possible sum."""
    wanted = set(rel)
    dcg = sum(1.0 / math.log2(rank + 2) for rank, item in enumerate(recs[:k]) if item in wanted)
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(min(len(wanted), k)))
    return dcg / ideal if ideal > 0 else 0.0


def reciprocal_rank(recs: Sequence[int], rel: Collection[int], k: int = 10) -> float:
    """1 / rank of the first relevant item in the top k (0 when there is none)."""
    wanted = set(rel)
    return next((1.0 / (i + 1) for i, item in enumerate(recs[:k]) if item in wanted), 0.0)


def _mean_over_cases(
    metric: Callable[[Sequence[int], Collection[int], int], float],
    recommended: Sequence[Sequence[int]],
    relevant: Sequence[Collection[int]],
    k: int,
) -> float:
    _check_lengths(recommended, relevant)
    if not recommended:
        return 0.0
    return float(np.mean([metric(r, rel, k) for r, rel in zip(recommended, relevant, strict=True)]))


def hit_rate_at_k(
    recommended: Sequence[Sequence[int]], relevant: Sequence[Collection[int]], k: int = 10
) -> float:
    """Share of cases with at least one relevant item in the top k."""
    return _mean_over_cases(hit_per_case, recommended, relevant, k)


def ndcg_at_k(
    recommended: Sequence[Sequence[int]], relevant: Sequence[Collection[int]], k: int = 10
) -> float:
    return _mean_over_cases(ndcg_per_case, recommended, relevant, k)


def mrr_at_k(
    recommended: Sequence[Sequence[int]], relevant: Sequence[Collection[int]], k: int = 10
) -> float:
    """Mean of 1 / rank of the first relevant item (0 when none is in the top k)."""
    return _mean_over_cases(reciprocal_rank, recommended, relevant, k)


def catalogue_coverage(
    recommended: Iterable[Sequence[int]], catalogue_size: int, k: int | None = None
) -> float:
    """Share of the catalogue that appears in at least one list (top k of each)."""
    if catalogue_size <= 0:
        return 0.0
    shown = {item for recs in recommended for item in (recs[:k] if k else recs)}
    return len(shown) / catalogue_size


def intra_list_diversity(feature_lists: Iterable[np.ndarray]) -> float:
    """Mean over lists of the mean pairwise (1 - cosine) between the items' feature vectors.

    Each element is one list's (items x dims) matrix; lists with fewer than two items are skipped.
    """
    values = []
    for matrix in feature_lists:
        matrix = np.asarray(matrix, dtype=np.float64)
        if matrix.shape[0] < 2:
            continue
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        unit = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
        sims = unit @ unit.T
        n = matrix.shape[0]
        upper = sims[np.triu_indices(n, k=1)]
        values.append(float(np.mean(1.0 - upper)))
    return float(np.mean(values)) if values else 0.0


def popularity_shares(
    counts: Mapping[int, float], catalogue_ids: Iterable[int]
) -> dict[int, float]:
    """Each track's share of all uses, add-one smoothed so unused tracks have a finite novelty."""
    ids = list(catalogue_ids)
    total = sum(max(float(counts.get(i, 0.0)), 0.0) for i in ids) + len(ids)
    return {i: (max(float(counts.get(i, 0.0)), 0.0) + 1.0) / total for i in ids}


def novelty(recommended: Iterable[Sequence[int]], shares: Mapping[int, float]) -> float:
    """Mean over lists of the mean -log2(popularity share) of their items, in bits."""
    floor = min(shares.values()) if shares else 1.0
    per_list = [
        float(np.mean([-math.log2(shares.get(item, floor)) for item in recs]))
        for recs in recommended
        if len(recs)
    ]
    return float(np.mean(per_list)) if per_list else 0.0


def bootstrap_ci(
    values: Sequence[float], *, samples: int = 1000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean over cases (creators)."""
    data = np.asarray(values, dtype=np.float64)
    if data.size == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, data.size, size=(samples, data.size))].mean(axis=1)
    tail = (1 - level) / 2 * 100
    return (float(np.percentile(means, tail)), float(np.percentile(means, 100 - tail)))


# --- Baselines ----------------------------------------------------------------------------------


def _ranked(arrays: CatalogueArrays, key: np.ndarray, eligible: np.ndarray, k: int) -> list[int]:
    rows = np.flatnonzero(eligible)
    order = np.lexsort((rows, -key[rows]))[:k]
    return arrays.music_ids[rows[order]].tolist()


def _eligible(arrays: CatalogueArrays, exclude: Iterable[int]) -> np.ndarray:
    mask = np.ones(arrays.size, dtype=bool)
    mask[arrays.rows_for(exclude)] = False
    return mask


def rank_most_popular(arrays: CatalogueArrays, k: int, exclude: Iterable[int] = ()) -> list[int]:
    """The k most popular tracks (Spotify popularity and TikTok usage percentile)."""
    popularity = np.nan_to_num(arrays.popularity, nan=-1.0)
    return _ranked(arrays, popularity, _eligible(arrays, exclude), k)


def _commonest(labels: Iterable[str | None]) -> str | None:
    counts = Counter(label for label in labels if label)
    return counts.most_common(1)[0][0] if counts else None


def rank_most_frequent_attribute(
    arrays: CatalogueArrays, videos: Sequence[Target], k: int, exclude: Iterable[int] = ()
) -> list[int]:
    """The earlier prototype's method: the creator's commonest genre and mood, then popularity.

    Tracks whose top genre and top mood both match come first, then those matching the genre,
    then the rest, each group by popularity.
    """
    genre = _commonest(top_label(v.genres) for v in videos)
    moods = []
    for v in videos:
        if v.valence is not None and v.arousal is not None:
            moods.append(top_label(moods_from_valence_arousal(v.valence, v.arousal)))
        else:
            moods.append(top_label({m: w for m, w in v.moods.items() if m in ACOUSTIC_MOODS}))
    mood = _commonest(moods)
    group = np.zeros(arrays.size, dtype=np.float32)
    if genre is not None:
        genre_match = arrays.top_genre == GENRE_KEYS.index(genre)
        group += genre_match * np.float32(2.0)
        if mood is not None:
            group += (genre_match & (arrays.top_mood == ACOUSTIC_MOODS.index(mood))) * np.float32(
                2.0
            )
    popularity = np.nan_to_num(arrays.popularity, nan=-1.0)
    # Groups are 2 apart and popularity spans -1..1, so popularity only orders within a group.
    return _ranked(arrays, group + popularity * np.float32(0.5), _eligible(arrays, exclude), k)


def rank_random(
    arrays: CatalogueArrays, k: int, *, seed: int, exclude: Iterable[int] = ()
) -> list[int]:
    rows = np.flatnonzero(_eligible(arrays, exclude))
    rng = np.random.default_rng(seed)
    picked = rng.choice(rows, size=min(k, rows.size), replace=False)
    return arrays.music_ids[picked].tolist()


# --- Weight search ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TraceStep:
    round: int
    key: str  # "" for the starting point
    value: float
    weights: dict[str, float]
    score: float
    accepted: bool


@dataclass
class GridSearchResult:
    best_weights: dict[str, float]
    best_score: float
    trace: list[TraceStep]

    def format_trace(self) -> str:
        lines = []
        for step in self.trace:
            what = "start" if not step.key else f"{step.key}={step.value:g}"
            mark = " *" if step.accepted else ""
            lines.append(f"round {step.round} {what:<24} {step.score:.4f}{mark}")
        return "\n".join(lines)


def grid_search_weights(
    evaluate_fn: Callable[[dict[str, float]], float],
    grid: Mapping[str, Sequence[float]],
    *,
    start: Mapping[str, float] | None = None,
    rounds: int = 2,
) -> GridSearchResult:
    """Coordinate search: try each grid value of one weight at a time, keep the best, repeat.

    `evaluate_fn` scores a full weight dict on a validation split (higher is better, e.g. the
    mean of HitRate@10 and nDCG@10). A full grid over a dozen weights would need millions of
    evaluations; coordinate search needs sum(len(values)) per round and stops early when a round
    changes nothing. Invalid combinations (all zero) are skipped.
    """
    for key in grid:
        if key not in DEFAULT_WEIGHTS:
            raise ValueError(f"unknown weight '{key}' in grid")
    current = validate_weights(dict(start or {})).as_dict()
    seen: dict[tuple[float, ...], float] = {}

    def score(weights: dict[str, float]) -> float:
        key = tuple(weights[k] for k in DEFAULT_WEIGHTS)
        if key not in seen:
            seen[key] = float(evaluate_fn(dict(weights)))
        return seen[key]

    best = score(current)
    trace = [TraceStep(0, "", 0.0, dict(current), best, True)]
    for round_no in range(1, rounds + 1):
        changed = False
        for key, values in grid.items():
            for value in values:
                if value == current[key]:
                    continue
                candidate = {**current, key: float(value)}
                try:
                    validate_weights(candidate)
                except ValueError:
                    continue
                result = score(candidate)
                accepted = result > best + 1e-12
                trace.append(TraceStep(round_no, key, float(value), candidate, result, accepted))
                if accepted:
                    best, current, changed = result, candidate, True
        if not changed:
            break
    return GridSearchResult(best_weights=current, best_score=best, trace=trace)
