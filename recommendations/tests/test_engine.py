"""The engine on small hand-made catalogues: one test pins one behaviour."""

from __future__ import annotations

import math
import threading
from datetime import datetime, timedelta

import numpy as np
import pytest

from authors.analysis.reach import TIERS
from musicrec.core.descriptors import GENRE_KEYS, Descriptor, tempo_similarity
from recommendations.catalogue import (
    CatalogueArrays,
    CatalogueCache,
    growth_from_snapshots,
    mid_rank_percentiles,
)
from recommendations.components import tempo_component
from recommendations.engine import (
    DEFAULT_WEIGHTS,
    Brief,
    CrowdScores,
    Filters,
    Request,
    Target,
    Weights,
    recommend,
    reweigh,
    score_catalogue,
    top_rows,
    validate_weights,
)
from recommendations.reference import prepare_reference, score_reference_loop
from recommendations.targets import TIER_LEAN, parse_note, tempo_range_error
from recommendations.usage import relative_performance
from recommendations.weights import CROWD_WEIGHTS

from .helpers import PROFILE, only, random_catalogue, track


def ranked_ids(result) -> list[int]:
    return [item.music_id for item in result.items]


# --- Catalogue arrays ---------------------------------------------------------------------------


def test_catalogue_build_keeps_unknowns_as_nan_and_falls_back_to_energy_for_arousal():
    arrays = CatalogueArrays.build(
        [track(1, tempo_bpm=120.0, energy=0.8), track(2, energy=None, arousal=0.3)]
    )
    assert arrays.tempo.dtype == np.float32
    assert math.isnan(arrays.tempo[1])
    assert arrays.arousal[0] == pytest.approx(0.8)
    assert arrays.arousal[1] == pytest.approx(0.3)


def test_catalogue_build_normalises_genres_and_finds_top_genre():
    arrays = CatalogueArrays.build([track(1, genres={"pop": 2.0, "rock": 2.0, "x": 5.0}), track(2)])
    assert arrays.genres[0].sum() == pytest.approx(1.0)
    assert arrays.genres[0, GENRE_KEYS.index("pop")] == pytest.approx(0.5)
    assert arrays.top_genre[0] == GENRE_KEYS.index("pop")
    assert arrays.top_genre[1] == -1


def test_catalogue_build_rejects_duplicate_ids():
    with pytest.raises(ValueError, match="duplicate"):
        CatalogueArrays.build([track(1), track(1)])


def test_catalogue_rows_for_skips_unknown_ids_and_keeps_order():
    arrays = CatalogueArrays.build([track(30), track(10), track(20)])
    assert arrays.rows_for([20, 99, 30]).tolist() == [2, 0]
    assert arrays.row_of(99) is None


def test_mid_rank_percentiles_share_a_value_between_ties():
    pct = mid_rank_percentiles(np.array([10.0, 10.0, 30.0, np.nan]))
    assert pct[:3].tolist() == pytest.approx([1 / 3, 1 / 3, 5 / 6])
    assert math.isnan(pct[3])


def test_catalogue_popularity_averages_spotify_and_tiktok_percentile():
    arrays = CatalogueArrays.build(
        [
            track(1, spotify_popularity=80.0, tiktok_usage=100),
            track(2, spotify_popularity=None, tiktok_usage=10),
            track(3, spotify_popularity=40.0, tiktok_usage=None),
        ]
    )
    assert arrays.popularity[0] == pytest.approx((0.8 + 0.75) / 2)
    assert arrays.popularity[1] == pytest.approx(0.25)
    assert arrays.popularity[2] == pytest.approx(0.4)


def test_growth_from_snapshots_uses_the_latest_snapshot_old_enough():
    now = datetime(2026, 11, 24)
    points = [(now - timedelta(days=10), 99.0), (now - timedelta(days=3), 200.0), (now, 399.0)]
    assert growth_from_snapshots(points, days=7, now=now) == pytest.approx(math.log(4.0))
    assert growth_from_snapshots(points, days=28, now=now) is None


def test_catalogue_cache_builds_once_per_version_across_threads():
    cache: CatalogueCache[CatalogueArrays] = CatalogueCache()
    records = [track(1), track(2)]
    results = []

    def worker() -> None:
        results.append(cache.get("v1", lambda: CatalogueArrays.build(records)))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.builds == 1
    assert all(r is results[0] for r in results)
    rebuilt = cache.get("v2", lambda: CatalogueArrays.build(records[:1]))
    assert cache.builds == 2 and rebuilt.size == 1 and cache.version == "v2"


# --- Components ---------------------------------------------------------------------------------


def test_tempo_component_matches_the_shared_tempo_similarity():
    tempi = [60.0, 61.0, 90.0, 118.0, 120.0, 128.0, 240.0]
    arrays = CatalogueArrays.build([track(i, tempo_bpm=t) for i, t in enumerate(tempi, 1)])
    scores = tempo_component(arrays, (120.0, 120.0))
    expected = [tempo_similarity(t, 120.0) for t in tempi]
    assert scores.tolist() == pytest.approx(expected, abs=1e-5)


def test_recommend_tempo_accepts_half_and_double_time():
    arrays = CatalogueArrays.build(
        [
            track(1, tempo_bpm=90.0),
            track(2, tempo_bpm=60.0),
            track(3, tempo_bpm=120.0),
            track(4, tempo_bpm=240.0),
        ]
    )
    request = Request(target=Target(tempo_bpm=120.0), weights=only(tempo=1.0), limit=4)
    result = recommend(arrays, request)
    assert ranked_ids(result)[0] == 3
    by_id = {i.music_id: i.components["tempo"] for i in result.items}
    assert by_id[2] == pytest.approx(0.9, abs=1e-4)
    assert by_id[4] == pytest.approx(0.9, abs=1e-4)
    assert by_id[1] < 0.01


@pytest.mark.parametrize(
    ("valence", "arousal", "winner"),
    [(0.85, 0.7, 1), (0.15, 0.2, 2), (0.65, 0.15, 3), (0.2, 0.85, 4)],
)
def test_recommend_mood_prefers_the_same_quadrant(valence, arousal, winner):
    arrays = CatalogueArrays.build(
        [
            track(1, valence=0.8, arousal=0.7),  # happy
            track(2, valence=0.2, arousal=0.2),  # sad
            track(3, valence=0.7, arousal=0.2),  # calm
            track(4, valence=0.2, arousal=0.8),  # dark
        ]
    )
    target = Target(valence=valence, arousal=arousal)
    result = recommend(arrays, Request(target=target, weights=only(mood=1.0), limit=4))
    assert ranked_ids(result)[0] == winner


def test_recommend_mood_from_brief_moods_overrides_the_profile():
    arrays = CatalogueArrays.build(
        [track(1, valence=0.8, arousal=0.65), track(2, valence=0.2, arousal=0.25)]
    )
    request = Request(
        target=Target(valence=0.8, arousal=0.65),
        brief=Brief(moods=["sad"]),
        weights=only(mood=1.0),
        limit=2,
    )
    assert ranked_ids(recommend(arrays, request)) == [2, 1]


def test_recommend_genre_affinity_counts_the_wanted_share():
    arrays = CatalogueArrays.build(
        [
            track(1, genres={"pop": 1.0}),
            track(2, genres={"rock": 1.0}),
            track(3, genres={"jazz": 1.0}),
            track(4, genres={"pop": 1.0, "jazz": 1.0}),
        ]
    )
    target = Target(genres={"pop": 0.7, "rock": 0.3})
    result = recommend(arrays, Request(target=target, weights=only(genre=1.0), limit=4))
    genre = {i.music_id: i.components["genre"] for i in result.items}
    assert genre[1] == pytest.approx(1.0)
    assert genre[2] == pytest.approx(0.3 / 0.7, abs=1e-4)
    assert genre[3] == 0.0
    assert genre[4] == pytest.approx(0.5)


def test_recommend_genre_blends_content_and_best_performing_genres():
    arrays = CatalogueArrays.build(
        [track(1, genres={"pop": 1.0}), track(2, genres={"hip-hop": 1.0})]
    )
    target = Target(genres={"pop": 1.0}, best_genres={"hip-hop": 3.0, "pop": 1.0})
    result = recommend(arrays, Request(target=target, weights=only(genre=1.0), limit=2))
    genre = {i.music_id: i.components["genre"] for i in result.items}
    # content pop 1.0; best hip-hop 0.75, pop 0.25 -> blend pop 0.625, hip-hop 0.375.
    assert genre[1] == pytest.approx(1.0)
    assert genre[2] == pytest.approx(0.375 / 0.625, abs=1e-4)


def test_recommend_energy_and_danceability_closeness():
    arrays = CatalogueArrays.build(
        [
            track(1, energy=0.8, danceability=0.7),
            track(2, energy=0.4, danceability=0.7),
            track(3, energy=None, danceability=None),
        ]
    )
    target = Target(energy=0.8, danceability=0.7)
    result = recommend(arrays, Request(target=target, weights=only(energy=1.0), limit=3))
    energy = {i.music_id: i.components["energy"] for i in result.items}
    assert energy[1] == pytest.approx(1.0)
    assert energy[2] == pytest.approx((math.exp(-0.5 * (0.4 / 0.2) ** 2) + 1) / 2, abs=1e-4)
    assert energy[3] == 0.0


def test_recommend_trend_scores_growth_and_the_early_signal():
    arrays = CatalogueArrays.build(
        [
            track(1, tiktok_usage=1000, usage_growth_7d=math.log(2.0)),
            track(2, tiktok_usage=5, early_trend=True),
            track(3, tiktok_usage=500, usage_growth_7d=-0.5, usage_growth_28d=-1.0),
            track(4, tiktok_usage=2000, usage_growth_7d=math.log(2.0), usage_growth_28d=0.0),
        ]
    )
    result = recommend(arrays, Request(weights=only(trend=1.0), limit=4))
    trend = {i.music_id: i.components["trend"] for i in result.items}
    assert trend[1] == pytest.approx(0.5)
    assert trend[2] == pytest.approx(1 - 0.125)  # rarest of four on TikTok: percentile 0.125
    assert trend[3] == 0.0
    assert trend[4] == pytest.approx(0.6 * 0.5)
    assert ranked_ids(result)[0] == 2


def test_recommend_tier_fit_leans_to_hits_for_large_and_risers_for_small_creators():
    arrays = CatalogueArrays.build(
        [
            track(1, spotify_popularity=95.0, tiktok_usage=10_000),
            track(2, spotify_popularity=20.0, tiktok_usage=10, usage_growth_7d=math.log(8.0)),
        ]
    )
    weights = only(tier_fit=1.0)
    mega = recommend(arrays, Request(target=Target(follower_count=5_000_000), weights=weights))
    nano = recommend(arrays, Request(target=Target(tier="nano"), weights=weights))
    assert ranked_ids(mega)[0] == 1
    assert ranked_ids(nano)[0] == 2


def test_tier_lean_covers_every_creator_tier():
    assert set(TIER_LEAN) == {name for name, _ in TIERS}
    leans = [TIER_LEAN[name] for name, _ in TIERS]
    assert leans == sorted(leans)


def test_score_catalogue_consistency_scales_content_weights():
    arrays = CatalogueArrays.build([track(1, tempo_bpm=120.0, genres={"pop": 1.0})])
    target = Target(
        tempo_bpm=120.0, genres={"pop": 1.0}, consistency={"tempo_bpm": 0.0, "genres": None}
    )
    scores = score_catalogue(arrays, Request(target=target, weights=only(tempo=1.0, genre=1.0)))
    assert scores.effective_weights == {
        "tempo": pytest.approx(1 / 3, abs=1e-4),
        "genre": pytest.approx(2 / 3, abs=1e-4),
    }


def test_recommend_brief_tempo_range_overrides_the_profile_tempo():
    arrays = CatalogueArrays.build([track(1, tempo_bpm=120.0), track(2, tempo_bpm=95.0)])
    request = Request(
        target=Target(tempo_bpm=120.0),
        brief=Brief(tempo_min=90.0, tempo_max=100.0),
        weights=only(tempo=1.0),
        limit=2,
    )
    result = recommend(arrays, request)
    assert ranked_ids(result)[0] == 2
    assert result.items[0].components["tempo"] == pytest.approx(1.0)


def test_parse_note_maps_words_onto_the_vocabulary():
    terms = parse_note("Chill lo-fi hip hop, around 90 BPM, a bit nostalgic")
    assert set(terms.genres) == {"hip-hop", "indie"}
    assert terms.moods == ("calm", "sad")
    assert terms.tempo_range == pytest.approx((86.4, 93.6))
    assert parse_note("fast k-pop dance").tempo_range == (135.0, 180.0)


# --- Exclusions, feedback, filters --------------------------------------------------------------


def popular_catalogue() -> CatalogueArrays:
    return CatalogueArrays.build(
        [track(i, spotify_popularity=float(100 - i)) for i in range(1, 11)]
    )


def test_recommend_excludes_used_tracks_unless_asked():
    arrays = popular_catalogue()
    used = frozenset({1, 2})
    default = recommend(arrays, Request(exclude_ids=used, weights=only(popularity=1.0), limit=3))
    assert ranked_ids(default) == [3, 4, 5]
    included = recommend(
        arrays,
        Request(exclude_ids=used, include_used=True, weights=only(popularity=1.0), limit=3),
    )
    assert ranked_ids(included) == [1, 2, 3]


def test_recommend_never_returns_a_rejected_track():
    arrays = popular_catalogue()
    request = Request(
        rejected_ids=frozenset({1}),
        exclude_ids=frozenset({1}),
        include_used=True,
        weights=only(popularity=1.0),
        limit=10,
    )
    result = recommend(arrays, request)
    assert 1 not in ranked_ids(result)
    assert result.candidates == 9
    assert any("Only 9 tracks" in n for n in result.notices)


def test_recommend_kept_track_boosts_similar_tracks():
    arrays = CatalogueArrays.build(
        [
            track(
                1,
                tempo_bpm=125.0,
                energy=0.9,
                valence=0.9,
                genres={"electronic": 1.0},
                spotify_popularity=40.0,
            ),
            track(
                2,
                tempo_bpm=126.0,
                energy=0.85,
                valence=0.85,
                genres={"electronic": 1.0},
                spotify_popularity=40.0,
            ),
            track(
                3,
                tempo_bpm=70.0,
                energy=0.2,
                valence=0.2,
                genres={"classical": 1.0},
                spotify_popularity=60.0,
            ),
            track(
                4,
                tempo_bpm=75.0,
                energy=0.3,
                valence=0.3,
                genres={"folk-acoustic": 1.0},
                spotify_popularity=60.0,
            ),
        ]
    )
    weights = only(popularity=1.0, kept_similarity=1.0)
    without = recommend(arrays, Request(weights=weights, limit=4))
    assert ranked_ids(without)[:2] == [3, 4]
    assert "kept_similarity" not in without.items[0].components
    result = recommend(arrays, Request(kept_ids=frozenset({1}), weights=weights, limit=4))
    assert ranked_ids(result)[:2] == [1, 2]
    second = result.items[1]
    assert second.components["kept_similarity"] > 0.9
    assert "Similar to “Track 1”, which you kept" in second.reasons


def history_catalogue() -> CatalogueArrays:
    """Two used tracks far apart (upbeat electronic 1, slow classical 3), each with a close,
    unused neighbour (2 and 4), and a track (5) like neither."""
    return CatalogueArrays.build(
        [
            track(1, tempo_bpm=125.0, energy=0.9, valence=0.9, genres={"electronic": 1.0}),
            track(2, tempo_bpm=126.0, energy=0.85, valence=0.85, genres={"electronic": 1.0}),
            track(3, tempo_bpm=70.0, energy=0.2, valence=0.2, genres={"classical": 1.0}),
            track(4, tempo_bpm=72.0, energy=0.25, valence=0.25, genres={"classical": 1.0}),
            track(5, tempo_bpm=100.0, energy=0.5, valence=0.5, genres={"jazz": 1.0}),
        ]
    )


def test_recommend_history_ranks_tracks_like_the_best_performing_videos_music_first():
    arrays = history_catalogue()
    request = Request(
        weights=only(history=1.0),
        limit=3,
        exclude_ids=frozenset({1, 3}),
        history={1: 1.4, 3: 1.1},
    )
    result = recommend(arrays, request)
    assert ranked_ids(result)[:2] == [2, 4]
    first, second = result.items[0], result.items[1]
    assert first.components["history"] > 0.9
    # Equally close to a weaker video's track: scaled by 1.1 / 1.4.
    assert second.components["history"] == pytest.approx(
        first.components["history"] * 1.1 / 1.4, abs=0.05
    )
    assert first.reasons[0] == (
        "Close to “Track 1”, used in your best-performing video (+40% engagement)"
    )
    assert second.reasons[0] == (
        "Close to “Track 3”, used in one of your better-performing videos (+10% engagement)"
    )
    swapped = recommend(arrays, Request(**{**request.__dict__, "history": {1: 1.1, 3: 1.4}}))
    assert ranked_ids(swapped)[:2] == [4, 2]


def test_recommend_cites_no_likeness_between_tracks_without_audio_features_or_genre():
    # A real creator's timeline: their sound and the catalogue's popular tracks come without
    # audio or a genre, so every pair scores 1 on similarity; "Close to" would be made up.
    arrays = CatalogueArrays.build(
        [
            track(1, title="nhạc nền - Hoàng Khanh", tiktok_usage=10),
            track(2, tiktok_usage=5_000_000),
            track(3, tiktok_usage=4_000_000),
            track(4, tempo_bpm=120.0, energy=0.8, genres={"pop": 1.0}, tiktok_usage=3_000_000),
        ]
    )
    assert arrays.described().tolist() == [False, False, False, True]
    request = Request(
        weights=only(history=1.0, kept_similarity=1.0, popularity=0.5),
        limit=3,
        exclude_ids=frozenset({1}),
        history={1: 1.53},
        kept_ids=frozenset({1}),
    )
    result = recommend(arrays, request)
    assert ranked_ids(result)[0] == 2 and set(ranked_ids(result)) == {2, 3, 4}
    # Nothing to compare: no likeness score either (it used to be 1.0 for every featureless
    # pair, which outranked tracks that fit a brief).
    assert [item.components["history"] for item in result.items] == [0.0, 0.0, 0.0]
    assert [item.components["kept_similarity"] for item in result.items] == [0.0, 0.0, 0.0]
    reasons = [r for item in result.items for r in item.reasons]
    assert not [r for r in reasons if r.startswith(("Close to", "Similar to"))], reasons
    assert result.items[0].reasons == ["Used in 5M TikTok videos (top 13%)"]


def test_a_featureless_history_does_not_outrank_tracks_that_fit_the_brief():
    # The 2025 creators' case: their sound and the popular catalogue tracks have no audio, a few
    # tracks do; a brief asking for happy pop must rank those first, whatever the history weight.
    arrays = CatalogueArrays.build(
        [
            track(1, title="nhạc nền - Hoàng Khanh"),
            track(2, tiktok_usage=5_000_000),
            track(3, tiktok_usage=4_000_000),
            track(4, valence=0.9, arousal=0.7, genres={"pop": 1.0}, tiktok_usage=10_000),
        ]
    )
    request = Request(
        weights=only(history=1.0, mood=1.0, genre=1.0, popularity=0.2),
        brief=Brief(moods=("happy",), genres=("pop",)),
        exclude_ids=frozenset({1}),
        history={1: 1.5},
        limit=3,
    )
    result = recommend(arrays, request)
    assert ranked_ids(result)[0] == 4
    assert all(item.components["history"] == 0.0 for item in result.items)


def test_recommend_history_only_reads_the_tracks_it_is_given():
    arrays = history_catalogue()
    weights = only(history=1.0, popularity=0.01)
    without = recommend(arrays, Request(weights=weights, limit=5))
    assert "history" not in without.items[0].components
    # A hidden (or unknown) track is simply not an anchor: only track 3 pulls.
    result = recommend(arrays, Request(weights=weights, limit=5, history={3: 1.5, 999: 3.0}))
    assert ranked_ids(result)[:2] == [3, 4]
    assert all("Track 1" not in r for item in result.items for r in item.reasons)
    assert result.items[ranked_ids(result).index(2)].components["history"] < 0.1


def test_recommend_business_safe_filter_keeps_only_cleared_tracks():
    arrays = CatalogueArrays.build(
        [track(1, commercial_ok=True), track(2, commercial_ok=False), track(3, commercial_ok=None)]
    )
    result = recommend(arrays, Request(filters=Filters(commercial_only=True)))
    assert ranked_ids(result) == [1]


def test_recommend_filters_by_genre_mood_and_tempo():
    arrays = CatalogueArrays.build(
        [
            track(1, genres={"pop": 1.0}, valence=0.8, arousal=0.65, tempo_bpm=120.0),
            track(2, genres={"pop": 1.0}, valence=0.2, arousal=0.25, tempo_bpm=120.0),
            track(3, genres={"rock": 1.0}, valence=0.8, arousal=0.65, tempo_bpm=120.0),
            track(4, genres={"pop": 1.0}, valence=0.8, arousal=0.65, tempo_bpm=150.0),
            track(5, genres={"rock": 1.0, "pop": 0.5}, valence=0.8, arousal=0.65, tempo_bpm=118.0),
            track(6, genres={"pop": 1.0}, valence=0.8, arousal=0.65, tempo_bpm=None),
        ]
    )
    filters = Filters(genres=["pop"], moods=["happy"], tempo_min=110.0, tempo_max=130.0)
    assert sorted(ranked_ids(recommend(arrays, Request(filters=filters)))) == [1, 5]


def test_recommend_funny_mood_filter_is_skipped_with_a_notice():
    arrays = popular_catalogue()
    result = recommend(arrays, Request(filters=Filters(moods=["funny"])))
    assert len(result.items) == 10
    assert any("funny" in n for n in result.notices)


# --- Diversity ----------------------------------------------------------------------------------


def test_recommend_caps_one_artist_at_two_of_the_top_ten():
    records = [
        track(i, artist="Star", artist_id=1, spotify_popularity=99.0 - i * 0.1)
        for i in range(1, 21)
    ]
    records += [track(100 + i, spotify_popularity=50.0 - i) for i in range(20)]
    result = recommend(CatalogueArrays.build(records), Request(weights=only(popularity=1.0)))
    top10 = [item.artist for item in result.items[:10]]
    assert top10.count("Star") == 2
    second10 = [item.artist for item in result.items[10:20]]
    assert second10.count("Star") == 2


def test_recommend_relaxes_the_artist_cap_with_a_notice_when_nothing_else_fits():
    records = [track(i, artist="Solo", artist_id=1) for i in range(1, 6)]
    result = recommend(CatalogueArrays.build(records), Request(limit=5))
    assert len(result.items) == 5
    assert any("Too few different artists" in n for n in result.notices)


def genre_heavy_catalogue() -> CatalogueArrays:
    records = [track(i, genres={"pop": 1.0}, spotify_popularity=99.0 - i) for i in range(1, 16)]
    records += [track(50 + i, genres={"rock": 1.0}, spotify_popularity=60.0 - i) for i in range(5)]
    return CatalogueArrays.build(records)


def test_recommend_varies_genres_unless_the_target_asks_for_one():
    arrays = genre_heavy_catalogue()
    mixed = Target(genres={"pop": 0.6, "rock": 0.4})
    weights = only(popularity=1.0, genre=0.2)
    result = recommend(arrays, Request(target=mixed, weights=weights, limit=10))
    assert sum(1 for i in result.items if i.music_id < 50) == 7
    asked = recommend(
        arrays, Request(target=mixed, brief=Brief(genres=["pop"]), weights=weights, limit=10)
    )
    assert all(i.music_id < 50 for i in asked.items)


def test_recommend_diversity_zero_keeps_relevance_order_within_caps():
    arrays = CatalogueArrays.build(
        [track(i, spotify_popularity=float(100 - i)) for i in range(1, 31)]
    )
    result = recommend(arrays, Request(weights=only(popularity=1.0), diversity=0.0, limit=15))
    scores = [i.score for i in result.items]
    assert scores == sorted(scores, reverse=True)


# --- Weights ------------------------------------------------------------------------------------


def test_validate_weights_overrides_defaults_and_echoes_normalised():
    weights = validate_weights({"trend": 0.9, "popularity": "0.0"})
    assert weights.trend == 0.9 and weights.popularity == 0.0
    assert weights.tempo == DEFAULT_WEIGHTS["tempo"]
    arrays = popular_catalogue()
    result = recommend(arrays, Request(weights=weights))
    assert sum(result.weights.values()) == pytest.approx(1.0, abs=1e-3)
    others = sum(v for k, v in DEFAULT_WEIGHTS.items() if k not in ("trend", "popularity"))
    assert result.weights["trend"] == pytest.approx(0.9 / (others + 0.9), abs=1e-4)
    assert set(result.effective_weights) == {"trend"}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"tempos": 1.0}, "unknown weight 'tempos'"),
        ({"tempo": -0.1}, "weight 'tempo' must be between 0 and 100, got -0.1"),
        ({"mood": float("nan")}, "weight 'mood'"),
        ({"genre": "lots"}, "weight 'genre' must be a number, got 'lots'"),
        ({"energy": True}, "weight 'energy' must be a number"),
        ({"trend": 1000}, "weight 'trend' must be between 0 and 100"),
        ({k: 0 for k in DEFAULT_WEIGHTS}, "at least one weight must be positive"),
    ],
)
def test_validate_weights_rejects_bad_values_naming_them(values, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        validate_weights(values)


def test_default_weights_sum_to_one():
    assert sum(DEFAULT_WEIGHTS.values()) == pytest.approx(1.0)
    assert sum(CROWD_WEIGHTS.values()) == pytest.approx(1.0)
    assert Weights().as_dict() == DEFAULT_WEIGHTS


def test_request_rejects_bad_limit_and_brief_values():
    with pytest.raises(ValueError, match="limit"):
        Request(limit=0)
    with pytest.raises(ValueError, match="unknown genre 'polka'"):
        Brief(genres=["polka"])
    with pytest.raises(ValueError, match="tempo_min 130 is above tempo_max 100"):
        Filters(tempo_min=130, tempo_max=100)


def test_tempo_range_error_is_the_one_tempo_range_check():
    assert tempo_range_error(None, None) is None
    assert tempo_range_error(90, 130) is None
    assert tempo_range_error(130, 100) == ("tempo_min", "130 is above tempo_max 100")
    assert tempo_range_error(None, 500) == (
        "tempo_max",
        "must be a BPM between 0 and 400, got 500",
    )


# --- Cold start ---------------------------------------------------------------------------------


def test_recommend_cold_start_uses_popularity_and_trend_with_a_notice():
    arrays = popular_catalogue()
    result = recommend(arrays, Request(target=Target(follower_count=None), limit=3))
    assert ranked_ids(result) == [1, 2, 3]
    assert any("No content analysis for this creator yet" in n for n in result.notices)
    assert set(result.effective_weights) == {"popularity", "trend"}


def test_recommend_cold_start_with_a_brief_scores_the_brief():
    arrays = CatalogueArrays.build(
        [
            track(1, genres={"rock": 1.0}, spotify_popularity=90.0),
            track(2, genres={"latin": 1.0}, spotify_popularity=30.0),
        ]
    )
    result = recommend(arrays, Request(brief=Brief(note="reggaeton party"), limit=2))
    assert ranked_ids(result)[0] == 2
    assert any("based on your brief, popularity and trends" in n for n in result.notices)


# --- Crowd components -------------------------------------------------------------------------


def test_relative_performance_compares_with_the_creators_own_median():
    perf = relative_performance(np.array([100.0, 300.0, 1000.0, 1000.0]), np.array([0, 0, 1, 1]))
    assert perf.tolist() == pytest.approx([math.log2(1.5) / 2, math.log2(2.5) / 2, 0.5, 0.5])


@pytest.mark.parametrize("name", ["momentum", "collaborative", "topic"])
def test_recommend_uses_crowd_scores_when_given(name):
    arrays = popular_catalogue()
    values = np.zeros(arrays.size, dtype=np.float32)
    values[arrays.row_of(7)] = 1.0
    result = recommend(
        arrays, Request(weights=only(**{name: 1.0}), limit=1), crowd=CrowdScores(**{name: values})
    )
    assert ranked_ids(result) == [7]
    assert result.items[0].components[name] == 1.0
    assert result.effective_weights == {name: 1.0}


def test_crowd_scores_of_the_wrong_length_are_refused():
    arrays = popular_catalogue()
    with pytest.raises(ValueError, match="momentum scores must have shape"):
        score_catalogue(arrays, Request(), crowd=CrowdScores(momentum=np.ones(3)))


def test_reweigh_equals_scoring_again_with_the_other_weights():
    arrays = CatalogueArrays.build(random_catalogue(300, seed=4))
    target = Target(tempo_bpm=120.0, energy=0.6, genres={"pop": 1.0}, follower_count=20_000)
    crowd = CrowdScores(momentum=np.random.default_rng(2).random(arrays.size).astype(np.float32))
    everything = validate_weights(dict.fromkeys(DEFAULT_WEIGHTS, 1.0))
    first = score_catalogue(arrays, Request(target=target, weights=everything), crowd=crowd)
    other = validate_weights({"genre": 0.0, "momentum": 0.5, "popularity": 0.3})
    again = score_catalogue(arrays, Request(target=target, weights=other), crowd=crowd)
    reweighed = reweigh(first, other)
    assert reweighed.effective_weights == again.effective_weights
    assert reweighed.total == pytest.approx(again.total, abs=1e-6)


def test_components_without_weight_are_not_computed():
    arrays = CatalogueArrays.build(random_catalogue(50, seed=5))
    target = Target(tempo_bpm=120.0, energy=0.6, genres={"pop": 1.0})
    scores = score_catalogue(arrays, Request(target=target, weights=only(genre=1.0)))
    assert set(scores.components) == {"genre", "popularity", "trend"}


# --- Equality with the per-row loop -------------------------------------------------------------


REQUESTS = [
    Request(),
    Request(
        target=PROFILE,
        exclude_ids=frozenset({3, 4, 5}),
        rejected_ids=frozenset({6}),
        kept_ids=frozenset({7, 8}),
        history={9: 1.6, 10: 1.2, 11: 1.05, 3: 2.0},
        weights={"history": 0.2, "topic": 0.1},
    ),
    Request(
        target=Target(kind="video", tempo_bpm=90.0, moods={"calm": 1.0}),
        brief=Brief(moods=["romantic"], tempo_max=100.0, energy=0.3, note="acoustic"),
        filters=Filters(genres=["pop", "folk-acoustic"], moods=["calm"], commercial_only=True),
        weights={"trend": 0.5},
    ),
    Request(brief=Brief(note="fast dark metal"), filters=Filters(tempo_min=120.0)),
]


@pytest.mark.parametrize("request_index", range(len(REQUESTS)))
def test_score_catalogue_equals_the_reference_loop(request_index):
    records = random_catalogue(400, seed=request_index)
    arrays = CatalogueArrays.build(records)
    request = REQUESTS[request_index]
    rng = np.random.default_rng(1)
    crowd = {n: rng.random(arrays.size).astype(np.float32) for n in ("momentum", "topic")}
    scores = score_catalogue(arrays, request, crowd=CrowdScores(**crowd))
    loop = score_reference_loop(
        prepare_reference(records), request, crowd={n: v.tolist() for n, v in crowd.items()}
    )
    assert len(loop) == int(scores.eligible.sum()) > 0
    rows = top_rows(scores, len(loop))
    assert scores.total[rows].tolist() == pytest.approx([s for _, s in loop], abs=1e-5)
    ours, theirs = arrays.music_ids[rows].tolist(), [m for m, _ in loop]
    for pos, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        assert a == b or abs(float(scores.total[rows[pos]]) - loop[pos][1]) < 1e-5


def test_target_from_descriptor_copies_the_shared_fields():
    descriptor = Descriptor(tempo_bpm=101.0, energy=0.4, genres={"jazz": 1.0}, moods={"calm": 1.0})
    target = Target.from_descriptor(descriptor, kind="video", follower_count=20_000)
    assert (target.kind, target.tempo_bpm, target.energy) == ("video", 101.0, 0.4)
    assert target.genres == {"jazz": 1.0} and target.has_content
    assert not Target(follower_count=20_000).has_content


def test_recommend_brief_with_only_a_minimum_tempo_leaves_the_range_open():
    arrays = CatalogueArrays.build(
        [track(1, tempo_bpm=100.0), track(2, tempo_bpm=150.0), track(3, tempo_bpm=178.0)]
    )
    request = Request(brief=Brief(tempo_min=140.0), weights=only(tempo=1.0), limit=3)
    result = recommend(arrays, request)
    tempo = {i.music_id: i.components["tempo"] for i in result.items}
    assert tempo[2] == tempo[3] == pytest.approx(1.0)
    assert tempo[1] < 0.1
    assert result.items[0].reasons[0] == "150 BPM, above the 140 BPM minimum of your brief"
