"""The methods every case is ranked by (the engine and the baselines), the metrics, and the
weight search. All of them see exactly what the case's view holds: the catalogue and the crowd
as of the case's moment, and the creator's own exclusions."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from musicrec.core.descriptors import GENRE_KEYS
from recommendations.catalogue import ACOUSTIC_MOODS, CatalogueArrays
from recommendations.engine import Request, Scores, ranked_ids, reweigh, score_catalogue
from recommendations.evaluation import (
    GridSearchResult,
    bootstrap_ci,
    catalogue_coverage,
    grid_search_weights,
    hit_per_case,
    hit_rate_at_k,
    intra_list_diversity,
    ndcg_at_k,
    ndcg_per_case,
    novelty,
    rank_most_frequent_attribute,
    rank_most_popular,
    rank_random,
    reciprocal_rank,
)
from recommendations.services.runs import parse_weights
from recommendations.targets import Target
from recommendations.weights import COMPONENTS, Weights

from .protocols import TARGET_KINDS, Case

RECENT_DAYS = 28.0
METHODS = (
    "engine",
    "most popular",
    "most popular, last 28 days",
    "most frequent attribute",
    "item-kNN",
    "random",
)
# Weight values the coordinate search tries per component (only the ratios matter). Trend and
# kept-track similarity are left out: no stored data set has usage snapshots far enough apart for
# growth (trend is 0 for every track) or marketer feedback, so their weights could only act as an
# accidental diversity knob; they keep their reasoned defaults.
SEARCH_VALUES = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45)
SEARCH_GRID: dict[str, tuple[float, ...]] = {
    name: SEARCH_VALUES for name in COMPONENTS if name not in ("trend", "kept_similarity")
}
SEARCH_ROUNDS = 3

Method = Callable[[Case], list[int]]
# Scored with every component weighed, so that any weights can be applied afterwards.
ALL_COMPONENTS = Weights(**dict.fromkeys(COMPONENTS, 1.0))


# --- The engine ----------------------------------------------------------------------------------


class EngineScores:
    """Each case's component scores, computed once: they do not depend on the weights, so a
    weight search only re-adds them (`engine.reweigh`)."""

    def __init__(self) -> None:
        self._scores: dict[int, Scores] = {}

    def of(self, case: Case, k: int) -> Scores:
        found = self._scores.get(id(case))
        if found is None:
            request = Request(
                target=case.target,
                weights=ALL_COMPONENTS,
                limit=k,
                exclude_ids=case.excluded,
                history=case.history,
            )
            found = score_catalogue(case.view.arrays, request, crowd=case.crowd)
            self._scores[id(case)] = found
        return found


def engine_method(
    weights: Mapping[str, float] | None, k: int, cache: EngineScores | None = None
) -> Method:
    """The production ranking (components, weights, diversity) without building reasons.

    `weights` override the default set each case starts from, chosen as a live request's is
    (`runs.parse_weights`: content-led when the case has a content profile, crowd-led when not).
    """
    scores = cache or EngineScores()
    resolved = {content: parse_weights(weights, content=content) for content in (True, False)}

    def run(case: Case) -> list[int]:
        chosen = resolved[case.target.has_content]
        return ranked_ids(case.view.arrays, reweigh(scores.of(case, k), chosen), k)

    return run


# --- Baselines -----------------------------------------------------------------------------------


def _track_target(arrays: CatalogueArrays, music_id: int) -> Target:
    """A used track as the attribute baseline reads it: its top genre and its mood point."""
    row = arrays.row_of(music_id)
    if row is None:
        return Target()
    top = int(arrays.top_genre[row])
    valence, arousal = float(arrays.valence[row]), float(arrays.arousal[row])
    return Target(
        genres={GENRE_KEYS[top]: 1.0} if top >= 0 else {},
        valence=None if math.isnan(valence) else valence,
        arousal=None if math.isnan(arousal) else arousal,
        moods={ACOUSTIC_MOODS[int(arrays.top_mood[row])]: 1.0} if arrays.top_mood[row] >= 0 else {},
    )


def _ranked_by(case: Case, key: np.ndarray, k: int) -> list[int]:
    """The k best tracks by `key`, ties by popularity then catalogue row, used ones left out."""
    arrays = case.view.arrays
    eligible = np.ones(arrays.size, dtype=bool)
    eligible[arrays.rows_for(case.excluded)] = False
    rows = np.flatnonzero(eligible)
    popularity = np.nan_to_num(arrays.popularity, nan=-1.0)
    order = np.lexsort((rows, -popularity[rows], -key[rows]))[:k]
    return arrays.music_ids[rows[order]].tolist()


def baseline_methods(k: int) -> dict[str, Method]:
    def popular(case: Case) -> list[int]:
        return rank_most_popular(case.view.arrays, k, exclude=case.excluded)

    def popular_lately(case: Case) -> list[int]:
        view = case.view
        recent = view.crowd.creators_within(view.moment, RECENT_DAYS, case.query.creator)
        return _ranked_by(case, recent, k)

    def attribute(case: Case) -> list[int]:
        tracks = [_track_target(case.view.arrays, t) for t in case.history_tracks]
        return rank_most_frequent_attribute(case.view.arrays, tracks, k, exclude=case.excluded)

    def item_knn(case: Case) -> list[int]:
        scores = case.crowd.collaborative
        if scores is None:
            scores = case.view.crowd.collaborative(case.query)
        return _ranked_by(case, scores, k)

    def random(case: Case) -> list[int]:
        seed = int(hashlib.sha1(f"{case.key}:{case.video_id}".encode()).hexdigest()[:8], 16)
        return rank_random(case.view.arrays, k, seed=seed, exclude=case.excluded)

    return {
        "most popular": popular,
        "most popular, last 28 days": popular_lately,
        "most frequent attribute": attribute,
        "item-kNN": item_knn,
        "random": random,
    }


# --- Metrics -------------------------------------------------------------------------------------


@dataclass
class MethodResult:
    method: str
    target: str
    metrics: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method, "target": self.target, **self.metrics}


def score_lists(
    lists: Sequence[Sequence[int]],
    cases: Sequence[Case],
    arrays: CatalogueArrays,
    shares: Mapping[int, float],
    k: int,
) -> dict[str, float]:
    """HitRate, nDCG and MRR at k (with bootstrap 95 % intervals over cases for the first two),
    coverage, intra-list diversity and novelty of one method's lists."""
    pairs = list(zip(lists, cases, strict=True))
    hits = [hit_per_case(r, c.relevant, k) for r, c in pairs]
    gains = [ndcg_per_case(r, c.relevant, k) for r, c in pairs]
    ranks = [reciprocal_rank(r, c.relevant, k) for r, c in pairs]
    out = {
        "cases": float(len(cases)),
        f"hit_rate@{k}": float(np.mean(hits)) if hits else 0.0,
        f"ndcg@{k}": float(np.mean(gains)) if gains else 0.0,
        f"mrr@{k}": float(np.mean(ranks)) if ranks else 0.0,
        f"coverage@{k}": catalogue_coverage(lists, arrays.size, k),
        "intra_list_diversity": intra_list_diversity(
            arrays.features[arrays.rows_for(r)] for r in lists
        ),
        "novelty_bits": novelty(lists, shares),
    }
    for name, values in ((f"hit_rate@{k}", hits), (f"ndcg@{k}", gains)):
        out[f"{name}_ci_low"], out[f"{name}_ci_high"] = bootstrap_ci(values)
    return {key: round(value, 4) for key, value in out.items()}


def evaluate_methods(
    cases: Sequence[Case],
    arrays: CatalogueArrays,
    shares: Mapping[int, float],
    *,
    weights: Mapping[str, float] | None,
    k: int = 10,
    extra_engines: Mapping[str, Mapping[str, float]] | None = None,
    cache: EngineScores | None = None,
) -> list[MethodResult]:
    """Every method on the same cases, per target kind (creator profile, video)."""
    cache = cache or EngineScores()
    methods: dict[str, Method] = {"engine": engine_method(weights, k, cache)}
    for name, other in (extra_engines or {}).items():
        methods[name] = engine_method(other, k, cache)
    methods.update(baseline_methods(k))
    results = []
    for kind in TARGET_KINDS:
        subset = [c for c in cases if c.kind == kind]
        if not subset:
            continue
        for name, method in methods.items():
            lists = [method(case) for case in subset]
            results.append(MethodResult(name, kind, score_lists(lists, subset, arrays, shares, k)))
    return results


# --- Weight search -------------------------------------------------------------------------------


def search_weights(
    groups: Sequence[Sequence[Case]],
    *,
    start: Mapping[str, float],
    k: int = 10,
    grid: Mapping[str, Sequence[float]] = SEARCH_GRID,
    rounds: int = SEARCH_ROUNDS,
    cache: EngineScores | None = None,
) -> GridSearchResult:
    """Coordinate search maximising HitRate@k and nDCG@k over groups of (validation) cases.

    The score is the mean, over the groups (a data set's protocol and target kind each make one)
    of (HitRate + nDCG) / 2: the two figures the report leads with, and neither a larger data
    set nor the more numerous video cases decide alone.
    """
    groups = [g for g in groups if g]
    cache = cache or EngineScores()

    def evaluate(weights: dict[str, float]) -> float:
        method = engine_method(weights, k, cache)
        means = []
        for group in groups:
            lists = [method(c) for c in group]
            relevant = [c.relevant for c in group]
            hits = hit_rate_at_k(lists, relevant, k)
            means.append((hits + ndcg_at_k(lists, relevant, k)) / 2)
        return float(np.mean(means)) if means else 0.0

    return grid_search_weights(evaluate, grid, start=start, rounds=rounds)
