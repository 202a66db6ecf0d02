"""Dashboard pages for the music catalogue: the filtered, paginated list and one track's page."""

from __future__ import annotations

import math

import pytest
from django.urls import reverse

from music.models import MusicFeatures
from music.tests.factories import (
    MusicFactory,
    MusicFeaturesFactory,
    MusicSnapshotFactory,
    MusicSourceFactory,
)
from musicrec.core.models import AnalysisStatus, Platform
from videos.tests.factories import VideoFactory, VideoMusicFactory

pytestmark = pytest.mark.django_db

LIST = reverse("music:list")


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def _track(title: str, **features: object):
    music = MusicFactory(title=title, artist_name=f"{title} artist", commercial_ok=True)
    MusicFeaturesFactory(music=music, **features)
    return music


def _titles(response) -> list[str]:
    return [m.title for m in response.context["page"].object_list]


def test_music_pages_require_login(client):
    music = _track("Sunrise")
    for url in (LIST, reverse("music:detail", args=[music.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response.url


def test_music_list_filters_by_genre_mood_tempo_and_business_safe(logged_in):
    _track("Pop fast", genre="pop", top_mood="happy", tempo_bpm=128)
    _track("Pop slow", genre="pop", top_mood="calm", tempo_bpm=80)
    _track("Rock fast", genre="rock", top_mood="happy", tempo_bpm=130)
    unsafe = _track("Pop uncleared", genre="pop", top_mood="happy", tempo_bpm=125)
    unsafe.commercial_ok = None
    unsafe.save()

    assert sorted(_titles(logged_in.get(LIST, {"genre": "pop"}))) == [
        "Pop fast",
        "Pop slow",
        "Pop uncleared",
    ]
    assert sorted(_titles(logged_in.get(LIST, {"mood": "happy", "tempo_min": 126}))) == [
        "Pop fast",
        "Rock fast",
    ]
    safe = logged_in.get(LIST, {"genre": "pop", "tempo_max": 130, "business_safe": "on"})
    assert sorted(_titles(safe)) == ["Pop fast", "Pop slow"]
    assert safe.context["business_safe"] is True
    assert _titles(logged_in.get(LIST, {"search": "rock FAST"})) == ["Rock fast"]


def test_music_list_shows_original_sounds_only_when_asked(logged_in):
    _track("Catalogue song")
    original = _track("Creator sound")
    original.is_original_sound = True
    original.save()
    assert _titles(logged_in.get(LIST)) == ["Catalogue song"]
    both = logged_in.get(LIST, {"originals": "on", "sort": "title"})
    assert _titles(both) == ["Catalogue song", "Creator sound"]
    assert "original sound" in both.content.decode()


def test_music_list_sorts_with_unknown_values_last(logged_in):
    _track("Hit", popularity_percentile=0.9, tempo_bpm=100, usage_growth_7d=0.1)
    _track("Rising", popularity_percentile=0.2, tempo_bpm=140, usage_growth_7d=math.log(3))
    _track("Unranked", popularity_percentile=None, tempo_bpm=None, usage_growth_7d=None)
    assert _titles(logged_in.get(LIST)) == ["Hit", "Rising", "Unranked"]
    assert _titles(logged_in.get(LIST, {"sort": "trend"})) == ["Rising", "Hit", "Unranked"]
    assert _titles(logged_in.get(LIST, {"sort": "tempo"})) == ["Hit", "Rising", "Unranked"]
    assert _titles(logged_in.get(LIST, {"sort": "-tempo"})) == ["Rising", "Hit", "Unranked"]
    content = logged_in.get(LIST, {"sort": "bogus"}).content.decode()
    assert "+200 %" in content  # ln 3 growth shown as a percentage change
    assert "top 10 %" in content  # percentile 0.9


def test_music_list_paginates_and_htmx_gets_the_table_partial(logged_in):
    for i in range(30):
        _track(f"Track {i:02d}", popularity_percentile=i / 30)
    first = logged_in.get(LIST)
    assert "music/list.html" in [t.name for t in first.templates]
    assert len(_titles(first)) == 25
    assert first.context["page"].paginator.num_pages == 2
    second = logged_in.get(
        LIST, {"page": 2, "sort": "title"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="music-table"
    )
    assert [t.name for t in second.templates][0] == "music/partials/_music_table.html"
    assert _titles(second) == [f"Track {i:02d}" for i in range(25, 30)]
    assert "?page=1&amp;sort=title" in second.content.decode()


def test_music_list_bad_filter_values_are_explained(logged_in):
    _track("Anything")
    response = logged_in.get(LIST, {"tempo_min": "fast"})
    assert response.status_code == 200
    assert _titles(response) == []
    assert "Enter a number." in response.content.decode()


def test_music_list_says_what_to_do_when_empty(logged_in):
    assert "No tracks match" in logged_in.get(LIST).content.decode()


def test_music_list_query_count_does_not_grow_with_rows(logged_in, django_assert_max_num_queries):
    for i in range(3):
        _track(f"Few {i}")
    # session, user, permissions (user's, groups'), count, the page of tracks with features and
    # artist
    with django_assert_max_num_queries(6):
        logged_in.get(LIST)
    for i in range(20):
        _track(f"Many {i}")
    with django_assert_max_num_queries(6):
        logged_in.get(LIST)


def test_music_detail_shows_features_sources_trend_and_who_used_it(
    logged_in, django_assert_max_num_queries
):
    music = _track(
        "Sunrise",
        tempo_bpm=121.4,
        tempo_confidence=0.83,
        loudness_lufs=-7.24,
        genre="electronic",
        genre_source=MusicFeatures.GenreSource.NEIGHBOURS,
        genre_confidence=0.62,
        moods={"happy": 0.6, "energetic": 0.4},
        popularity_percentile=0.75,
        usage_growth_7d=math.log(2),
        usage_growth_28d=math.log(4),
        early_trend=True,
        detail={"tempo_candidates": [121.4, 60.7, 242.8]},
    )
    tiktok = MusicSourceFactory(music=music, usage_count=12_345)
    MusicSnapshotFactory(source=tiktok)
    MusicSourceFactory(
        music=music,
        platform=Platform.SPOTIFY,
        external_id="4uLU6hMCjMI75M1A2tKUQC",
        url="https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
        popularity=71,
        usage_count=None,
    )
    for name in ("Ana", "Ben"):
        video = VideoFactory(author__name=name, caption=f"{name} dances")
        VideoMusicFactory(video=video, music=music)

    # session, user, permissions (user's, groups'), track + features + artist, sources,
    # snapshots, videos
    with django_assert_max_num_queries(9):
        response = logged_in.get(reverse("music:detail", args=[music.pk]))
    assert response.status_code == 200
    assert "music/detail.html" in [t.name for t in response.templates]
    content = response.content.decode()
    for text in (
        "121.4 BPM",
        "83 % sure",
        "candidates: 121.4, 60.7, 242.8 BPM",
        "-7.2 LUFS",
        "Electronic / dance · neighbours · 62 %",
        "71 / 100",
        "12,345 videos",
        "top 25 %",
        "+100 %",
        "+300 %",
        "early trend",
        "business-safe",
        "Used by 2 creators",
        "Ana dances",
        "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
    ):
        assert text in content, text
    assert response.context["moods"] == [("happy", 0.6), ("energetic", 0.4)]


def test_music_detail_explains_missing_features_and_unavailable_audio(logged_in):
    bare = MusicFactory(title="Nothing known")
    content = logged_in.get(reverse("music:detail", args=[bare.pk])).content.decode()
    assert "Not analysed yet" in content
    assert "Not enough history for a trend" in content
    assert "No creator in our data used this track yet." in content

    expired = _track(
        "Expired",
        status=AnalysisStatus.UNAVAILABLE,
        feature_source=MusicFeatures.FeatureSource.CATALOGUE,
        error="the signed URL expired (HTTP 403)",
    )
    content = logged_in.get(reverse("music:detail", args=[expired.pk])).content.decode()
    assert "Media unavailable: the signed URL expired (HTTP 403)" in content
    assert "Imported catalogue" in content
    assert logged_in.get(reverse("music:detail", args=[999_999])).status_code == 404
