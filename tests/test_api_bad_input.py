"""The bad requests issue 14 found by hand (and a few of their kin), one test each: every one is
a 4xx naming the field or the limit, never a 500. On PostgreSQL (CI) these also prove that no
NUL or out-of-range value reaches the database.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from authors.models import AuthorSource
from musicrec.core.models import Job
from musicrec.tests.scrapes import apify_dataset
from recommendations.models import Feedback
from recommendations.tests.factories import RecommendationItemFactory
from videos.models import VideoSource
from videos.tests.factories import VideoFactory

pytestmark = pytest.mark.django_db

ANALYZE = "/api/v1/analyze-tiktok"


def scrape() -> list[dict]:
    items = json.loads(json.dumps(apify_dataset(authors=1, videos_per_author=2, seed=5)))
    for item in items:
        item["mediaUrls"] = []
        item["videoMeta"].pop("coverUrl")
        item["musicMeta"].pop("playUrl")
    return items


def deep_json(levels: int, kind: str) -> bytes:
    if kind == "list":
        return b"[" * levels + b"]" * levels
    return b'{"a":' * levels + b"1" + b"}" * levels


# --- Filters and paths ---------------------------------------------------------------------------


def test_a_date_filter_far_in_the_past_with_an_odd_offset_is_answered(auth_api_client):
    VideoFactory()
    url = reverse("api-v1:video-list")
    response = auth_api_client.get(
        url, {"mood": "dark", "posted_before": "0119-04-07T06:29:09-19:58"}
    )
    assert response.status_code == 200 and response.json()["count"] == 0
    early = auth_api_client.get(url, {"posted_after": "0001-01-01T00:00:00+14:00"})
    assert early.status_code == 200 and early.json()["count"] == 1
    bad = auth_api_client.get(url, {"posted_after": "2026-13-40T00:00:00Z"})
    assert bad.status_code == 400 and "posted_after" in bad.json()


@pytest.mark.parametrize("value", ["99999999999999999999999", "9223372036854775808", "²", "-1"])
def test_an_id_filter_out_of_range_is_a_400_naming_it(auth_api_client, value):
    response = auth_api_client.get(reverse("api-v1:video-list"), {"author": value})
    assert response.status_code == 400
    assert "author" in response.json()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ordering": "nonsense"}, "ordering"),
        ({"ordering": "-followers,password"}, "ordering"),
        ({"page": "0"}, "page"),
        ({"page": "²"}, "page"),
        ({"page_size": "500"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"verified": "maybe"}, "verified"),
        ({"min_followers": "1e999"}, "min_followers"),
        ({"tier": "AAA"}, "tier"),
        ({"search": "a\x00b"}, "search"),
    ],
)
def test_every_list_parameter_turns_bad_input_into_a_400_naming_it(auth_api_client, params, field):
    response = auth_api_client.get(reverse("api-v1:author-list"), params)
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()


def test_a_page_past_the_end_is_a_404(auth_api_client):
    response = auth_api_client.get(reverse("api-v1:author-list"), {"page": "999"})
    assert response.status_code == 404 and response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/authors/99999999999999999999999",
        "/api/v1/videos/9223372036854775808",
        "/api/v1/recommendations/112990780596429312019660800/items/266/feedback",
    ],
)
def test_an_id_past_64_bits_in_a_path_is_a_json_404(auth_api_client, path):
    response = auth_api_client.get(path) if "feedback" not in path else auth_api_client.post(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


# --- Digits that int() refuses ------------------------------------------------------------------


def test_a_superscript_digit_as_author_is_a_400_naming_author(auth_api_client):
    response = auth_api_client.post(
        reverse("api-v1:recommend-music"), {"author": "\u00b2"}, format="json"
    )
    assert response.status_code == 400 and "author" in response.json()


@pytest.mark.parametrize(("name", "value"), [("seed_tracks", "\u00b2"), ("limit", "\u00b2")])
def test_superscript_digits_in_spotify_parameters_are_a_400(auth_api_client, name, value):
    params = {"seed_genres": "pop", name: value}
    response = auth_api_client.get(reverse("api-v1:recommendations"), params)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == name


def test_nul_in_a_spotify_seed_is_a_400(auth_api_client):
    response = auth_api_client.get(reverse("api-v1:recommendations"), {"seed_artists": "a\x00b"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "seed_artists"


def test_a_superscript_run_id_on_the_creator_page_is_a_404(client, user):
    author = VideoFactory().author
    client.force_login(user)
    url = reverse("recommendations:creator", args=[author.pk])
    assert client.get(url, {"run": "\u00b2"}).status_code == 404
    assert client.get(url, {"track": "\u00b2"}).status_code == 404


# --- JSON bodies ---------------------------------------------------------------------------------


def test_nul_characters_in_a_scrape_are_stripped_before_the_database(
    auth_api_client, django_capture_on_commit_callbacks
):
    items = scrape()
    for item in items:
        item["id"] = item["id"][:5] + "\x00" + item["id"][5:]
        item["authorMeta"] = {**item["authorMeta"], "name": "ni\x00na", "nickName": "Ni\x00na"}
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_api_client.post(ANALYZE, {"scrape": items}, format="json")
    assert response.status_code == 202, response.content[:300]
    assert response.json()["job"]["target_label"] == "@nina"
    source = AuthorSource.objects.get()
    assert (source.handle, source.display_name) == ("nina", "Nina")
    stored = set(VideoSource.objects.values_list("external_id", flat=True))
    assert stored == {item["id"].replace("\x00", "") for item in items}


@pytest.mark.parametrize("kind", ["list", "object"])
def test_json_nested_100000_deep_is_a_400(auth_api_client, kind):
    response = auth_api_client.post(
        ANALYZE, data=deep_json(100_000, kind), content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested deeper than 64 levels" in response.json()["detail"]
    assert not Job.objects.exists()


@pytest.mark.parametrize("kind", ["list", "object"])
def test_an_uploaded_file_nested_100000_deep_is_a_400_naming_the_file(auth_api_client, kind):
    upload = SimpleUploadedFile("deep.json", deep_json(100_000, kind))
    response = auth_api_client.post(ANALYZE, {"file": upload}, format="multipart")
    assert response.status_code == 400
    (message,) = response.json()["file"]
    assert message.startswith("deep.json: ") and "nested deeper than 64 levels" in message


def test_lone_surrogates_in_a_note_are_replaced(auth_api_client):
    item = RecommendationItemFactory()
    url = reverse("api-v1:recommendation-feedback", args=[item.run_id, item.pk])
    body = b'{"verdict": "keep", "note": "ok \\ud800 \\u0000done"}'
    response = auth_api_client.post(url, data=body, content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    assert Feedback.objects.get().note == "ok \ufffd done"


def test_the_body_limit_is_the_documented_scrape_limit():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.SCRAPE_MAX_BYTES == 50 * 1024**2
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert re.search(r"`SCRAPE_MAX_BYTES` \| `52428800` \(50 MB\)", readme)


def test_a_json_body_over_the_limit_is_a_json_413_naming_it(auth_api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"brief": {"moods": ["happy"], "note": "x" * 400}, "weights": {"tempo": 1} | {}}
    body["brief"]["genres"] = ["pop"] * 100
    response = auth_api_client.post(reverse("api-v1:recommend-music"), body, format="json")
    assert response.status_code == 413
    assert response.json()["detail"].endswith("over the 1000 bytes limit (SCRAPE_MAX_BYTES).")


def test_a_scrape_body_over_the_limit_is_a_400_naming_the_field_and_limit(
    auth_api_client, settings
):
    settings.SCRAPE_MAX_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = auth_api_client.post(ANALYZE, {"scrape": scrape()}, format="json")
    assert response.status_code == 400
    (message,) = response.json()["scrape"]
    assert "over the 1000 bytes limit" in message
