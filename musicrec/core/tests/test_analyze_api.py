"""POST /api/v1/analyze-tiktok: handle, scrape JSON or file; 202 + Job; bad input is a 400."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from authors.models import AuthorSource
from musicrec.core.models import Job
from musicrec.tests.scrapes import CREATORS_CSV, apify_dataset
from videos.models import Video, VideoSource

pytestmark = pytest.mark.django_db

URL = "/api/v1/analyze-tiktok"
SAMPLES = Path(settings.BASE_DIR) / "musicrec" / "platforms" / "tests" / "fixtures" / "samples"


def scrape(videos: int = 2) -> list[dict]:
    """One creator's videos without media links, so the worker's analysis stays offline."""
    # Copied item by item: items of one author share their authorMeta dict.
    items = [copy.deepcopy(i) for i in apify_dataset(authors=1, videos_per_author=videos, seed=4)]
    for item in items:
        item["mediaUrls"] = []
        item["videoMeta"].pop("coverUrl")
        item["musicMeta"].pop("playUrl")
    return items


def nothing_written() -> bool:
    return not (Job.objects.exists() or AuthorSource.objects.exists() or Video.objects.exists())


def upload(name: str, content: bytes) -> dict:
    return {"file": SimpleUploadedFile(name, content, content_type="application/json")}


def test_analyze_tiktok_url_is_named():
    assert reverse("api-v1:analyze-tiktok") == URL


def test_analyze_tiktok_needs_authentication(api_client):
    response = api_client.post(URL, {"handle": "lunamoves"}, format="json")
    assert response.status_code in (401, 403)
    assert nothing_written()


def test_analyze_tiktok_scrape_answers_202_with_the_job_and_stores_on_the_worker(
    auth_api_client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_api_client.post(URL, {"scrape": scrape(3)}, format="json")
    assert response.status_code == 202, response.json()
    body = response.json()
    job = Job.objects.get()
    assert body["status_url"] == f"/api/v1/jobs/{job.pk}" == response["Location"]
    assert body["job"]["id"] == job.pk
    assert body["job"]["kind"] == Job.Kind.ANALYZE_INFLUENCER
    assert body["job"]["target_label"] == "@creator_0"
    assert job.created_by == user
    # The worker ran (sync mode): the scrape is stored whatever the later steps did.
    job.refresh_from_db()
    assert job.is_finished
    assert VideoSource.objects.count() == 3
    polled = auth_api_client.get(body["status_url"]).json()
    assert polled["status"] == job.status and polled["progress"] == 100


def test_analyze_tiktok_handle_is_queued_for_the_worker_to_fetch(auth_api_client):
    response = auth_api_client.post(URL, {"handle": "@LunaMoves"}, format="json")
    assert response.status_code == 202
    job = Job.objects.get()
    assert (job.status, job.target_type, job.target_id, job.target_label) == (
        Job.Status.QUEUED,
        "handle",
        "lunamoves",
        "@lunamoves",
    )


def test_analyze_tiktok_file_upload_is_read_then_queued(auth_api_client):
    content = (SAMPLES / "thebigbradwolf_1609948309033.json").read_bytes()
    response = auth_api_client.post(URL, upload("brad.json", content), format="multipart")
    assert response.status_code == 202, response.json()
    assert response.json()["job"]["target_label"] == "@thebigbradwolf"
    assert Job.objects.get().status == Job.Status.QUEUED


def test_analyze_tiktok_uploaded_file_is_stored_by_the_worker(
    auth_api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_api_client.post(
            URL, upload("feed.json", json.dumps(scrape(4)).encode()), format="multipart"
        )
    assert response.status_code == 202
    assert VideoSource.objects.count() == 4
    assert Job.objects.get().is_finished


def bad_item(**changes) -> list[dict]:
    items = scrape(2)
    for path, value in changes.items():
        node = items[1]
        *parents, last = path.split("__")
        for key in parents:
            node = node[key]
        if value is None:
            node.pop(last)
        else:
            node[last] = value
    return items


BAD_SCRAPES = [
    pytest.param({"hello": "world"}, "$", "unknown scrape shape", id="unknown-shape"),
    pytest.param(bad_item(id=None), "$[1].id", "missing", id="missing-video-id"),
    pytest.param(
        bad_item(authorMeta__id=None), "$[1].authorMeta.id", "missing", id="missing-author-id"
    ),
    pytest.param(bad_item(playCount=-5), "$[1].playCount", "negative count -5", id="negative"),
    pytest.param(
        bad_item(diggCount="lots"), "$[1].diggCount", "non-numeric count 'lots'", id="non-numeric"
    ),
]


@pytest.mark.parametrize(("data", "json_path", "reason"), BAD_SCRAPES)
def test_analyze_tiktok_bad_scrape_json_is_a_400_naming_path_and_reason(
    auth_api_client, data, json_path, reason
):
    response = auth_api_client.post(URL, {"scrape": data}, format="json")
    assert response.status_code == 400
    (message,) = response.json()["scrape"]
    assert f"{json_path}: " in message and reason in message, message
    assert nothing_written()


@pytest.mark.parametrize(("data", "json_path", "reason"), BAD_SCRAPES)
def test_analyze_tiktok_bad_scrape_file_is_a_400_naming_file_path_and_reason(
    auth_api_client, data, json_path, reason
):
    response = auth_api_client.post(
        URL, upload("feed.json", json.dumps(data).encode()), format="multipart"
    )
    assert response.status_code == 400
    (message,) = response.json()["file"]
    assert message.startswith(f"feed.json: {json_path}: ") and reason in message, message
    assert nothing_written()


def test_analyze_tiktok_file_that_is_not_json(auth_api_client):
    response = auth_api_client.post(URL, upload("feed.json", b'{"a": [1,'), format="multipart")
    assert response.status_code == 400
    (message,) = response.json()["file"]
    assert message.startswith("feed.json: not JSON: ") and "line 1" in message
    assert nothing_written()


@pytest.mark.parametrize(
    ("name", "size"), [("big.json", "2.4 KB"), ("creators.csv", "1.7 KB")], ids=["json", "csv"]
)
def test_analyze_tiktok_file_over_the_size_limit(auth_api_client, settings, name, size):
    settings.SCRAPE_MAX_BYTES = 1000
    csv = name.endswith(".csv")
    content = CREATORS_CSV.read_bytes() if csv else json.dumps(scrape(3)).encode()
    response = auth_api_client.post(URL, upload(name, content), format="multipart")
    assert response.status_code == 400
    (message,) = response.json()["file"]
    assert message == f"{name}: file is {size}, over the 1000 bytes limit"
    assert nothing_written()


def test_analyze_tiktok_json_body_over_the_size_limit(auth_api_client, settings):
    settings.SCRAPE_MAX_BYTES = 1000
    response = auth_api_client.post(URL, {"scrape": scrape(3)}, format="json")
    assert response.status_code == 400
    (message,) = response.json()["scrape"]
    assert message.startswith("the request is ") and "over the 1000 bytes limit" in message
    assert nothing_written()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "non_field_errors"),
        ({"handle": "lunamoves", "scrape": []}, "non_field_errors"),
        ({"handle": "not a handle!"}, "handle"),
        ({"handle": "../../etc/passwd"}, "handle"),
    ],
)
def test_analyze_tiktok_bad_request_names_the_field(auth_api_client, payload, field):
    response = auth_api_client.post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert nothing_written()


def test_analyze_tiktok_multipart_without_a_file(auth_api_client):
    response = auth_api_client.post(URL, {"note": "x"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()
    assert nothing_written()


# --- Creators CSV --------------------------------------------------------------------------------


def csv_upload(name: str = "creators.csv", content: bytes | None = None) -> dict:
    raw = CREATORS_CSV.read_bytes() if content is None else content
    return {"file": SimpleUploadedFile(name, raw, content_type="text/csv")}


def test_analyze_tiktok_creators_csv_upload_is_stored_and_its_main_creator_analysed(
    auth_api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_api_client.post(URL, csv_upload(), format="multipart")
    assert response.status_code == 202, response.json()
    assert response.json()["job"]["target_label"] == "@duc.runs"  # the most videos
    job = Job.objects.get()
    job.refresh_from_db()
    assert job.is_finished and job.status != Job.Status.FAILED, job.message
    duc = AuthorSource.objects.get(external_id="@duc.runs")
    assert (job.target_type, job.target_id) == ("author", str(duc.author_id))
    assert (AuthorSource.objects.count(), VideoSource.objects.count()) == (2, 7)


def test_analyze_tiktok_csv_is_recognised_by_content_whatever_its_name(auth_api_client):
    response = auth_api_client.post(URL, csv_upload("export.json"), format="multipart")
    assert response.status_code == 202, response.json()
    assert response.json()["job"]["target_label"] == "@duc.runs"


def test_analyze_tiktok_bad_csv_row_is_a_400_naming_file_line_column_and_reason(auth_api_client):
    content = CREATORS_CSV.read_bytes().replace(b",98K,", b",lots,")
    response = auth_api_client.post(URL, csv_upload(content=content), format="multipart")
    assert response.status_code == 400
    (message,) = response.json()["file"]
    assert message == "creators.csv: line 3 (row 2), column vid_nview: non-numeric count 'lots'"
    assert nothing_written()
