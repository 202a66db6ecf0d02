"""Music admin: genre with its source, re-analysis and Spotify actions, merge, curator genre."""

from __future__ import annotations

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from music.models import Music, MusicFeatures
from music.tests.factories import MusicFactory, MusicFeaturesFactory, MusicSourceFactory
from musicrec.core.models import Job, Platform
from videos.tests.factories import VideoMusicFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:music_music_changelist")


@pytest.fixture
def curator(client, staff_user):
    client.force_login(staff_user)
    return client


def _action(client, action: str, tracks, **extra: str):
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [t.pk for t in tracks], **extra}
    return client.post(CHANGELIST, data, follow=False)


def test_music_changelist_shows_genre_with_source_and_confidence(curator):
    MusicFeaturesFactory(
        music__title="Labelled", genre="indie", genre_source="neighbours", genre_confidence=0.42
    )
    MusicFactory(title="Unlabelled")
    page = curator.get(CHANGELIST).content.decode()
    assert "indie (nearest labelled tracks, 42%)" in page
    assert "Genre (source, confidence)" in page


def test_music_action_reanalyze_queues_a_job(curator, django_capture_on_commit_callbacks):
    tracks = MusicFactory.create_batch(2)
    with django_capture_on_commit_callbacks(execute=True):
        response = _action(curator, "reanalyze", tracks)
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.kind == Job.Kind.MUSIC_FEATURES and job.is_finished
    assert MusicFeatures.objects.filter(music__in=tracks).count() == 2


def test_music_action_match_on_spotify(curator, fake_spotify, django_capture_on_commit_callbacks):
    music = MusicFactory(title="Heat Waves", artist_name="Glass Animals", isrc="GBUM72000433")
    with django_capture_on_commit_callbacks(execute=True):
        _action(curator, "match_on_spotify", [music])
    assert Job.objects.get().kind == Job.Kind.SPOTIFY_MATCH
    assert music.sources.filter(platform=Platform.SPOTIFY).exists()


def test_music_action_match_on_spotify_unconfigured_says_so(curator, settings):
    settings.SPOTIFY_CLIENT_ID = ""
    response = _action(curator, "match_on_spotify", [MusicFactory()])
    response = curator.get(response["Location"])
    assert "Spotify is not configured" in response.content.decode()
    assert not Job.objects.exists()


def test_music_action_merge_asks_then_merges_into_the_chosen_track(curator):
    original = MusicFactory(title="original sound - fan", is_original_sound=True)
    released = MusicFactory(title="The Song", isrc="GBUM72000433")
    later = MusicFactory(title="The Song (dup)")
    MusicSourceFactory(music=original)
    VideoMusicFactory(music=later)

    confirm = _action(curator, "merge_selected", [original, released, later])

    assert confirm.status_code == 200
    assert confirm.templates[0].name == "admin/music/merge_confirmation.html"
    page = confirm.content.decode()
    # The released track is proposed (checked) as the one to keep.
    assert f'value="{released.pk}" id="keep-{released.pk}" checked' in page

    done = _action(
        curator, "merge_selected", [original, released, later], post="yes", keep=str(released.pk)
    )

    assert done.status_code == 302
    assert list(Music.objects.all()) == [released]
    assert released.sources.count() == 1 and released.video_links.count() == 1


def test_music_action_merge_needs_two_tracks(curator):
    track = MusicFactory()
    response = _action(curator, "merge_selected", [track])
    assert response.status_code == 302
    assert "at least two" in curator.get(response["Location"]).content.decode()


def test_music_features_curator_sets_and_clears_the_genre(curator):
    features = MusicFeaturesFactory(
        music__title="Rap Anthem", genre="pop", genre_source="keywords", genre_confidence=0.3
    )
    url = reverse("admin:music_musicfeatures_change", args=[features.pk])
    assert curator.get(url).status_code == 200

    assert curator.post(url, {"genre": "jazz"}).status_code == 302
    features.refresh_from_db()
    assert (features.genre, features.genre_source, features.genre_confidence) == (
        "jazz",
        "curator",
        1.0,
    )

    curator.post(url, {"genre": ""})
    features.refresh_from_db()
    assert (features.genre, features.genre_source) == ("hip-hop", "keywords")  # from the title


def test_music_features_genre_must_be_in_the_taxonomy(curator):
    features = MusicFeaturesFactory()
    url = reverse("admin:music_musicfeatures_change", args=[features.pk])
    response = curator.post(url, {"genre": "polka"})
    assert response.status_code == 200  # the form is shown again with the error
    assert "Select a valid choice" in response.content.decode()


def test_music_features_cannot_be_added_by_hand(curator):
    assert curator.get(reverse("admin:music_musicfeatures_add")).status_code == 403
