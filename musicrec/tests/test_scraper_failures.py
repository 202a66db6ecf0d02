"""The HTTP scraper failing under an analysis Job (issue 14), through a real HTTP server on
loopback: a rejected token, 429 with Retry-After, 5xx, a timeout and a body that is not JSON.
Retried where it helps (429, 5xx), then the Job ends failed with a readable reason that carries
no token, and nothing is stored: never a stuck job, never a half-stored creator.

The fetcher's behaviour per answer is tested in musicrec/platforms/tests/test_scrapers.py; this
is the same through `analyze_influencer_enqueue` as a user starts it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from authors.models import Author
from musicrec.core.models import Job
from musicrec.core.tests.local_http import LocalServer, Reply, serve
from musicrec.pipeline import analyze_influencer_enqueue
from videos.models import Video

pytestmark = pytest.mark.django_db

ACTOR = "clockworks~tiktok-scraper"
RUN_PATH = f"/v2/acts/{ACTOR}/run-sync-get-dataset-items"
TOKEN = "secret-scraper-token"
SAMPLE = (
    Path(__file__).resolve().parents[1]
    / "platforms/tests/fixtures/samples/thebigbradwolf_1609948309033.json"
)


@pytest.fixture
def server(settings) -> Iterator[LocalServer]:
    """The scraper on loopback: two retries, 10 ms back-off, a 1 s time limit."""
    for local in serve():
        settings.SCRAPER_SOURCE = "http"
        settings.SCRAPER_HTTP_BASE_URL = local.url("")
        settings.SCRAPER_HTTP_TOKEN = TOKEN
        settings.SCRAPER_HTTP_ACTOR = ACTOR
        settings.SCRAPER_HTTP_TIMEOUT = 1.0
        settings.SCRAPER_HTTP_RETRIES = 2
        settings.SCRAPER_HTTP_BACKOFF = 0.01
        yield local


def _analyze(django_capture_on_commit_callbacks) -> tuple[Job, float]:
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        job = analyze_influencer_enqueue(handle="thebigbradwolf")
    job.refresh_from_db()
    return job, time.monotonic() - started


@pytest.mark.parametrize(
    ("reply", "tries", "words"),
    [
        (Reply.json({"error": {"message": "User was not found"}}, 401), 1, "401"),
        (Reply.json({"error": {"message": "slow down"}}, 429, headers={"Retry-After": "1"}), 3,
         "429"),
        (Reply.json({"error": {"type": "internal-error"}}, 502), 3, "502"),
        (Reply(200, b"<html><body>Service temporarily unavailable</body></html>"), 1, "JSON"),
        (Reply(200, b"[]", delay=3.0), 1, "within 1 s"),
    ],
    ids=["401", "429-retry-after", "502", "not-json", "timeout"],
)  # fmt: skip
def test_a_failing_scraper_fails_the_job_readably_and_stores_nothing(
    server, django_capture_on_commit_callbacks, reply, tries, words
):
    server.route(RUN_PATH, reply)

    job, seconds = _analyze(django_capture_on_commit_callbacks)

    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert job.error.startswith("Could not read the scrape: "), job.error
    assert words in job.error and TOKEN not in job.error, job.error
    assert len(server.requests_to(RUN_PATH)) == tries
    assert not Author.objects.exists() and not Video.objects.exists()
    assert seconds < 60


def test_a_passing_server_error_is_retried_and_the_creator_analysed(
    server, django_capture_on_commit_callbacks
):
    three = json.loads(SAMPLE.read_text())[:3]  # a few videos: the analysis is not the point
    server.route(RUN_PATH, Reply(503, b"busy"), Reply.json(three))

    job, _ = _analyze(django_capture_on_commit_callbacks)

    assert job.status in (Job.Status.SUCCEEDED, Job.Status.PARTIAL), job.error
    assert len(server.requests_to(RUN_PATH)) == 2
    assert Video.objects.count() == 3
