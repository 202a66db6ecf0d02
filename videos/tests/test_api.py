"""The videos API: auth, list shape, filters, ordering, pagination, detail, re-analysis."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from authors.tests.factories import AuthorFactory
from music.tests.factories import MusicFactory, MusicFeaturesFactory
from musicrec.core.models import AnalysisStatus, Job
from videos.models import VideoContentAnalysis
from videos.services import video_analyze
from videos.tests.factories import (
    VideoContentAnalysisFactory,
    VideoFactory,
    VideoMusicFactory,
    VideoSourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def videos(settings, tmp_path) -> dict:
    """Three videos of two creators: a dance hit, a food video and one not analysed yet."""
    settings.MEDIA_LOCAL_ROOTS = [tmp_path]
    now = timezone.now()
    luna, sofia = AuthorFactory(name="Luna"), AuthorFactory(name="Sofia")
    dance = VideoFactory(
        author=luna, caption="new choreo 💃", hashtags=["dance"], posted_at=now - timedelta(1)
    )
    VideoSourceFactory(
        video=dance,
        url="https://www.tiktok.com/@luna/video/1",
        views=10_000,
        likes=900,
        comments=50,
        shares=25,
        saves=25,
        last_scraped_at=now,
    )
    food = VideoFactory(
        author=sofia, caption="love this pasta 😍", hashtags=["food"], posted_at=now - timedelta(5)
    )
    VideoSourceFactory(video=food, views=1_000, likes=300, comments=0, shares=0, saves=0)
    fresh = VideoFactory(author=luna, caption="", hashtags=[], posted_at=now)
    VideoSourceFactory(video=fresh, views=None, likes=None, comments=None, shares=None, saves=None)
    track = MusicFactory(title="Night Drive", artist_name="Neon")
    MusicFeaturesFactory(music=track, genre="electronic", genres={"electronic": 1.0})
    VideoMusicFactory(video=dance, music=track, is_primary=True)
    video_analyze(video_id=dance.pk, analyze_authors=False)
    video_analyze(video_id=food.pk, analyze_authors=False)
    return {"dance": dance, "food": food, "fresh": fresh, "luna": luna}


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "api-v1:video-list", []),
        ("get", "api-v1:video-detail", [1]),
        ("post", "api-v1:video-analyze", [1]),
    ],
)
def test_video_api_requires_authentication(api_client, method: str, name: str, args) -> None:
    response = getattr(api_client, method)(reverse(name, args=args))
    assert response.status_code in {401, 403}


def test_video_list_shape_and_default_order(auth_api_client, videos) -> None:
    response = auth_api_client.get(reverse("api-v1:video-list"))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert ids(response) == [videos["fresh"].pk, videos["dance"].pk, videos["food"].pk]
    dance = body["results"][1]
    assert dance["author"] == {"id": videos["luna"].pk, "name": "Luna"}
    assert dance["url"] == "https://www.tiktok.com/@luna/video/1"
    assert (dance["views"], dance["likes"], dance["saves"]) == (10_000, 900, 25)
    assert dance["engagement_rate"] == pytest.approx(0.1)
    assert dance["category"]["value"] == "dance" and dance["category"]["label"] == "Dance"
    assert dance["category"]["source"] == "caption + hashtags"
    assert dance["analysis_status"] == AnalysisStatus.PARTIAL  # no media file in these rows
    assert dance["tempo_bpm"] == 120.0  # the sound's stored tempo stands in
    fresh = body["results"][0]
    assert (fresh["category"], fresh["top_mood"], fresh["analysis_status"]) == (None, None, None)
    assert fresh["engagement_rate"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "food"}, ["food"]),
        ({"mood": "romantic"}, ["food"]),  # "love" is a romantic cue
        ({"author": "luna"}, None),  # not an id: 400
        ({"ordering": "-views"}, ["dance", "food", "fresh"]),
        ({"ordering": "views"}, ["food", "dance", "fresh"]),  # unknown views last either way
        ({"ordering": "-engagement"}, ["food", "dance", "fresh"]),
        ({"ordering": "posted_at"}, ["food", "dance", "fresh"]),
    ],
)
def test_video_list_filters_and_orders(auth_api_client, videos, params, expected) -> None:
    response = auth_api_client.get(reverse("api-v1:video-list"), params)
    if expected is None:
        assert response.status_code == 400
        assert "author" in response.json()
        return
    assert response.status_code == 200
    assert ids(response) == [videos[name].pk for name in expected]


def test_video_list_filters_by_author_and_posting_time(auth_api_client, videos) -> None:
    url = reverse("api-v1:video-list")
    by_luna = auth_api_client.get(url, {"author": videos["luna"].pk})
    assert ids(by_luna) == [videos["fresh"].pk, videos["dance"].pk]
    since = (timezone.now() - timedelta(days=2)).isoformat()
    assert ids(auth_api_client.get(url, {"posted_after": since})) == ids(by_luna)
    bad = auth_api_client.get(url, {"posted_after": "yesterday", "category": "cooking"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"posted_after", "category"}


def test_video_list_paginates(auth_api_client, videos) -> None:
    response = auth_api_client.get(reverse("api-v1:video-list"), {"page_size": 2})
    body = response.json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert body["next"] and "page=2" in body["next"]


def test_video_detail_has_posts_stats_music_and_the_analysis_with_evidence(
    auth_api_client, videos
) -> None:
    response = auth_api_client.get(reverse("api-v1:video-detail", args=[videos["dance"].pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["stats"]["views"] == 10_000
    assert body["stats"]["engagement_rate"] == pytest.approx(0.1)
    assert body["stats"]["as_of"] is not None
    assert [p["views"] for p in body["posts"]] == [10_000]
    assert body["music"] == [
        {
            "music_id": body["music"][0]["music_id"],
            "title": "Night Drive",
            "artist": "Neon",
            "is_primary": True,
            "is_original_sound": False,
            "genre": "electronic",
            "tempo_bpm": 120.0,
        }
    ]
    analysis = body["content_analysis"]
    assert analysis["status"] == "partial"
    assert analysis["category"]["value"] == "dance"
    assert analysis["genres"] == {"electronic": 1.0}
    assert analysis["tempo_source"] == "sound metadata"
    assert analysis["evidence"]["tempo_bpm"]["source"] == "sound metadata"
    assert analysis["error"].startswith("no video file in the scrape")
    assert sum(analysis["moods"].values()) == pytest.approx(1.0, abs=1e-3)
    assert analysis["detail"]["media"]["state"] == "none"


def test_video_detail_not_analysed_and_unknown(auth_api_client, videos) -> None:
    fresh = auth_api_client.get(reverse("api-v1:video-detail", args=[videos["fresh"].pk]))
    assert fresh.json()["content_analysis"] is None and fresh.json()["music"] == []
    missing = auth_api_client.get(reverse("api-v1:video-detail", args=[999_999]))
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No video with id 999999."}


def test_video_analyze_returns_a_job_the_worker_runs(
    curator_api_client, curator_user, videos, django_capture_on_commit_callbacks
) -> None:
    video = videos["fresh"]
    video.caption = "leg day 💪"
    video.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_api_client.post(
            reverse("api-v1:video-analyze", args=[video.pk]), {"force": False}, format="json"
        )
    assert response.status_code == 202
    body = response.json()
    assert response["Location"] == f"/api/v1/jobs/{body['id']}"
    assert (body["kind"], body["target_type"], body["target_id"]) == (
        "video_analysis",
        "video",
        str(video.pk),
    )
    job = Job.objects.get(pk=body["id"])
    assert job.status == Job.Status.SUCCEEDED and job.created_by == curator_user
    assert VideoContentAnalysis.objects.get(video=video).category == "fitness"


def test_video_analyze_rejects_bad_input_and_unknown_videos(curator_api_client, videos) -> None:
    url = reverse("api-v1:video-analyze", args=[videos["dance"].pk])
    bad = curator_api_client.post(url, {"force": "maybe"}, format="json")
    assert bad.status_code == 400 and "force" in bad.json()
    missing = curator_api_client.post(reverse("api-v1:video-analyze", args=[999_999]))
    assert missing.status_code == 404


def test_video_list_query_count_does_not_grow(
    auth_api_client, videos, django_assert_max_num_queries
) -> None:
    for _ in range(10):
        extra = VideoFactory()
        VideoSourceFactory(video=extra)
        VideoContentAnalysisFactory(video=extra)
    # auth is forced; the role check: the user's and their groups' permissions (2); the page:
    # count + rows (joins and post subqueries)
    with django_assert_max_num_queries(4):
        response = auth_api_client.get(reverse("api-v1:video-list"))
    assert response.json()["count"] == 13
