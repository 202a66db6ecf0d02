"""Spotify failing under a matching Job (issue 14), through a real HTTP server on loopback: a
rejected token, 429 with Retry-After, 5xx, a timeout and a body that is not JSON. Retries happen
where they help (429, 5xx) and not where they cannot (401, a timeout that may have been served),
then the Job ends with a readable reason per track and the batch goes on: never a stuck job.

The adapter and spotipy run unchanged; only their two addresses point at the local server.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import caches

from music.services import spotify as spotify_services
from music.services.spotify import music_enrichment_enqueue
from music.tests.factories import MusicFactory
from musicrec.core.models import Job
from musicrec.core.tests.local_http import LocalServer, Reply, serve
from musicrec.platforms.spotify import SpotifyClient

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "musicrec/platforms/tests/fixtures/spotify"
TOKEN = "/api/token"
SEARCH = "/v1/search"
JSON = {"Content-Type": "application/json"}


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def server(settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    """Spotify on loopback: one retry, a 1 s timeout and Retry-After capped to 1 s."""
    settings.SPOTIFY_CLIENT_ID = "test-client-id"
    settings.SPOTIFY_CLIENT_SECRET = "test-client-secret"
    caches["default"].clear()
    for local in serve():

        def client(local: LocalServer = local) -> SpotifyClient:
            return SpotifyClient(
                "test-client-id", "test-client-secret", timeout=1.0, max_retries=1,
                backoff_factor=0.0, max_retry_after_s=1, api_base=local.url("/v1/"),
                token_url=local.url(TOKEN),
            )  # fmt: skip

        monkeypatch.setattr(spotify_services, "spotify_client", client)
        local.route(TOKEN, Reply(200, _fixture("token.json"), JSON))
        yield local
    caches["default"].clear()


def _enrich(
    django_capture_on_commit_callbacks,
    isrcs: tuple[str, ...] | list[str] = ("USAAA2600000", "USAAA2600001"),
) -> tuple[Job, float]:
    """Match a track for each ISRC on Spotify in one Job; (the Job as it ended, seconds)."""
    ids = [MusicFactory(title=f"Song {n}", isrc=isrc).pk for n, isrc in enumerate(isrcs)]
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        job = music_enrichment_enqueue(music_ids=ids)
    job.refresh_from_db()
    return job, time.monotonic() - started


@pytest.mark.parametrize(
    ("replies", "tries", "reason"),
    [
        ([Reply(429, _fixture("error_429.json"), {**JSON, "Retry-After": "30"})], 2,
         "Spotify search was still rate-limited (429) after 1 retries; try again later"),
        ([Reply(503, b'{"error": {"status": 503, "message": "busy"}}', JSON)], 2,
         "Spotify search failed (503): busy"),
        ([Reply(200, b'{"tracks": {"items": [', JSON)], 1,
         "Spotify search failed: the answer was not JSON"),
        ([Reply(200, b"", JSON, delay=3.0)], 1, "no answer (ReadTimeout"),
    ],
    ids=["429-retry-after", "503", "malformed-json", "timeout"],
)  # fmt: skip
def test_a_failing_spotify_fails_each_track_readably_and_ends_the_job(
    server, django_capture_on_commit_callbacks, replies, tries, reason
):
    server.route(SEARCH, *replies)

    job, seconds = _enrich(django_capture_on_commit_callbacks)

    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert job.counts == {"done": 0, "failed": 2, "skipped": 0}
    problems = job.error.splitlines()
    assert len(problems) == 2 and all(reason in line for line in problems), problems
    assert len(server.requests_to(SEARCH)) == 2 * tries  # per track: the first try + retries
    assert seconds < 60


def test_a_rejected_token_stops_the_batch_without_retrying(
    server, django_capture_on_commit_callbacks
):
    server.route(TOKEN, Reply(401, _fixture("token_invalid_client.json"), JSON))

    job, _ = _enrich(django_capture_on_commit_callbacks, isrcs=["USAAA2600000"] * 3)

    assert job.status == Job.Status.FAILED
    assert job.counts == {"done": 0, "failed": 3, "skipped": 0}
    assert job.error == (
        "Spotify rejected the client credentials (401): check SPOTIFY_CLIENT_ID/SECRET"
    )
    assert len(server.requests_to(TOKEN)) == 1 and server.requests_to(SEARCH) == []


def test_a_passing_rate_limit_is_waited_out(server, django_capture_on_commit_callbacks):
    found = _fixture("search/isrc_GBUM72000433.json")
    server.route(
        SEARCH,
        Reply(429, _fixture("error_429.json"), {**JSON, "Retry-After": "1"}),
        Reply(200, found, JSON),
    )

    job, seconds = _enrich(django_capture_on_commit_callbacks, isrcs=["GBUM72000433"])

    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.counts == {"done": 1, "failed": 0, "skipped": 0}
    assert len(server.requests_to(SEARCH)) == 2
    assert seconds >= 0.9  # Retry-After: 1 was waited for
