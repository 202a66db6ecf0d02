"""The stored profile analysis equals the pure analysis of the same data, edge cases included.

The pure metrics are checked against hand-worked figures in test_analysis.py; here the question
is whether the service feeds them the right rows (latest counts, snapshots, primary sound,
features, content analysis, ads left out) and stores what they return.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from authors import services
from authors.analysis import (
    ANALYSIS_VERSION,
    MusicKey,
    ProfileInput,
    SnapshotInput,
    VideoInput,
    analyze_author,
)
from authors.models import Author, AuthorAnalysis
from authors.tests.factories import AuthorFactory, AuthorSnapshotFactory, AuthorSourceFactory
from authors.tests.scrape_inputs import pure_inputs
from authors.tests.scrape_rows import store_scrape, store_with_ingest
from music.tests.factories import MusicFactory, MusicFeaturesFactory, MusicSourceFactory
from musicrec.core.descriptors import Descriptor, Label
from musicrec.core.models import AnalysisStatus
from musicrec.platforms.tiktok import parse_scrape
from videos.tests.factories import (
    VideoContentAnalysisFactory,
    VideoFactory,
    VideoMusicFactory,
    VideoSourceFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "musicrec/platforms/tests/fixtures/samples/thebigbradwolf_1609948309033.json"
DEMO = ROOT / "sample_data/demo/scrapes"
NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
WINDOW = {"window_videos": 30, "window_days": 90}  # settings.AUTHOR_WINDOW_* in the test run


def stringified(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The feed with its counts as strings ("1,200" for the large ones), as older rows had them."""
    keys = ("playCount", "diggCount", "commentCount", "shareCount")
    return [{k: f"{v:,}" if k in keys else v for k, v in item.items()} for item in items]


def assert_columns_match(analysis: AuthorAnalysis, expected: dict[str, Any]) -> None:
    assert analysis.followers == expected["reach"]["followers"]
    assert analysis.tier == (expected["reach"]["tier"] or "")
    assert analysis.videos_analysed == expected["window"]["videos_analysed"]
    assert analysis.median_views == expected["performance"]["median_views"]
    for name in ("engagement_rate_by_views", "engagement_rate_by_followers"):
        assert getattr(analysis, name) == expected["engagement"][name]
    assert analysis.videos_per_week == expected["cadence"]["videos_per_week"]
    assert analysis.viral_hit_share == expected["cadence"]["viral_hit_share"]
    assert analysis.followers_gained_per_day == expected["growth"]["followers_gained_per_day"]
    assert analysis.original_sound_share == expected["music"]["original_sound_share"]
    for name in ("tempo_bpm", "energy", "valence", "arousal", "danceability"):
        assert getattr(analysis, f"profile_{name}") == expected["content_profile"][name]


# --- real samples -----------------------------------------------------------------------------


STORES = pytest.mark.parametrize("store", [store_scrape, store_with_ingest], ids=["rows", "ingest"])


@STORES
@pytest.mark.parametrize("as_strings", [False, True], ids=["int counts", "string counts"])
def test_author_analyze_stores_the_pure_result_for_a_real_feed(as_strings: bool, store) -> None:
    items = json.loads(SAMPLE.read_text())
    result = parse_scrape(stringified(items) if as_strings else items, source_name=SAMPLE.name)
    scraped_at = result.scraped_at
    assert scraped_at is not None
    author = store(result, scraped_at=scraped_at)

    analysis = services.author_analyze(author_id=author.pk, now=scraped_at)

    # the expectation always comes from the int-count records: string counts must parse the same
    clean = parse_scrape(items, source_name=SAMPLE.name)
    profile, videos = pure_inputs(clean)
    snapshot = SnapshotInput(scraped_at, profile.followers, profile.likes_total)
    expected = analyze_author(profile, videos, [snapshot], now=scraped_at, **WINDOW).to_dict()
    assert analysis.metrics == expected
    assert_columns_match(analysis, expected)
    assert analysis.status == AnalysisStatus.OK
    assert analysis.version == ANALYSIS_VERSION
    assert analysis.analyzed_at == scraped_at
    assert analysis.videos_analysed == 30
    assert analysis.tier == "mid"  # 398,700 followers
    assert analysis.notes == expected["notes"]  # nothing left out
    assert "Growth needs at least two stat snapshots." in analysis.notes


@STORES
def test_author_analyze_two_demo_scrapes_give_growth_and_keep_the_pinned_post(store) -> None:
    results = [
        parse_scrape(json.loads((DEMO / day / "lunamoves.json").read_text()))
        for day in ("2026-11-10", "2026-11-24")
    ]
    for result in results:
        assert result.scraped_at is not None
        author = store(result, scraped_at=result.scraped_at)
    latest = results[-1]
    now = latest.scraped_at
    assert now is not None

    analysis = services.author_analyze(author_id=author.pk, now=now)

    profile, videos = pure_inputs(latest)
    # the first scrape's videos are all in the second (same ids), with older counts
    snapshots = [
        SnapshotInput(r.scraped_at, r.main_author().followers, r.main_author().likes_total)
        for r in results
    ]
    expected = analyze_author(profile, videos, snapshots, now=now, **WINDOW).to_dict()
    assert analysis.metrics == expected
    assert_columns_match(analysis, expected)
    first, last = (r.main_author().followers for r in results)
    assert analysis.metrics["growth"]["followers_gained"] == last - first
    assert analysis.followers_gained_per_day == round((last - first) / 14, 1)

    pinned = [v for v in latest.videos if v.is_pinned]
    assert pinned  # the demo pins an older hit: it counts by date like any other post
    assert all(p.external_id in {v.external_id for v in videos} for p in pinned)


# --- edge cases -------------------------------------------------------------------------------


def creator(**account: Any) -> Author:
    values = {"followers": 20_000, "likes_total": 500_000, "last_scraped_at": NOW, **account}
    return AuthorSourceFactory(**values).author


def post(
    author: Author,
    days_ago: float,
    views: int | None = 1_000,
    *,
    now: datetime = NOW,
    **values: Any,
):
    video = VideoFactory(author=author, posted_at=now - timedelta(days=days_ago), hashtags=[])
    VideoSourceFactory(video=video, views=views, **values)
    return video


def test_author_analyze_without_videos_is_empty_not_an_error() -> None:
    author = creator()
    analysis = services.author_analyze(author_id=author.pk, now=NOW)
    assert analysis.status == AnalysisStatus.EMPTY
    assert analysis.metrics["status"] == "no_videos"
    assert analysis.videos_analysed == 0
    assert analysis.engagement_rate_by_views is None
    assert analysis.videos_per_week is None
    assert analysis.followers == 20_000 and analysis.tier == "micro"
    assert "No videos to analyse: per-video figures are empty." in analysis.notes


def test_author_analyze_zero_views_is_partial_with_empty_rates() -> None:
    author = creator()
    for days in (1, 2, 3):
        post(author, days, views=0, likes=0, comments=0, shares=0, saves=0)
    analysis = services.author_analyze(author_id=author.pk, now=NOW)
    assert analysis.status == AnalysisStatus.PARTIAL
    assert analysis.metrics["status"] == "no_views"
    assert analysis.engagement_rate_by_views is None
    assert analysis.median_views == 0.0
    assert analysis.viral_hit_share is None
    assert "No views yet on the analysed videos: view-based rates are empty." in analysis.notes


def test_author_analyze_private_account_is_empty() -> None:
    author = creator(is_private=True)
    analysis = services.author_analyze(author_id=author.pk, now=NOW)
    assert analysis.status == AnalysisStatus.EMPTY
    assert analysis.metrics["status"] == "private_account"
    assert analysis.notes[0].startswith("Private account")


def test_author_analyze_without_recent_videos_is_partial() -> None:
    author = creator()
    post(author, 200)
    analysis = services.author_analyze(author_id=author.pk, now=NOW)
    assert analysis.status == AnalysisStatus.PARTIAL
    assert analysis.metrics["status"] == "no_recent_videos"
    assert analysis.videos_per_week == 0.0


def test_author_analyze_one_snapshot_has_no_growth() -> None:
    author = creator()
    AuthorSnapshotFactory(source=author.sources.get(), taken_at=NOW - timedelta(days=3))
    post(author, 1)
    analysis = services.author_analyze(author_id=author.pk, now=NOW)
    assert analysis.metrics["growth"]["snapshot_count"] == 1
    assert analysis.metrics["growth"]["followers_gained"] is None
    assert analysis.followers_gained_per_day is None


def test_author_analyze_growth_from_account_snapshots() -> None:
    author = creator(followers=13_000)
    account = author.sources.get()
    AuthorSnapshotFactory(source=account, taken_at=NOW - timedelta(days=10), followers=10_000)
    AuthorSnapshotFactory(source=account, taken_at=NOW, followers=13_000)
    analysis = services.author_analyze(author_id=author.pk, now=NOW)
    assert analysis.metrics["growth"]["followers_gained"] == 3_000
    assert analysis.followers_gained_per_day == 300.0  # 3,000 over 10 days
    assert analysis.metrics["growth"]["followers_growth_pct"] == 30.0


def test_author_analyze_leaves_ads_out() -> None:
    author = creator()
    post(author, 1, views=1_000, likes=100, comments=0, shares=0, saves=0)
    post(author, 2, views=3_000, likes=300, comments=0, shares=0, saves=0)
    post(author, 3, views=900_000, likes=1, comments=0, shares=0, saves=0, is_ad=True)
    analysis = services.author_analyze(author_id=author.pk, now=NOW)
    assert analysis.videos_analysed == 2
    assert analysis.median_views == 2_000.0  # median of 1,000 and 3,000; the ad's 900k is out
    assert analysis.engagement_rate_by_views == 0.1
    assert "1 ad left out: paid reach is not organic." in analysis.notes
    assert "1 ad left out: paid reach is not organic." not in analysis.metrics["notes"]


def test_author_analyze_leaves_out_undated_and_non_tiktok_videos() -> None:
    author = creator()
    post(author, 1)
    undated = VideoFactory(author=author, posted_at=None)
    VideoSourceFactory(video=undated)
    youtube_only = VideoFactory(author=author, posted_at=NOW - timedelta(days=2))
    VideoSourceFactory(video=youtube_only, platform="youtube")
    analysis = services.author_analyze(author_id=author.pk, now=NOW)
    assert analysis.videos_analysed == 1
    assert "1 video without a posting date left out." in analysis.notes


def test_author_analyze_without_tiktok_account_says_so() -> None:
    author = AuthorFactory()
    analysis = services.author_analyze(author_id=author.pk, now=NOW)
    assert analysis.status == AnalysisStatus.EMPTY
    assert analysis.followers is None and analysis.tier == ""
    assert "No TikTok account linked: profile counts and growth are empty." in analysis.notes


def test_author_analyze_reads_the_most_recently_scraped_account() -> None:
    author = creator(followers=5_000, last_scraped_at=NOW - timedelta(days=30))
    AuthorSourceFactory(author=author, followers=250_000, last_scraped_at=NOW)
    analysis = services.author_analyze(author_id=author.pk, now=NOW)
    assert analysis.followers == 250_000 and analysis.tier == "mid"


def test_author_analyze_uses_primary_sound_features_and_content_analysis() -> None:
    author = creator()
    track = MusicSourceFactory(external_id="7001").music
    MusicFeaturesFactory(
        music=track, tempo_bpm=128.0, energy=0.8, valence=0.6, arousal=0.7, danceability=0.9,
        genres={"electronic": 1.0}, moods={"energetic": 0.7, "happy": 0.3},
    )  # fmt: skip
    broken = MusicFactory()
    MusicFeaturesFactory(music=broken, status=AnalysisStatus.FAILED, tempo_bpm=60.0)
    videos = [
        post(author, d, views=1_000, likes=100, comments=0, shares=0, saves=0) for d in (1, 2)
    ]
    for video in videos:
        VideoMusicFactory(video=video, music=track)
        VideoMusicFactory(video=video, music=broken, is_primary=False)  # a remix layered on top
    VideoContentAnalysisFactory(
        video=videos[0], category="dance", category_source="fused", category_confidence=0.9,
        tempo_bpm=124.0, energy=0.6, valence=0.5, arousal=0.6, danceability=None,
        detail={"moods": {"happy": 1.0}},
    )  # fmt: skip
    VideoContentAnalysisFactory(video=videos[1], status=AnalysisStatus.FAILED, category="comedy")

    analysis = services.author_analyze(author_id=author.pk, now=NOW)

    sound = Descriptor(
        128.0, 0.8, 0.6, 0.7, 0.9, {"electronic": 1.0}, {"energetic": 0.7, "happy": 0.3}
    )
    key = MusicKey("7001", track.title, track.artist_name, False)
    common = {"views": 1_000, "likes": 100, "comments": 0, "shares": 0, "saves": 0}
    expected_videos = [
        VideoInput(
            external_id=videos[0].sources.get().external_id,
            posted_at=videos[0].posted_at,
            music=key,
            music_descriptor=sound,
            content=Descriptor(124.0, 0.6, 0.5, 0.6, None, {}, {"happy": 1.0}),
            category=Label("dance", "fused", 0.9),
            **common,
        ),
        VideoInput(
            external_id=videos[1].sources.get().external_id,
            posted_at=videos[1].posted_at,
            music=key,
            music_descriptor=sound,
            **common,
        ),
    ]
    account = author.sources.get()
    profile = ProfileInput(
        followers=account.followers,
        following=account.following,
        likes_total=account.likes_total,
        video_count=account.video_count,
    )
    expected = analyze_author(profile, expected_videos, [], now=NOW, **WINDOW).to_dict()
    assert analysis.metrics == expected
    assert analysis.top_category == "dance"
    assert analysis.metrics["music"]["top_tracks"][0]["music_id"] == "7001"
    assert analysis.metrics["content_profile"]["content_analyses"] == 1
    assert analysis.metrics["content_profile"]["music_descriptors"] == 2
    assert_columns_match(analysis, expected)


def test_author_analyze_overwrites_the_one_row() -> None:
    author = creator()
    first = services.author_analyze(author_id=author.pk, now=NOW)
    post(author, 1)
    second = services.author_analyze(author_id=author.pk, now=NOW + timedelta(hours=1))
    assert first.pk == second.pk
    assert AuthorAnalysis.objects.filter(author=author).count() == 1
    assert second.videos_analysed == 1 and second.status == AnalysisStatus.OK


def test_author_analyze_follows_the_window_settings(settings) -> None:
    settings.AUTHOR_WINDOW_VIDEOS = 3
    author = creator()
    for days in range(1, 8):
        post(author, days)
    analysis = services.author_analyze(author_id=author.pk, now=NOW)
    assert analysis.videos_analysed == 3
    assert analysis.metrics["window"]["video_limit"] == 3


def test_author_analyze_unknown_author_raises() -> None:
    with pytest.raises(Author.DoesNotExist):
        services.author_analyze(author_id=987_654)


def _analysis_queries(videos: int) -> int:
    author = creator()
    AuthorSnapshotFactory(source=author.sources.get(), taken_at=NOW - timedelta(days=2))
    for index in range(videos):
        video = post(author, 1 + index)
        track = MusicSourceFactory().music
        MusicFeaturesFactory(music=track)
        VideoMusicFactory(video=video, music=track)
        VideoContentAnalysisFactory(video=video)
    with CaptureQueriesContext(connection) as queries:
        services.author_analyze(author_id=author.pk, now=NOW)
    return len(queries)


def test_author_analyze_query_count_does_not_grow_with_videos(django_assert_num_queries) -> None:
    assert _analysis_queries(5) == _analysis_queries(40)
    author = creator()
    for index in range(40):
        video = post(author, 1 + index)
        VideoMusicFactory(video=video)
    # Reads: author; TikTok account; its snapshots; videos + content analyses; their TikTok
    # posts; primary sound links + music + features; the sounds' TikTok ids. The first write
    # (update_or_create): savepoint, select for update, savepoint, insert, release, release.
    with django_assert_num_queries(13):
        services.author_analyze(author_id=author.pk, now=NOW)
    # Later writes: savepoint, select for update, update, release.
    with django_assert_num_queries(11):
        services.author_analyze(author_id=author.pk, now=NOW)


def test_author_analyze_many_goes_on_after_a_missing_author() -> None:
    author = creator()
    post(author, 1)
    seen: list[tuple[int, str]] = []
    summary = services.author_analyze_many(
        author_ids=[987_654, author.pk], progress=lambda p, m: seen.append((p, m)), now=NOW
    )
    assert (summary.done, summary.failed, summary.skipped) == (1, 0, 1)
    assert summary.problems == ["author 987654: no longer exists"]
    assert seen == [(50, "Analysed 1 of 2 profiles"), (100, "Analysed 2 of 2 profiles")]
    assert AuthorAnalysis.objects.filter(author=author).exists()


def test_author_analysis_enqueue_runs_after_commit(django_capture_on_commit_callbacks) -> None:
    author = creator()
    post(author, 1, now=timezone.now())  # the worker analyses as of the current time
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.author_analysis_enqueue(author_id=author.pk)
        assert not AuthorAnalysis.objects.filter(author=author).exists()  # not before commit
    assert len(callbacks) == 1
    assert AuthorAnalysis.objects.get(author=author).videos_analysed == 1


def test_author_analysis_job_enqueue_creates_a_job_the_worker_finishes(
    django_capture_on_commit_callbacks, user
) -> None:
    author = creator()
    post(author, 1)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.author_analysis_job_enqueue(author_ids=[author.pk], user=user)
    job.refresh_from_db()
    assert (job.kind, job.target_type, job.target_id) == (
        "author_analysis",
        "author",
        str(author.pk),
    )
    assert job.target_label == author.name and job.created_by == user
    assert job.status == "succeeded" and job.progress == 100
    assert job.counts == {"done": 1, "failed": 0, "skipped": 0}


def test_author_analyze_describes_the_creator_as_of_their_latest_scrape():
    from datetime import datetime, timedelta

    from authors.tests.factories import AuthorSnapshotFactory
    from videos.tests.factories import VideoSourceFactory

    scraped = datetime(2025, 1, 10, 12, tzinfo=UTC)
    snapshot = AuthorSnapshotFactory(taken_at=scraped, source__last_scraped_at=scraped)
    author = snapshot.source.author
    for days in (3, 10, 40):
        VideoSourceFactory(video__author=author, video__posted_at=scraped - timedelta(days=days))

    analysis = services.author_analyze(author_id=author.pk)

    # Long after the scrape, the 90-day window still ends at the scrape, not today.
    assert analysis.analyzed_at == scraped
    assert analysis.metrics["window"]["videos_analysed"] == 3
