"""Profile analysis checked against figures worked out by hand on small fixtures.

Each expected number has its hand calculation beside it. Rates are fractions rounded to 4
decimals, averages of counts to 1 decimal (see docs/metrics.md).
"""

from __future__ import annotations

import json
import math
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from authors.analysis import (
    ANALYSIS_VERSION,
    METRIC_FORMULAS,
    STATUS_NO_RECENT_VIDEOS,
    STATUS_NO_VIDEOS,
    STATUS_NO_VIEWS,
    STATUS_OK,
    STATUS_PRIVATE,
    AuthorMetrics,
    MusicKey,
    ProfileInput,
    SnapshotInput,
    VideoInput,
    analyze_author,
    blend_tempo,
    content_profile,
    is_reach_tag,
    tier_for_followers,
)
from authors.tests.scrape_inputs import pure_inputs
from musicrec.core.descriptors import Descriptor, Label
from musicrec.platforms.tiktok import parse_scrape

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
# The tiktok-scraper user feed as committed with the parser's fixtures (a byte-identical copy of
# the shared sample), so the test runs in CI as well.
SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "musicrec/platforms/tests/fixtures/samples/thebigbradwolf_1609948309033.json"
)


def video(
    external_id: str,
    days_ago: float,
    views: int | None = 1000,
    likes: int | None = 0,
    comments: int | None = 0,
    shares: int | None = 0,
    saves: int | None = 0,
    **extra: Any,
) -> VideoInput:
    return VideoInput(
        external_id=external_id,
        posted_at=NOW - timedelta(days=days_ago),
        views=views,
        likes=likes,
        comments=comments,
        shares=shares,
        saves=saves,
        **extra,
    )


PROFILE = ProfileInput(
    followers=50_000, following=200, likes_total=1_000_000, video_count=6, verified=True
)

# The base creator: six videos, one every two days (1, 3, ..., 11 days ago).
#  id  days  views  likes  comments shares saves | interactions  ER by views
#  v1   1    1000    100     10       5      5   |  120          0.12
#  v2   3    2000    150     20      10     20   |  200          0.10
#  v3   5    4000    400     40      40     40   |  520          0.13
#  v4   7    1000     60     10      10     10   |   90          0.09
#  v5   9   20000   3000    300     500    200   | 4000          0.20
#  v6  11    3000    240     30      15     15   |  300          0.10
BASE_VIDEOS = [
    video(
        "v1", 1, 1000, 100, 10, 5, 5,
        hashtags=["#fyp", "dance", "Dance"],
        category=Label("dance", "content", 0.9),
        music=MusicKey("m1", "Song A", "Artist X"),
    ),
    video(
        "v2", 3, 2000, 150, 20, 10, 20,
        hashtags=["fypシ", "dance", "tutorial"],
        category=Label("dance", "content", 0.8),
        music=MusicKey("m1", "Song A", "Artist X"),
    ),
    video(
        "v3", 5, 4000, 400, 40, 40, 40,
        hashtags=["foryourpage", "viralvideo", "tutorial"],
        category=Label("comedy", "content", 0.6),
        music=MusicKey("o3", "original sound", "Base Creator", is_original=True),
    ),
    video(
        "v4", 7, 1000, 60, 10, 10, 10,
        hashtags=["trend", "fyp゚", "ballet"],
        music=MusicKey("m2", "Song B", "artist x"),
    ),
    video(
        "v5", 9, 20000, 3000, 300, 500, 200,
        hashtags=["DANCE"],
        category=Label("dance", "content", 0.7),
        music=MusicKey("m3", "Song C", "Artist Y"),
    ),
    video("v6", 11, 3000, 240, 30, 15, 15, category=Label("comedy", "content", 0.4)),
]  # fmt: skip


@pytest.fixture
def base() -> AuthorMetrics:
    return analyze_author(PROFILE, BASE_VIDEOS, [], now=NOW)


# --- reach ---------------------------------------------------------------------------------------


def test_reach_copies_profile_counts_and_tiers_by_followers(base: AuthorMetrics) -> None:
    assert base.reach.followers == 50_000
    assert base.reach.likes_total == 1_000_000
    assert base.reach.tier == "micro"  # 10k <= 50k < 100k


@pytest.mark.parametrize(
    ("followers", "tier"),
    [
        (None, None),
        (0, "nano"),
        (9_999, "nano"),
        (10_000, "micro"),
        (99_999, "micro"),
        (100_000, "mid"),
        (499_999, "mid"),
        (500_000, "macro"),
        (999_999, "macro"),
        (1_000_000, "mega"),
        (250_000_000, "mega"),
    ],
)
def test_tier_for_followers_uses_lower_inclusive_bounds(followers: int | None, tier: str) -> None:
    assert tier_for_followers(followers) == tier


# --- performance and engagement ------------------------------------------------------------------


def test_performance_means_and_medians_over_window(base: AuthorMetrics) -> None:
    p = base.performance
    assert base.status == STATUS_OK
    assert base.window.videos_analysed == 6
    assert p.mean_views == 5166.7  # 31000 / 6 = 5166.67
    assert p.median_views == 2500.0  # sorted 1000 1000 [2000 3000] 4000 20000 -> 2500
    assert p.mean_likes == 658.3  # 3950 / 6
    assert p.median_likes == 195.0  # sorted 60 100 [150 240] 400 3000 -> 195
    assert p.mean_comments == 68.3  # 410 / 6
    assert p.median_comments == 25.0  # sorted 10 10 [20 30] 40 300 -> 25
    assert p.mean_shares == 96.7  # 580 / 6
    assert p.median_shares == 12.5  # sorted 5 10 [10 15] 40 500 -> 12.5
    assert p.mean_saves == 48.3  # 290 / 6
    assert p.median_saves == 17.5  # sorted 5 10 [15 20] 40 200 -> 17.5


def test_engagement_rates_follow_their_formulas(base: AuthorMetrics) -> None:
    e = base.engagement
    # per-video ER sorted .09 .10 [.10 .12] .13 .20 -> median .11
    assert e.engagement_rate_by_views == 0.11
    # interactions 120+200+520+90+4000+300 = 5230, mean 871.67; / 50000 followers = 0.017433
    assert e.mean_interactions_per_video == 871.7
    assert e.engagement_rate_by_followers == 0.0174
    # likes/views .10 .075 .10 .06 .15 .08 -> sorted .06 .075 [.08 .10] .10 .15 -> .09
    assert e.like_rate_by_views == 0.09
    # comments/views .01 .01 .01 .01 .015 .01 -> .01
    assert e.comment_rate_by_views == 0.01
    # shares/views .005 .005 .01 .01 .025 .005 -> sorted .005 .005 [.005 .01] .01 .025 -> .0075
    assert e.share_rate_by_views == 0.0075
    # saves/views .005 .01 .01 .01 .01 .005 -> sorted .005 .005 [.01 .01] .01 .01 -> .01
    assert e.save_rate_by_views == 0.01
    assert e.views_to_followers == 0.05  # median views 2500 / 50000


def test_engagement_counts_missing_saves_as_zero_and_says_so() -> None:
    # likes 80 + comments 10 + shares 10 + saves unknown = 100 over 1000 views -> 0.10
    videos = [video("a", 1, 1000, 80, 10, 10, None), video("b", 2, 1000, 80, 10, 10, None)]
    metrics = analyze_author(PROFILE, videos, [], now=NOW)
    assert metrics.engagement.engagement_rate_by_views == 0.1
    assert metrics.engagement.save_rate_by_views is None
    assert metrics.performance.mean_saves is None
    assert "Saves not reported for 2 of 2 videos: they count as 0 in interactions." in (
        metrics.notes
    )


# --- cadence and virality ------------------------------------------------------------------------


def test_cadence_regular_posting(base: AuthorMetrics) -> None:
    c = base.cadence
    # the feed holds only these six, so the span starts at the oldest (11 days ago):
    # (6 - 1) videos / (11 / 7) weeks = 3.18
    assert base.window.window_start_basis == "oldest_video"
    assert c.videos_per_week == 3.18
    assert c.median_gap_days == 2.0  # every gap is 2 days
    assert c.gap_cv == 0.0  # std 0 / mean 2
    assert c.regularity == 1.0  # 1 / (1 + 0)


def test_cadence_irregular_posting() -> None:
    videos = [video("a", 1), video("b", 2), video("c", 3), video("d", 20)]
    c = analyze_author(PROFILE, videos, [], now=NOW).cadence
    # gaps oldest first: 17, 1, 1 -> mean 6.3333; deviations 10.667 -5.333 -5.333
    # variance (113.78 + 28.44 + 28.44) / 3 = 56.889, std 7.5425; CV 7.5425 / 6.3333 = 1.191
    assert c.gap_cv == 1.191
    assert c.regularity == 0.456  # 1 / (1 + 1.1909) = 0.4564
    assert c.median_gap_days == 1.0  # sorted 1 [1] 17
    assert c.videos_per_week == 1.05  # (4 - 1) / (20 / 7)


def test_cadence_rate_counts_from_day_cutoff_when_feed_reaches_past_it() -> None:
    videos = [video("a", 10), video("b", 40), video("old", 100)]
    metrics = analyze_author(PROFILE, videos, [], now=NOW)
    assert metrics.window.videos_analysed == 2  # "old" is outside the 90 days
    assert metrics.window.window_start_basis == "day_limit"
    assert metrics.cadence.videos_per_week == 0.16  # 2 / (90 / 7) = 0.1556


def test_cadence_viral_hits_over_three_times_median(base: AuthorMetrics) -> None:
    c = base.cadence
    assert c.viral_threshold_views == 7500.0  # 3 x median 2500
    assert c.viral_hits == 1  # only v5 (20000 > 7500)
    assert c.viral_hit_share == 0.1667  # 1 / 6


def test_cadence_no_viral_hit_exactly_at_threshold() -> None:
    # median of 100 100 300 = 100, threshold 300: 300 is not "over" it
    videos = [video("a", 1, 100), video("b", 2, 100), video("c", 3, 300)]
    c = analyze_author(PROFILE, videos, [], now=NOW).cadence
    assert (c.viral_hits, c.viral_hit_share) == (0, 0.0)


def test_cadence_views_trend_is_log_slope_per_week() -> None:
    # ln(1 + views) = ln 100, ln 200, ln 400 one week apart: slope ln 2 = 0.6931, +100 % a week
    videos = [video("a", 14, 99), video("b", 7, 199), video("c", 0, 399)]
    c = analyze_author(PROFILE, videos, [], now=NOW).cadence
    assert c.views_trend_log_slope_per_week == 0.6931
    assert c.views_trend_pct_per_week == 100.0


def test_cadence_trend_needs_three_videos() -> None:
    c = analyze_author(PROFILE, [video("a", 1), video("b", 2)], [], now=NOW).cadence
    assert c.views_trend_log_slope_per_week is None
    assert c.gap_cv is None  # one gap has no spread


# --- window --------------------------------------------------------------------------------------


def test_window_takes_latest_videos_within_days() -> None:
    videos = [video(f"d{day}", day + 0.5) for day in range(40)]  # one a day, 0.5 ... 39.5 days
    metrics = analyze_author(PROFILE, videos, [], now=NOW)
    assert metrics.window.videos_analysed == 30  # the video limit binds before 90 days
    assert metrics.window.window_start == NOW - timedelta(days=29.5)  # the 30th newest
    short = analyze_author(PROFILE, videos, [], now=NOW, window_videos=None, window_days=10)
    assert short.window.videos_analysed == 10  # 0.5 ... 9.5 days ago
    # all 40 with no limit at all: span from the oldest, (40 - 1) / (39.5 / 7) = 6.91
    everything = analyze_author(PROFILE, videos, [], now=NOW, window_videos=None, window_days=None)
    assert everything.window.videos_analysed == 40
    assert everything.cadence.videos_per_week == 6.91


def test_window_counts_a_rescraped_video_once_with_its_latest_stats() -> None:
    videos = [video("a", 1, 100), video("b", 2, 100), video("a", 1, 500)]
    metrics = analyze_author(PROFILE, videos, [], now=NOW)
    assert metrics.window.videos_analysed == 2
    assert metrics.performance.mean_views == 300.0  # (500 + 100) / 2


def test_analyze_author_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        analyze_author(PROFILE, [], [], now=datetime(2024, 3, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        VideoInput(external_id="x", posted_at=datetime(2024, 3, 1))


# --- edge cases: statuses ------------------------------------------------------------------------


def test_analyze_author_without_videos_says_so() -> None:
    metrics = analyze_author(PROFILE, [], [], now=NOW)
    assert metrics.status == STATUS_NO_VIDEOS
    assert "No videos to analyse: per-video figures are empty." in metrics.notes
    assert metrics.performance.median_views is None
    assert metrics.engagement.engagement_rate_by_views is None
    assert metrics.engagement.engagement_rate_by_followers is None
    assert metrics.cadence.videos_per_week is None  # unknown, not "posts nothing"
    assert metrics.music.original_sound_share is None
    assert metrics.content_profile.tempo_bpm is None
    json.dumps(metrics.to_dict())


def test_analyze_author_private_account() -> None:
    profile = ProfileInput(followers=12_000, following=10, likes_total=300, is_private=True)
    metrics = analyze_author(profile, [], [], now=NOW)
    assert metrics.status == STATUS_PRIVATE
    assert metrics.to_dict()["status_label"] == "private account"
    assert metrics.reach.tier == "micro"  # profile counts stay visible
    assert metrics.engagement.engagement_rate_by_views is None


def test_analyze_author_zero_views() -> None:
    videos = [video("a", 1, 0), video("b", 2, 0), video("c", 3, 0)]
    metrics = analyze_author(PROFILE, videos, [], now=NOW)
    assert metrics.status == STATUS_NO_VIEWS
    assert metrics.to_dict()["status_label"] == "no views yet"
    assert metrics.engagement.engagement_rate_by_views is None  # x / 0 views is undefined
    assert metrics.engagement.like_rate_by_views is None
    assert metrics.performance.median_views == 0.0
    assert metrics.cadence.viral_threshold_views is None  # 3 x median 0 would make any view viral
    assert metrics.cadence.viral_hit_share is None
    assert metrics.engagement.views_to_followers == 0.0  # 0 views / 50000 followers


def test_analyze_author_zero_followers() -> None:
    profile = ProfileInput(followers=0, following=0, likes_total=0, video_count=6)
    metrics = analyze_author(profile, BASE_VIDEOS, [], now=NOW)
    assert metrics.reach.tier == "nano"
    assert metrics.engagement.engagement_rate_by_followers is None  # 871.7 / 0
    assert metrics.engagement.views_to_followers is None
    assert metrics.engagement.engagement_rate_by_views == 0.11  # views-based figures unaffected
    assert "No followers: follower-based ratios are undefined." in metrics.notes


def test_analyze_author_without_recent_videos_posts_zero_a_week() -> None:
    metrics = analyze_author(PROFILE, [video("a", 120), video("b", 150)], [], now=NOW)
    assert metrics.status == STATUS_NO_RECENT_VIDEOS
    assert metrics.window.videos_analysed == 0
    assert metrics.cadence.videos_per_week == 0.0  # the feed reaches back: nothing in 90 days
    assert metrics.performance.mean_views is None


# --- growth --------------------------------------------------------------------------------------


def test_growth_absent_with_one_snapshot() -> None:
    snapshot = SnapshotInput(taken_at=NOW, followers=50_000, likes_total=1_000_000)
    g = analyze_author(PROFILE, BASE_VIDEOS, [snapshot], now=NOW).growth
    assert g.snapshot_count == 1
    assert g.followers_gained is None  # None, not 0: one snapshot says nothing about growth
    assert g.followers_gained_per_day is None
    assert g.followers_growth_pct is None
    assert g.likes_gained_per_day is None


def test_growth_between_first_and_last_snapshot() -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    snapshots = [
        SnapshotInput(start + timedelta(days=30), followers=43_000, likes_total=890_000),
        SnapshotInput(start + timedelta(days=10), followers=39_000, likes_total=None),
        SnapshotInput(start, followers=40_000, likes_total=800_000),
    ]
    g = analyze_author(PROFILE, BASE_VIDEOS, snapshots, now=NOW).growth
    assert g.snapshot_count == 3
    assert g.growth_span_days == 30.0  # Jan 1 -> Jan 31; the middle snapshot does not matter
    assert g.followers_gained == 3_000  # 43000 - 40000
    assert g.followers_gained_per_day == 100.0  # 3000 / 30
    assert g.followers_growth_pct == 7.5  # 3000 / 40000 x 100
    assert g.likes_gained == 90_000  # 890000 - 800000
    assert g.likes_gained_per_day == 3000.0  # 90000 / 30
    assert g.likes_growth_pct == 11.25  # 90000 / 800000 x 100


def test_growth_from_zero_followers_has_no_percentage() -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    snapshots = [
        SnapshotInput(start, followers=0),
        SnapshotInput(start + timedelta(days=4), followers=200),
    ]
    g = analyze_author(PROFILE, [], snapshots, now=NOW).growth
    assert g.followers_gained_per_day == 50.0  # 200 / 4
    assert g.followers_growth_pct is None  # 200 / 0
    assert g.likes_gained is None  # no snapshot carried likes


# --- content signals -----------------------------------------------------------------------------


def test_top_hashtags_leave_out_reach_tags(base: AuthorMetrics) -> None:
    top = [(h.tag, h.videos, h.share) for h in base.content.top_hashtags]
    # dance: v1 (once, though tagged twice), v2, v5 -> 3 / 6 videos; tutorial: v2, v3 -> 2 / 6
    assert top == [("dance", 3, 0.5), ("tutorial", 2, 0.3333), ("ballet", 1, 0.1667)]
    # a reach tag on v1 (#fyp), v2 (fypシ), v3 (foryourpage, viralvideo), v4 (trend, fyp゚): 4 / 6
    assert base.content.reach_tag_video_share == 0.6667


@pytest.mark.parametrize(
    "tag",
    ["fyp", "#FYP", "fyp゚", "fypシ", "ｆｙｐ", "fyppp", "foryou", "ForYouPage", "foryourpage",
     "viral", "viralvideo", "trend", "trending", "xyzbca", "parati", "fypviral", "for you"],
)  # fmt: skip
def test_is_reach_tag_catches_variants(tag: str) -> None:
    assert is_reach_tag(tag)


@pytest.mark.parametrize(
    "tag", ["dance", "harrystyles", "trendsetter", "vital", "tiktokmademebuyit"]
)
def test_is_reach_tag_keeps_real_topics(tag: str) -> None:
    assert not is_reach_tag(tag)


def test_top_categories_weight_by_confidence(base: AuthorMetrics) -> None:
    rows = [(c.category, c.videos, c.share, c.mean_confidence) for c in base.content.top_categories]
    # dance 0.9 + 0.8 + 0.7 = 2.4 (3 videos), comedy 0.6 + 0.4 = 1.0 (2 videos); total 3.4
    assert rows == [("dance", 3, 0.7059, 0.8), ("comedy", 2, 0.2941, 0.5)]
    assert base.content.videos_with_category == 5


# --- music habits --------------------------------------------------------------------------------


def test_music_original_share_and_top_catalogue_tracks(base: AuthorMetrics) -> None:
    m = base.music
    assert m.videos_with_music == 5  # v6 has no sound
    assert m.original_sound_share == 0.2  # v3 only: 1 / 5
    assert m.catalogue_share == 0.8
    assert [(t.music_id, t.videos) for t in m.top_tracks] == [("m1", 2), ("m2", 1), ("m3", 1)]
    # "Artist X" on v1, v2 and v4 ("artist x"); original sounds are not artists
    assert [(a.artist, a.videos) for a in m.top_artists] == [("Artist X", 3), ("Artist Y", 1)]


def _lift_videos() -> list[VideoInput]:
    """Eight videos of 1000 views whose ER is likes / 1000, with the music they used."""
    upbeat = Descriptor(tempo_bpm=125, genres={"pop": 1}, moods={"happy": 0.7, "energetic": 0.3})
    slow = Descriptor(tempo_bpm=80, genres={"pop": 1}, moods={"sad": 0.6, "calm": 0.4})
    fast = Descriptor(tempo_bpm=150, genres={"electronic": 1}, moods={"energetic": 1})
    rows = [(100, upbeat), (120, upbeat), (140, upbeat), (50, slow), (60, slow), (70, slow),
            (80, slow), (300, fast)]  # fmt: skip
    return [
        video(f"l{i}", i + 1, 1000, likes, music_descriptor=descriptor)
        for i, (likes, descriptor) in enumerate(rows)
    ]


def test_music_attribute_lift_against_overall_median() -> None:
    lift = analyze_author(PROFILE, _lift_videos(), [], now=NOW).music.attribute_lift
    rows = {(r.attribute, r.value): (r.videos, r.median_engagement_rate, r.lift) for r in lift}
    # overall ER sorted .05 .06 .07 [.08 .10] .12 .14 .30 -> median .09
    assert rows[("tempo_band", "upbeat")] == (3, 0.12, 1.3333)  # median .10 .12 .14; .12 / .09
    assert rows[("tempo_band", "slow")] == (4, 0.065, 0.7222)  # median of .05-.08; .065 / .09
    assert rows[("mood", "happy")] == (3, 0.12, 1.3333)  # the same videos as upbeat
    assert rows[("mood", "sad")] == (4, 0.065, 0.7222)
    assert rows[("genre", "pop")] == (7, 0.08, 0.8889)  # .05 .06 .07 [.08] .10 .12 .14; .08/.09
    # best first within an attribute
    assert [r.value for r in lift if r.attribute == "tempo_band"] == ["upbeat", "slow", "fast"]


def test_music_attribute_lift_claims_nothing_from_fewer_than_three_videos() -> None:
    lift = analyze_author(PROFILE, _lift_videos(), [], now=NOW).music.attribute_lift
    fast = next(r for r in lift if (r.attribute, r.value) == ("tempo_band", "fast"))
    assert (fast.videos, fast.median_engagement_rate, fast.lift) == (1, None, None)
    assert fast.note == "fewer than 3 videos"
    electronic = next(r for r in lift if (r.attribute, r.value) == ("genre", "electronic"))
    assert electronic.lift is None


def test_music_mixes_average_each_video_once() -> None:
    m = analyze_author(PROFILE, _lift_videos(), [], now=NOW).music
    assert m.videos_with_music_descriptor == 8
    assert m.genre_mix == {"pop": 0.875, "electronic": 0.125}  # 7 / 8 and 1 / 8
    assert m.tempo_band_mix == {"upbeat": 0.375, "slow": 0.5, "fast": 0.125}  # 3, 4, 1 of 8
    # happy 3 x .7 = 2.1, energetic 3 x .3 + 1 = 1.9, sad 4 x .6 = 2.4, calm 4 x .4 = 1.6; / 8
    assert m.mood_mix == {"happy": 0.2625, "energetic": 0.2375, "sad": 0.3, "calm": 0.2}


# --- content profile -----------------------------------------------------------------------------


def test_content_profile_tempo_is_octave_aware() -> None:
    videos = [
        video("a", 1, 1000, 100, music_descriptor=Descriptor(tempo_bpm=70)),
        video("b", 2, 1000, 100, music_descriptor=Descriptor(tempo_bpm=140)),
    ]
    profile = content_profile(videos)
    # 70 and 140 are one point on the octave circle; of 70 and 140 the nearer to 120 is 140.
    # A plain log mean would say sqrt(70 x 140) = 99 BPM, a tempo neither video has.
    assert profile.tempo_bpm == 140.0
    assert profile.consistency["tempo_bpm"] == 1.0


def test_blend_tempo_half_an_octave_apart_is_inconsistent() -> None:
    # 100 and 100 x sqrt 2 sit opposite on the octave circle: mean resultant length 0
    _, consistency = blend_tempo([100.0, 100.0 * math.sqrt(2)], [1.0, 1.0])
    assert consistency == pytest.approx(0.0, abs=1e-9)


def test_blend_tempo_close_tempi_average_in_log_space() -> None:
    # 100 and 121 BPM: circular mean of log2 equals the log mean, sqrt(100 x 121) = 110
    tempo, consistency = blend_tempo([100.0, 121.0], [1.0, 1.0])
    assert tempo == pytest.approx(110.0, abs=0.01)
    # half the angle between them: pi x log2(1.21) = 0.8642 rad; R = cos(0.8642) = 0.6493
    assert consistency == pytest.approx(math.cos(math.pi * math.log2(1.21)), abs=1e-9)


def test_content_profile_weights_videos_by_engagement() -> None:
    videos = [
        video("a", 1, 1000, 100, music_descriptor=Descriptor(energy=0.2)),  # ER .10
        video("b", 2, 1000, 300, music_descriptor=Descriptor(energy=0.6)),  # ER .30
    ]
    profile = content_profile(videos)
    # median ER .20 -> weights .5 and 1.5; energy (.5 x .2 + 1.5 x .6) / 2 = 0.5
    assert profile.energy == 0.5
    # variance (.5 x .3^2 + 1.5 x .1^2) / 2 = .03, std .1732; consistency 1 - 2 x .1732 = .654
    assert profile.consistency["energy"] == 0.654


def test_content_profile_blends_content_and_music_half_each() -> None:
    def both(external_id: str, days: int, with_music: bool) -> VideoInput:
        music = Descriptor(energy=0.8) if with_music else None
        return video(external_id, days, 1000, 100, content=Descriptor(energy=0.2),
                     music_descriptor=music)  # fmt: skip

    profile = content_profile([both("a", 1, True), both("b", 2, False), both("c", 3, False)])
    # three content analyses at .2 share one half, one music descriptor at .8 the other: .5
    assert profile.energy == 0.5
    assert (profile.content_analyses, profile.music_descriptors, profile.profile_videos) == (
        3,
        1,
        3,
    )


def test_content_profile_weight_dict_consistency() -> None:
    split = [
        video("a", 1, 1000, 100, music_descriptor=Descriptor(genres={"pop": 1.0})),
        video("b", 2, 1000, 100, music_descriptor=Descriptor(genres={"rock": 2.0})),
    ]
    profile = content_profile(split)
    assert profile.genres == {"pop": 0.5, "rock": 0.5}
    # JSD = H(.5, .5) - 0 = ln 2; exp(-ln 2) = 0.5: two disjoint mixes
    assert profile.consistency["genres"] == 0.5
    same = [
        video("a", 1, 1000, 100, music_descriptor=Descriptor(genres={"pop": 0.5, "rock": 0.5})),
        video("b", 2, 1000, 300, music_descriptor=Descriptor(genres={"pop": 0.5, "rock": 0.5})),
    ]
    assert content_profile(same).consistency["genres"] == 1.0  # JSD 0: every video agrees


def test_content_profile_turns_into_descriptor() -> None:
    videos = [
        video("a", 1, 1000, 100, content=Descriptor(tempo_bpm=120, energy=0.7, valence=0.6,
              arousal=0.8, danceability=0.9, genres={"pop": 1}, moods={"happy": 1})),
    ]  # fmt: skip
    descriptor = content_profile(videos).to_descriptor()
    assert descriptor == Descriptor(
        tempo_bpm=120.0, energy=0.7, valence=0.6, arousal=0.8, danceability=0.9,
        genres={"pop": 1.0}, moods={"happy": 1.0},
    )  # fmt: skip
    # one observation has no spread to judge
    assert content_profile(videos).consistency["energy"] is None


# --- output contract -----------------------------------------------------------------------------


def _leaf_keys(value: object, into: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            into.add(key)
            if not isinstance(item, list):
                _leaf_keys(item, into)
    return into


def test_to_dict_is_json_ready_and_every_formula_names_a_field(base: AuthorMetrics) -> None:
    data = base.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["analysis_version"] == ANALYSIS_VERSION
    keys = _leaf_keys(data, set())
    assert set(METRIC_FORMULAS) <= keys
    for group in ("performance", "engagement", "cadence", "growth"):
        assert set(data[group]) <= set(METRIC_FORMULAS), group


# --- the real sample: tiktok-scraper feed through musicrec.platforms.tiktok -----------------------


def _sample_inputs(items: list[dict[str, Any]]) -> tuple[ProfileInput, list[VideoInput], datetime]:
    """The sample through the real parser, turned into analysis inputs as the services do."""
    scrape = parse_scrape(items, source_name=SAMPLE.name)
    assert scrape.scraped_at is not None
    profile, videos = pure_inputs(scrape)
    return profile, videos, scrape.scraped_at


def _stringified(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same feed with every count as a string ("1,200" style for the large ones)."""
    count_keys = ("playCount", "diggCount", "commentCount", "shareCount", "createTime")
    return [
        {
            k: (f"{v:,}" if k != "createTime" else str(v)) if k in count_keys else v
            for k, v in item.items()
        }
        for item in items
    ]


def test_analyze_author_on_real_tiktok_scraper_feed() -> None:
    items = json.loads(SAMPLE.read_text())
    profile, videos, scraped_at = _sample_inputs(items)
    assert scraped_at == datetime.fromtimestamp(1_609_948_309.033, tz=UTC)  # file name, in ms
    assert len(videos) == 65
    metrics = analyze_author(profile, videos, [], now=scraped_at)

    # independently: the 30 newest items posted within 90 days of the scrape
    cutoff = scraped_at.timestamp() - 90 * 86_400
    window = sorted(
        (i for i in items if i["createTime"] >= cutoff), key=lambda i: -i["createTime"]
    )[:30]
    assert metrics.window.videos_analysed == len(window) == 30
    assert metrics.performance.median_views == statistics.median(i["playCount"] for i in window)
    er = statistics.median(
        (i["diggCount"] + i["commentCount"] + i["shareCount"]) / i["playCount"] for i in window
    )
    assert metrics.engagement.engagement_rate_by_views == round(er, 4)
    assert metrics.reach.tier == "mid"  # 398,700 followers
    original = sum(1 for i in window if i["musicMeta"]["musicOriginal"])
    assert metrics.music.original_sound_share == round(original / 30, 4)
    assert "fyp" not in {h.tag for h in metrics.content.top_hashtags}
    assert any("fyp" in [t["name"] for t in i["hashtags"]] for i in window)  # it was there

    # the same feed with string counts, as older tiktok-scraper rows had them: same analysis
    profile_s, videos_s, _ = _sample_inputs(_stringified(items))
    assert analyze_author(profile_s, videos_s, [], now=scraped_at).to_dict() == metrics.to_dict()
