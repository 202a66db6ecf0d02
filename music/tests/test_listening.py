"""Listening: the audio view serves ranges (206 / 416 / 200), and pages say when there is none."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from music.models import MusicFeatures
from music.tests.factories import MusicFactory, MusicFeaturesFactory, MusicSourceFactory
from musicrec.core.models import AnalysisStatus
from musicrec.core.ranges import parse_range

pytestmark = pytest.mark.django_db

CLIP = next((Path(settings.BASE_DIR) / "sample_data" / "demo" / "media" / "audio").glob("*.ogg"))
SIZE = CLIP.stat().st_size


@pytest.fixture
def track():
    music = MusicFactory(title="Listen")
    MusicSourceFactory(music=music, audio_url=str(CLIP))
    return music


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, SIZE - 1)),
        ("bytes=-10", (SIZE - 10, SIZE - 1)),
        ("bytes=0-999999999", (0, SIZE - 1)),
        (f"bytes={SIZE}-", "unsatisfiable"),
        ("bytes=-0", "unsatisfiable"),
        ("bytes=5-2", None),
        ("bytes=0-1,4-5", None),
        ("items=0-1", None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, SIZE) == expected


def test_audio_whole_file_advertises_ranges(client, user, track):
    client.force_login(user)
    response = client.get(reverse("music:audio", args=[track.pk]))
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes" and response["Content-Type"] == "audio/ogg"
    assert _body(response) == CLIP.read_bytes()


def test_audio_range_is_206_with_the_slice(client, user, track):
    client.force_login(user)
    response = client.get(reverse("music:audio", args=[track.pk]), HTTP_RANGE="bytes=10-109")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-109/{SIZE}"
    assert response["Content-Length"] == "100"
    assert _body(response) == CLIP.read_bytes()[10:110]
    tail = client.get(reverse("music:audio", args=[track.pk]), HTTP_RANGE="bytes=-16")
    assert tail.status_code == 206 and _body(tail) == CLIP.read_bytes()[-16:]


def test_audio_unsatisfiable_range_is_416(client, user, track):
    client.force_login(user)
    response = client.get(reverse("music:audio", args=[track.pk]), HTTP_RANGE=f"bytes={SIZE}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"


def test_audio_stale_if_range_gets_the_whole_file(client, user, track):
    client.force_login(user)
    url = reverse("music:audio", args=[track.pk])
    etag = client.get(url)["ETag"]
    fresh = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert fresh.status_code == 206
    stale = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"')
    assert stale.status_code == 200 and len(_body(stale)) == SIZE


def test_track_page_has_a_player_or_says_why_not(client, user, track, tmp_path, settings):
    client.force_login(user)
    page = client.get(reverse("music:detail", args=[track.pk])).content.decode()
    assert f'src="/music/{track.pk}/audio/"' in page and "<audio" in page

    silent = MusicFactory(title="No audio")
    page = client.get(reverse("music:detail", args=[silent.pk])).content.decode()
    assert "<audio" not in page
    assert (
        "Cannot be played here. Neither the catalogue nor the scrapes gave an audio file or "
        "preview link."
    ) in page
    response = client.get(reverse("music:audio", args=[silent.pk]))
    assert response.status_code == 404 and b"Neither the catalogue" in response.content

    outside = MusicFactory(title="Outside")
    MusicSourceFactory(music=outside, audio_url=str(tmp_path / "x.ogg"))
    page = client.get(reverse("music:detail", args=[outside.pk])).content.decode()
    assert "The audio file is outside the folders MEDIA_LOCAL_ROOTS allows" in page


def test_an_expired_preview_link_is_not_offered(client, user):
    music = MusicFactory(title="Expired")
    MusicSourceFactory(music=music, audio_url="https://cdn.example.com/sound.mp3?sig=1")
    MusicFeaturesFactory(
        music=music,
        status=AnalysisStatus.UNAVAILABLE,
        feature_source=MusicFeatures.FeatureSource.NONE,
        error="media unavailable (HTTP 403)",
    )
    client.force_login(user)
    page = client.get(reverse("music:detail", args=[music.pk])).content.decode()
    assert "<audio" not in page and "preview link expired" in page
