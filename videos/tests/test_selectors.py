"""Video reads: the post rule, engagement, filters, and query counts (selectors and the batch)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from music.tests.factories import MusicFeaturesFactory
from musicrec.core.models import Platform
from videos import selectors
from videos.services import video_analyze_many
from videos.tests.factories import (
    VideoContentAnalysisFactory,
    VideoFactory,
    VideoMusicFactory,
    VideoSourceFactory,
)

pytestmark = pytest.mark.django_db


def make_videos(count: int) -> list:
    videos = []
    for index in range(count):
        video = VideoFactory(caption=f"love this pasta {index} 😍", hashtags=["food"])
        VideoSourceFactory(video=video, views=1_000 * (index + 1))
        VideoSourceFactory(video=video, platform=Platform.YOUTUBE, views=5)
        link = VideoMusicFactory(video=video)
        MusicFeaturesFactory(music=link.music)
        if index % 2:
            VideoContentAnalysisFactory(video=video)
        videos.append(video)
    return videos


def test_video_list_takes_the_counts_of_the_latest_tiktok_post() -> None:
    video = VideoFactory()
    now = timezone.now()
    VideoSourceFactory(video=video, views=10, last_scraped_at=now - timedelta(days=1))
    VideoSourceFactory(
        video=video, views=2_000, likes=150, comments=20, shares=10, saves=20, last_scraped_at=now
    )
    VideoSourceFactory(video=video, platform=Platform.YOUTUBE, views=99_999, last_scraped_at=now)
    row = selectors.video_list().get()
    assert (row.views, row.likes, row.last_scraped_at) == (2_000, 150, now)
    assert row.engagement == pytest.approx(200 / 2_000)


def test_video_list_engagement_is_unknown_without_views_or_counts() -> None:
    no_views = VideoFactory()
    VideoSourceFactory(video=no_views, views=0, likes=5)
    no_counts = VideoFactory()
    VideoSourceFactory(
        video=no_counts, views=500, likes=None, comments=None, shares=None, saves=None
    )
    partial = VideoFactory()
    VideoSourceFactory(video=partial, views=100, likes=10, comments=None, shares=None, saves=None)
    rows = {v.pk: v.engagement for v in selectors.video_list()}
    assert rows[no_views.pk] is None
    assert rows[no_counts.pk] is None
    assert rows[partial.pk] == pytest.approx(0.1)  # a missing count adds nothing


def test_video_list_selector_arguments() -> None:
    old = VideoFactory(posted_at=timezone.now() - timedelta(days=30))
    VideoContentAnalysisFactory(video=old, category="food", top_mood="happy")
    new = VideoFactory(author=old.author)
    VideoContentAnalysisFactory(video=new, category="dance", top_mood="energetic")
    other = VideoFactory()
    assert [v.pk for v in selectors.video_list()] == [other.pk, new.pk, old.pk]
    assert [v.pk for v in selectors.video_list(author_id=old.author_id)] == [new.pk, old.pk]
    assert [v.pk for v in selectors.video_list(category="food")] == [old.pk]
    assert [v.pk for v in selectors.video_list(mood="energetic")] == [new.pk]
    since = timezone.now() - timedelta(days=1)
    assert {v.pk for v in selectors.video_list(posted_after=since)} == {new.pk, other.pk}


@pytest.mark.parametrize("count", [3, 30])
def test_video_list_is_one_query(django_assert_num_queries, count: int) -> None:
    make_videos(count)
    # videos + author + analysis joins + the post subqueries, in one SELECT
    with django_assert_num_queries(1):
        rows = list(selectors.video_list())
        assert len(rows) == count
        assert [r.author.name for r in rows] and [r.views for r in rows]
        assert sum(hasattr(r, "content_analysis") for r in rows) == count // 2


@pytest.mark.parametrize("count", [3, 30])
def test_video_detail_list_is_three_queries(django_assert_num_queries, count: int) -> None:
    make_videos(count)
    # 1: videos + joins + annotations; 2: every video's posts; 3: sounds + tracks + features
    with django_assert_num_queries(3):
        rows = list(selectors.video_detail_list())
        assert all(len(v.sources.all()) == 2 for v in rows)
        assert all(v.music_links.all()[0].music.features.genre == "pop" for v in rows)


def test_video_get_unknown_is_none() -> None:
    assert selectors.video_get(123_456) is None


@pytest.mark.parametrize("count", [1, 3])
def test_video_analyze_many_costs_a_fixed_number_of_queries_per_video(
    django_assert_num_queries, settings, tmp_path, count: int
) -> None:
    settings.MEDIA_LOCAL_ROOTS = [tmp_path]
    videos = make_videos(count)
    # 3 for the batch: videos + stored analyses, their posts, their sounds + tracks + features;
    # then per video: the video-exists and one-analysis-per-video checks of full_clean, the save
    with django_assert_num_queries(3 + 3 * count):
        summary = video_analyze_many(video_ids=[v.pk for v in videos], analyze_authors=False)
    assert summary.done == count


NO_COUNTS = {name: None for name in ("views", "likes", "comments", "shares", "saves")}


def test_video_table_rows_show_the_list_figures_newest_first(django_assert_num_queries) -> None:
    videos = make_videos(3)
    author = videos[0].author
    for video in videos[1:]:
        video.author = author
        video.save()
    undated = VideoFactory(author=author, posted_at=None)
    VideoSourceFactory(video=undated, **NO_COUNTS)
    listed = {v.pk: v for v in selectors.video_list(author_id=author.pk)}
    with django_assert_num_queries(2):  # the videos (+ post figures, analysis), their sounds
        rows = list(selectors.video_table_rows(author_id=author.pk))
    assert [r.pk for r in rows] == [v.pk for v in selectors.video_list(author_id=author.pk)]
    assert rows[-1].pk == undated.pk  # undated last
    for row in rows:
        same = listed[row.pk]
        assert (row.post_url, row.views, row.engagement) == (
            same.post_url,
            same.views,
            same.engagement,
        )
        assert [link.music_id for link in row.music_links.all()] == [
            link.music_id for link in same.music_links.order_by("-is_primary", "pk")
        ]


def test_video_views_points_are_the_dated_videos_with_views_oldest_first() -> None:
    author = VideoFactory().author
    now = timezone.now()
    older = VideoSourceFactory(video__author=author, video__posted_at=now - timedelta(days=3))
    newer = VideoSourceFactory(video__author=author, video__posted_at=now - timedelta(days=1))
    VideoSourceFactory(video__author=author, video__posted_at=None, views=5)  # undated
    VideoSourceFactory(video__author=author, **NO_COUNTS)  # no views
    points = list(selectors.video_views_points(author_id=author.pk))
    assert [p["views"] for p in points] == [older.views, newer.views]
    assert set(points[0]) == {"posted_at", "views", "caption"}
