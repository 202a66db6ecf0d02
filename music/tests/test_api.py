"""Music API: list filters and ordering, detail with sources and trend, analyse as a Job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from music import selectors
from music.models import MusicFeatures
from music.tests.factories import (
    MusicFactory,
    MusicFeaturesFactory,
    MusicSnapshotFactory,
    MusicSourceFactory,
)
from musicrec.core.models import Job, Platform

pytestmark = pytest.mark.django_db

LIST = reverse("api-v1:music-list")


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def catalogue():
    """Four catalogue tracks, one original sound and one track never analysed."""
    return {
        "dance": MusicFeaturesFactory(
            music__title="Floor Filler", tempo_bpm=128, genre="electronic", top_mood="energetic",
            popularity_percentile=0.9, early_trend=True, music__commercial_ok=True,
        ).music,
        "ballad": MusicFeaturesFactory(
            music__title="Slow Ballad", tempo_bpm=72, genre="pop", top_mood="sad",
            popularity_percentile=0.2, music__commercial_ok=False,
        ).music,
        "rap": MusicFeaturesFactory(
            music__title="Street Talk", music__artist_name="MC Ray", tempo_bpm=95,
            genre="hip-hop", top_mood="dark", popularity_percentile=0.5,
        ).music,
        "middle": MusicFeaturesFactory(
            music__title="Middle Road", tempo_bpm=110, genre="pop", top_mood="happy",
            popularity_percentile=None,
        ).music,
        "original": MusicFeaturesFactory(
            music__title="original sound - dancer", music__is_original_sound=True, tempo_bpm=100,
            genre="pop", popularity_percentile=None,
        ).music,
        "bare": MusicFactory(title="Never Analysed"),
    }  # fmt: skip


def test_music_list_requires_authentication(api_client):
    assert api_client.get(LIST).status_code in (401, 403)


def test_music_list_catalogue_most_popular_first(auth_api_client, catalogue):
    response = auth_api_client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "next", "previous", "results"}
    c = catalogue
    # Unknown popularity sorts last, then by title; original sounds are not listed.
    assert _ids(response) == [c["dance"].pk, c["rap"].pk, c["ballad"].pk, c["middle"].pk,
                              c["bare"].pk]  # fmt: skip
    first = body["results"][0]
    assert first["features"]["genre"] == "electronic"
    assert first["features"]["genre_source"] == "catalogue"
    assert body["results"][-1]["features"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("genre=pop", ["ballad", "middle"]),
        ("mood=dark", ["rap"]),
        ("tempo_min=90&tempo_max=115", ["rap", "middle"]),
        ("commercial_ok=true", ["dance"]),
        ("commercial_ok=false", ["ballad"]),
        ("early_trend=true", ["dance"]),
        ("search=mc ray", ["rap"]),
        ("search=road", ["middle"]),
        ("is_original=true", ["original"]),
        ("ordering=tempo", ["ballad", "rap", "middle", "dance", "bare"]),
        ("ordering=-tempo", ["dance", "middle", "rap", "ballad", "bare"]),
        ("ordering=popularity", ["ballad", "rap", "dance", "middle", "bare"]),
    ],
)
def test_music_list_filters_and_ordering(auth_api_client, catalogue, query, expected):
    response = auth_api_client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert _ids(response) == [catalogue[name].pk for name in expected]


def test_music_list_rejects_an_unknown_genre_naming_the_field(auth_api_client):
    response = auth_api_client.get(f"{LIST}?genre=polka")
    assert response.status_code == 400
    assert "genre" in response.json()


def test_music_list_paginates(auth_api_client, catalogue):
    body = auth_api_client.get(f"{LIST}?page_size=2").json()
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"]


def test_music_list_selector_is_one_query(django_assert_num_queries, catalogue):
    with django_assert_num_queries(1):  # tracks joined with features and artist
        rows = list(selectors.music_list())
        genres = [getattr(row, "features", None) and row.features.genre for row in rows]
        artists = [row.artist for row in rows]
    assert sorted(filter(None, genres)) == ["electronic", "hip-hop", "pop", "pop"]
    assert len(artists) == 5


def test_music_detail_selector_query_count(django_assert_num_queries, catalogue):
    source = MusicSourceFactory(music=catalogue["dance"])
    MusicSnapshotFactory.create_batch(3, source=source)
    with django_assert_num_queries(3):  # the track with features and artist, sources, snapshots
        music = selectors.music_get(catalogue["dance"].pk)
        assert [len(s.snapshots.all()) for s in music.sources.all()] == [3]
        assert music.features.genre == "electronic"


def test_music_detail_shows_sources_history_features_and_trend(auth_api_client):
    now = timezone.now()
    features = MusicFeaturesFactory(
        music__title="Heat Waves", genre="indie", genre_source=MusicFeatures.GenreSource.NEIGHBOURS,
        genre_confidence=0.42, usage_growth_7d=0.69, early_trend=True, popularity_percentile=0.8,
        detail={"trend": {"early_trend_reason": "Spotify popularity up", "tiktok_usage": 40}},
    )  # fmt: skip
    tiktok = MusicSourceFactory(
        music=features.music, usage_count=400, audio_url="https://cdn.example/signed?x=1"
    )
    MusicSnapshotFactory(source=tiktok, taken_at=now - timedelta(days=7), usage_count=200)
    MusicSnapshotFactory(source=tiktok, taken_at=now, usage_count=400)
    MusicSourceFactory(
        music=features.music, platform=Platform.SPOTIFY, external_id="02MWAaffLxlfxAUY7c5dvx",
        usage_count=None, url="https://open.spotify.com/track/02MWAaffLxlfxAUY7c5dvx",
    )  # fmt: skip

    response = auth_api_client.get(reverse("api-v1:music-detail", args=[features.music.pk]))

    assert response.status_code == 200
    body = response.json()
    assert body["features"]["genre"] == "indie"
    assert body["features"]["genre_source"] == "neighbours"
    assert body["features"]["genre_confidence"] == 0.42
    assert body["trend"]["usage_growth_7d"] == 0.69
    assert body["trend"]["early_trend"] is True
    assert body["trend"]["early_trend_reason"] == "Spotify popularity up"
    assert body["trend"]["tiktok_usage"] == 40
    assert body["trend"]["usage_growth_28d"] is None and body["trend"]["pct_7d"] is None
    platforms = [s["platform"] for s in body["sources"]]
    assert sorted(platforms) == ["spotify", "tiktok"]
    history = next(s for s in body["sources"] if s["platform"] == "tiktok")["snapshots"]
    assert [s["usage_count"] for s in history] == [400, 200]  # newest first
    assert "audio_url" not in body["sources"][0]


def test_music_detail_of_a_track_never_analysed(auth_api_client):
    music = MusicFactory()
    body = auth_api_client.get(reverse("api-v1:music-detail", args=[music.pk])).json()
    assert body["features"] is None and body["trend"] is None and body["sources"] == []


def test_music_detail_unknown_track_is_404(auth_api_client):
    response = auth_api_client.get(reverse("api-v1:music-detail", args=[999_999]))
    assert response.status_code == 404
    assert response.json() == {"detail": "No track with id 999999."}


def test_music_analyze_queues_a_job(
    curator_api_client, curator_user, django_capture_on_commit_callbacks
):
    music = MusicFactory(title="Queued", artist_name="Band")
    url = reverse("api-v1:music-analyze", args=[music.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = curator_api_client.post(url, {"force": False}, format="json")

    assert response.status_code == 202
    body = response.json()
    assert response["Location"] == reverse("api-v1:job-detail", args=[body["id"]])
    assert body["kind"] == "music_features"
    job = Job.objects.get(pk=body["id"])
    assert job.created_by == curator_user
    assert job.target_label == "Queued — Band"
    assert job.is_finished  # sync mode in tests: the task ran on commit
    assert MusicFeatures.objects.filter(music=music).exists()


def test_music_analyze_validates_the_body_and_the_track(curator_api_client):
    music = MusicFactory()
    url = reverse("api-v1:music-analyze", args=[music.pk])
    bad = curator_api_client.post(url, {"force": "sometimes"}, format="json")
    assert bad.status_code == 400 and "force" in bad.json()
    missing = curator_api_client.post(reverse("api-v1:music-analyze", args=[999_999]), {})
    assert missing.status_code == 404
