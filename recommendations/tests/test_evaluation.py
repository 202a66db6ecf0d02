"""Evaluation metrics on tiny cases computed by hand, baselines, weight search."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recommendations.catalogue import CatalogueArrays
from recommendations.engine import Target
from recommendations.evaluation import (
    bootstrap_ci,
    catalogue_coverage,
    grid_search_weights,
    hit_rate_at_k,
    intra_list_diversity,
    mrr_at_k,
    ndcg_at_k,
    novelty,
    popularity_shares,
    rank_most_frequent_attribute,
    rank_most_popular,
    rank_random,
)

from .helpers import track


def test_hit_rate_at_k_counts_cases_with_any_hit():
    recs = [[1, 2, 3], [4, 5, 6]]
    assert hit_rate_at_k(recs, [{3}, {7}], k=3) == 0.5
    assert hit_rate_at_k(recs, [{3}, {7}], k=2) == 0.0
    assert hit_rate_at_k(recs, [{1, 9}, {6}], k=3) == 1.0


def test_ndcg_at_k_by_hand():
    # One relevant item at rank 3: 1/log2(4) = 0.5.
    assert ndcg_at_k([[1, 2, 3]], [{3}], k=3) == pytest.approx(0.5)
    # Relevant {1, 3}: DCG = 1 + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3).
    assert ndcg_at_k([[1, 2, 3]], [{1, 3}], k=3) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    # Averaged over cases, a miss counts 0.
    assert ndcg_at_k([[5, 6], [7, 8]], [{5}, {9}], k=2) == pytest.approx(0.5)


def test_mrr_at_k_by_hand():
    assert mrr_at_k([[1, 2, 3], [4, 5, 6], [7]], [{2}, {4}, {9}], k=3) == pytest.approx(0.5)


def test_metric_lengths_must_match():
    with pytest.raises(ValueError, match="2 lists but 1 relevant"):
        hit_rate_at_k([[1], [2]], [{1}])


def test_catalogue_coverage_counts_distinct_items_shown():
    assert catalogue_coverage([[1, 2], [2, 3]], 10) == pytest.approx(0.3)
    assert catalogue_coverage([[1, 2], [2, 3]], 10, k=1) == pytest.approx(0.2)


def test_intra_list_diversity_is_one_minus_cosine():
    orthogonal = np.array([[1.0, 0.0], [0.0, 1.0]])
    same = np.array([[1.0, 1.0], [2.0, 2.0]])
    assert intra_list_diversity([orthogonal]) == pytest.approx(1.0)
    assert intra_list_diversity([same]) == pytest.approx(0.0)
    assert intra_list_diversity([orthogonal, same, np.array([[1.0, 0.0]])]) == pytest.approx(0.5)


def test_novelty_is_mean_minus_log2_share():
    assert novelty([[1, 2]], {1: 0.5, 2: 0.25}) == pytest.approx(1.5)
    shares = popularity_shares({1: 6, 2: 0}, [1, 2, 3])
    assert shares == {1: pytest.approx(7 / 9), 2: pytest.approx(1 / 9), 3: pytest.approx(1 / 9)}


def test_bootstrap_ci_brackets_the_mean():
    low, high = bootstrap_ci([0.0, 1.0] * 50)
    assert low < 0.5 < high
    assert bootstrap_ci([1.0, 1.0]) == (1.0, 1.0)


def small_catalogue() -> CatalogueArrays:
    return CatalogueArrays.build(
        [
            track(1, genres={"pop": 1.0}, valence=0.8, arousal=0.65, spotify_popularity=50.0),
            track(2, genres={"pop": 1.0}, valence=0.2, arousal=0.25, spotify_popularity=90.0),
            track(3, genres={"rock": 1.0}, valence=0.8, arousal=0.65, spotify_popularity=99.0),
            track(4, genres={"pop": 1.0}, valence=0.8, arousal=0.65, spotify_popularity=20.0),
            track(5, genres={"jazz": 1.0}, spotify_popularity=None),
        ]
    )


def test_rank_most_popular_orders_by_popularity_and_excludes():
    arrays = small_catalogue()
    assert rank_most_popular(arrays, 3) == [3, 2, 1]
    assert rank_most_popular(arrays, 3, exclude=[3]) == [2, 1, 4]


def test_rank_most_frequent_attribute_is_the_prototype_method():
    arrays = small_catalogue()
    videos = [
        Target(genres={"pop": 1.0}, valence=0.8, arousal=0.65),
        Target(genres={"pop": 0.8, "rock": 0.2}, moods={"happy": 1.0}),
        Target(genres={"rock": 1.0}, valence=0.2, arousal=0.2),
    ]
    # Commonest genre pop, commonest mood happy: pop+happy (1, 4) by popularity, then pop (2).
    assert rank_most_frequent_attribute(arrays, videos, 4) == [1, 4, 2, 3]


def test_rank_random_is_seeded_and_respects_exclusions():
    arrays = small_catalogue()
    first = rank_random(arrays, 3, seed=4, exclude=[1])
    assert first == rank_random(arrays, 3, seed=4, exclude=[1])
    assert 1 not in first and len(set(first)) == 3


def test_grid_search_weights_finds_the_best_coordinates_and_traces():
    def evaluate(weights: dict[str, float]) -> float:
        return -((weights["trend"] - 0.5) ** 2) - (weights["tempo"] - 0.3) ** 2

    result = grid_search_weights(
        evaluate, {"trend": [0.0, 0.25, 0.5, 1.0], "tempo": [0.1, 0.3, 0.6]}, rounds=3
    )
    assert result.best_weights["trend"] == 0.5
    assert result.best_weights["tempo"] == 0.3
    assert result.best_score == pytest.approx(0.0)
    assert result.trace[0].key == "" and result.trace[0].accepted
    assert "trend=0.5" in result.format_trace()
    # Round 2 changes nothing, so the search stops there instead of running round 3.
    assert max(step.round for step in result.trace) == 2


def test_grid_search_weights_rejects_unknown_keys():
    with pytest.raises(ValueError, match="unknown weight 'speed'"):
        grid_search_weights(lambda w: 0.0, {"speed": [1.0]})
