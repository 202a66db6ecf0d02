"""The pruned scoring pass (`score_catalogue(..., top=k)`) ranks exactly as the full one.

The similarity components are computed only on the rows that can still reach the top k; every
test here scores the same request both ways on a generated catalogue with anchors and compares
the best rows, their totals and their components.
"""

from __future__ import annotations

import numpy as np
import pytest

from recommendations.catalogue import CatalogueArrays
from recommendations.engine import (
    PRUNE_PROBE,
    Brief,
    CrowdScores,
    Filters,
    Request,
    Scores,
    Weights,
    pool_size,
    ranked_ids,
    recommend,
    reweigh,
    score_catalogue,
    top_rows,
)

from .helpers import PROFILE, only, random_catalogue, track

N_TRACKS = 1_500
# The defaults (own history 0.21, kept tracks 0.05) with a crowd component, as the bench asks.
WEIGHTS = {"momentum": 0.1}


@pytest.fixture(scope="module")
def arrays() -> CatalogueArrays:
    return CatalogueArrays.build(random_catalogue(N_TRACKS, seed=11))


def anchored(arrays: CatalogueArrays, seed: int, **fields: object) -> Request:
    """A request with about ten own-history anchors of varied lifts and two kept tracks."""
    rng = np.random.default_rng(seed)
    ids = arrays.music_ids[rng.choice(arrays.size, 12, replace=False)].tolist()
    fields.setdefault("target", PROFILE)
    fields.setdefault("weights", WEIGHTS)
    return Request(
        history={music_id: float(rng.uniform(1.05, 3.0)) for music_id in ids[:10]},
        kept_ids=frozenset(ids[10:]),
        exclude_ids=frozenset(ids[:10]),
        **fields,
    )


def crowd_for(arrays: CatalogueArrays) -> CrowdScores:
    rng = np.random.default_rng(5)
    return CrowdScores(momentum=rng.random(arrays.size).astype(np.float32))


def assert_same_top(arrays: CatalogueArrays, request: Request, k: int, **kwargs: object) -> Scores:
    """The top k of the pruned pass equal the full pass's: rows, totals and components."""
    full = score_catalogue(arrays, request, **kwargs)
    pruned = score_catalogue(arrays, request, top=k, **kwargs)
    expected, got = top_rows(full, k), top_rows(pruned, k)
    assert got.size == expected.size == min(k, int(full.eligible.sum()))
    # Float32 rounding (the similarity of a subset of rows is another matrix product) may swap
    # two rows whose totals tie to 1e-7, never more.
    np.testing.assert_allclose(pruned.total[got], full.total[expected], rtol=0, atol=1e-6)
    swapped = got != expected
    assert np.all(np.abs(full.total[got[swapped]] - full.total[expected[swapped]]) < 1e-6)
    assert set(pruned.components) == set(full.components)
    for name, values in full.components.items():
        np.testing.assert_allclose(pruned.components[name][got], values[got], atol=1e-6)
    assert pruned.effective_weights == full.effective_weights
    assert pruned.notices == full.notices
    return pruned


@pytest.mark.parametrize("k", [1, 10, 50, 200])
@pytest.mark.parametrize("seed", range(4))
def test_pruned_pass_keeps_the_top_rows_their_totals_and_components(arrays, seed, k):
    pruned = assert_same_top(arrays, anchored(arrays, seed), k, crowd=crowd_for(arrays))
    if PRUNE_PROBE * k < N_TRACKS:
        # It did prune: otherwise this test would not test it.
        assert pruned.exact_rows.size < int(pruned.eligible.sum())


def test_pruned_pass_with_the_default_weights_and_a_brief(arrays):
    brief = Brief(moods=["happy"], tempo_min=110, tempo_max=130, note="upbeat pop summer")
    assert_same_top(arrays, anchored(arrays, 7, weights={}, brief=brief), 20)


def test_pruned_pass_with_kept_tracks_alone(arrays):
    kept = frozenset(arrays.music_ids[[3, 30, 300]].tolist())
    request = Request(target=PROFILE, kept_ids=kept, weights={"kept_similarity": 0.4})
    pruned = assert_same_top(arrays, request, 10)
    assert "history" not in pruned.components
    assert pruned.exact_rows.size < int(pruned.eligible.sum())


def test_pruned_pass_with_filters_leaving_few_rows(arrays):
    filters = Filters(genres=["jazz"], commercial_only=True)
    request = anchored(arrays, 8, filters=filters)
    pruned = assert_same_top(arrays, request, 10)
    assert PRUNE_PROBE * 10 < int(pruned.eligible.sum()) < 100


def test_pruned_pass_when_the_best_linear_rows_are_all_excluded(arrays):
    """The probe is found among the best linear parts: here those are all used tracks, so it
    has to look further down before it holds enough eligible rows."""
    weights = only(popularity=1.0, history=1.0)
    probe = anchored(arrays, 9, weights=weights)
    popularity = score_catalogue(arrays, probe).components["popularity"]
    best = arrays.music_ids[np.argsort(-popularity)[:400]].tolist()
    request = anchored(arrays, 9, weights=weights)
    request.exclude_ids = frozenset(best)
    assert_same_top(arrays, request, 5)


def test_pruned_pass_when_every_anchor_is_unlike_the_catalogue():
    """Anchors in a far corner of the feature space: most cosines are negative and clip to 0,
    so the similarity adds nothing and the linear part alone decides."""
    lively = [
        track(
            i,
            tempo_bpm=120.0 + i % 7,
            energy=0.9,
            valence=0.9,
            danceability=0.9,
            acousticness=0.0,
            genres={"pop": 1.0},
        )
        for i in range(1, 600)
    ]
    unlike = [
        track(
            600 + i,
            tempo_bpm=60.0,
            energy=0.05,
            valence=0.05,
            danceability=0.05,
            acousticness=1.0,
            genres={"classical": 1.0},
        )
        for i in range(3)
    ]
    for i, record in enumerate(lively):
        record.spotify_popularity = i / 6  # no two alike: no tie at the cut
    arrays = CatalogueArrays.build(lively + unlike)
    request = Request(
        target=PROFILE,
        weights=only(popularity=1.0, history=1.0),
        history={600: 2.0, 601: 1.5, 602: 1.2},
        exclude_ids=frozenset({600, 601, 602}),
    )
    cosines = arrays.features[arrays.rows_for([600, 601, 602])] @ arrays.features.T
    assert (cosines < 0).mean() > 0.8
    pruned = assert_same_top(arrays, request, 10)
    assert pruned.exact_rows is not None
    assert pruned.components["history"].max() < 0.05


def test_pruned_pass_with_fewer_tracks_than_the_top():
    arrays = CatalogueArrays.build(random_catalogue(60, seed=3))
    pruned = assert_same_top(arrays, anchored(arrays, 1), 200)
    assert pruned.exact_rows.tolist() == np.flatnonzero(pruned.eligible).tolist()


def test_pruned_pass_with_nothing_eligible():
    arrays = CatalogueArrays.build(random_catalogue(60, seed=3))
    request = anchored(arrays, 1, filters=Filters(tempo_min=300.0))
    assert top_rows(score_catalogue(arrays, request, top=10), 10).size == 0


def test_pruned_pass_scores_whole_when_rows_tie_at_the_cut():
    """Identical tracks tie exactly: which of them the top keeps depends on the whole array, so
    the pass is not pruned and keeps the full pass's choice."""
    twins = [track(i, tempo_bpm=120.0, energy=0.5, genres={"pop": 1.0}) for i in range(1, 300)]
    arrays = CatalogueArrays.build(twins)
    request = Request(target=PROFILE, weights=only(tempo=1.0, history=1.0), history={1: 2.0})
    full, pruned = score_catalogue(arrays, request), score_catalogue(arrays, request, top=5)
    assert pruned.exact_rows is None
    assert top_rows(pruned, 5).tolist() == top_rows(full, 5).tolist()
    np.testing.assert_array_equal(pruned.total, full.total)


@pytest.mark.parametrize("limit", [1, 20, 50])
def test_recommend_lists_what_the_full_pass_would(arrays, limit):
    request = anchored(arrays, limit, limit=limit)
    crowd = crowd_for(arrays)
    result = recommend(arrays, request, crowd=crowd)
    full = score_catalogue(arrays, request, crowd=crowd)
    assert [item.music_id for item in result.items] == ranked_ids(arrays, full, limit)
    rows = arrays.rows_for(item.music_id for item in result.items)
    assert [item.score for item in result.items] == [round(float(full.total[r]), 4) for r in rows]
    # recommend prunes to the pool its diversity step re-ranks.
    assert pool_size(limit) == max(200, 10 * limit)


def test_pruned_scores_refuse_another_top_and_reweighing(arrays):
    pruned = score_catalogue(arrays, anchored(arrays, 2), top=10)
    for k in (9, 11):
        with pytest.raises(ValueError, match=f"pruned to its top 10 rows, {k} were asked"):
            top_rows(pruned, k)
    with pytest.raises(ValueError, match="cannot be reweighed"):
        reweigh(pruned, Weights())
    with pytest.raises(ValueError, match="top must be at least 1, got 0"):
        score_catalogue(arrays, anchored(arrays, 2), top=0)


def test_pass_without_anchors_is_not_pruned(arrays):
    scores = score_catalogue(arrays, Request(target=PROFILE, weights=WEIGHTS), top=10)
    assert scores.exact_rows is None
    assert top_rows(scores, 100).size == 100
