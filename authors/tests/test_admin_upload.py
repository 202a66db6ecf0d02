"""The admin's scrape-upload page: form, storing, errors with JSON paths, queued analysis."""

from __future__ import annotations

import copy
import json

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from authors.models import AuthorSnapshot, AuthorSource
from musicrec.core.models import Job
from musicrec.tests.scrapes import CREATORS_CSV, apify_dataset
from videos.models import Video, VideoSource

pytestmark = pytest.mark.django_db

URL = "/admin/upload-scrape/"


def feed(videos: int = 3) -> list[dict]:
    return [copy.deepcopy(i) for i in apify_dataset(authors=1, videos_per_author=videos, seed=6)]


def as_file(data, name: str = "feed.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(data).encode(), content_type="application/json")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_scrape_upload_url_and_link_on_the_accounts_list(staff_client):
    assert reverse("admin:scrape-upload") == URL
    changelist = staff_client.get(reverse("admin:authors_authorsource_changelist"))
    assert f'href="{URL}"' in changelist.content.decode()
    page = staff_client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'enctype="multipart/form-data"' in body and 'name="analyze"' in body


def test_scrape_upload_needs_staff(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_scrape_upload_stores_and_reports_counts(staff_client):
    response = staff_client.post(
        URL, {"file": as_file(feed(3)), "scraped_at": "2026-05-01 10:00"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("admin:authors_authorsource_changelist")
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(t.startswith("Stored feed.json: 1 authors, 3 videos") for t in texts), texts
    assert VideoSource.objects.count() == 3
    assert AuthorSnapshot.objects.get().taken_at.isoformat() == "2026-05-01T10:00:00+00:00"
    assert not Job.objects.exists()


def test_scrape_upload_can_queue_the_analysis(staff_client, staff_user):
    response = staff_client.post(URL, {"file": as_file(feed(2)), "analyze": "on"}, follow=True)
    job = Job.objects.get()
    assert (job.target_label, job.created_by) == ("@creator_0", staff_user)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(f"job {job.pk}</a>" in t for t in texts), texts


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"[{", "feed.json: not JSON: "),
        (json.dumps({"nope": 1}).encode(), "feed.json: $: unknown scrape shape"),
    ],
)
def test_scrape_upload_bad_file_shows_the_problem_and_writes_nothing(
    staff_client, content, expected
):
    upload = SimpleUploadedFile("feed.json", content, content_type="application/json")
    response = staff_client.post(URL, {"file": upload, "analyze": "on"})
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not (AuthorSource.objects.exists() or Video.objects.exists() or Job.objects.exists())


def test_scrape_upload_bad_count_names_the_json_path(staff_client):
    items = feed(2)
    items[1]["commentCount"] = -4
    response = staff_client.post(URL, {"file": as_file(items)})
    assert "feed.json: $[1].commentCount: negative count -4" in response.content.decode()
    assert not AuthorSource.objects.exists()


def test_scrape_upload_file_over_the_limit(staff_client, settings):
    settings.SCRAPE_MAX_BYTES = 500
    response = staff_client.post(URL, {"file": as_file(feed(3))})
    assert "over the 500 bytes limit" in response.content.decode()
    assert not AuthorSource.objects.exists()


def test_scrape_upload_stores_a_creators_csv(staff_client):
    upload = SimpleUploadedFile("creators.csv", CREATORS_CSV.read_bytes(), content_type="text/csv")
    response = staff_client.post(URL, {"file": upload}, follow=True)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(t.startswith("Stored creators.csv: 2 authors, 7 videos, 4 sounds") for t in texts)
    assert any("has no sound" in t for t in texts), texts  # the warning is shown
    assert VideoSource.objects.count() == 7
    assert AuthorSource.objects.filter(external_id="@mai.bakes").exists()


def test_scrape_upload_bad_csv_row_names_line_and_column(staff_client):
    content = CREATORS_CSV.read_bytes().replace(b"2025-05-03 09:30:00", b"2025-05-33 09:30:00")
    upload = SimpleUploadedFile("creators.csv", content, content_type="text/csv")
    response = staff_client.post(URL, {"file": upload, "analyze": "on"})
    assert response.status_code == 200
    where = "creators.csv: line 3 (row 2), column vid_postTime: "
    assert where + "bad time &#x27;2025-05-33 09:30:00&#x27;" in response.content.decode()
    assert not (AuthorSource.objects.exists() or Video.objects.exists() or Job.objects.exists())
