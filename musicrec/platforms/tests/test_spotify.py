"""The Spotify adapter against recorded responses served at the HTTP boundary.

spotipy, requests and urllib3's retry logic run for real; `responses` replaces the network.
One test uses a local HTTP server instead, because `responses` skips urllib3's sleep and only
a real connection shows that a Retry-After wait happens.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import responses
from django.core.cache import cache as django_cache
from django.core.cache.backends.locmem import LocMemCache

from musicrec.platforms.spotify import (
    API_BASE,
    TOKEN_URL,
    SpotifyAuthError,
    SpotifyClient,
    SpotifyError,
    spotify_cache_key,
    spotify_client_from_settings,
)
from musicrec.platforms.tests.spotify_fixtures import FIXTURES_DIR, register_spotify_responses

HEAT_WAVES_ID = "02MWAaffLxlfxAUY7c5dvx"
HEAT_WAVES_URL = f"{API_BASE}tracks/{HEAT_WAVES_ID}"


def _fixture(name: str) -> str:
    return (FIXTURES_DIR / name).read_text(encoding="utf-8")


def _client(**kwargs: object) -> SpotifyClient:
    kwargs.setdefault("backoff_factor", 0.0)
    return SpotifyClient("test-id", "test-secret", **kwargs)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Answers go to Django's cache, which outlives a test: start and end each test empty."""
    django_cache.clear()
    yield
    django_cache.clear()


def _api_calls(rsps: responses.RequestsMock, prefix: str = API_BASE) -> list[str]:
    return [call.request.url for call in rsps.calls if call.request.url.startswith(prefix)]


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def recorded(rsps: responses.RequestsMock) -> responses.RequestsMock:
    register_spotify_responses(rsps, FIXTURES_DIR)
    return rsps


# --- lookups -------------------------------------------------------------------------------------


def test_track_parses_development_mode_shape(recorded: responses.RequestsMock) -> None:
    track = _client().track(HEAT_WAVES_ID)

    assert track is not None
    assert track.title == "Heat Waves"
    assert track.artists == ("Glass Animals",)
    assert track.artist_ids == ("4yvcSjfu4PC0CYQyLy4wSq",)
    assert track.album == "Dreamland"
    assert track.release_date == "2020-08-07"
    assert track.duration_s == 238.805
    assert track.isrc == "GBUM72000433"
    assert track.url == f"https://open.spotify.com/track/{HEAT_WAVES_ID}"
    assert track.explicit is False
    assert track.popularity is None  # Development Mode no longer returns it


def test_track_keeps_popularity_when_returned(recorded: responses.RequestsMock) -> None:
    track = _client().track("spotify:track:5PjdY0CKGZdEuoNab3yDmX")

    assert track is not None
    assert track.popularity == 86
    assert track.artists == ("The Kid LAROI", "Justin Bieber")
    assert track.explicit is True


def test_track_unknown_id_returns_none(recorded: responses.RequestsMock) -> None:
    assert _client().track("0000000000000000000000") is None


def test_artist_without_genres_or_popularity(recorded: responses.RequestsMock) -> None:
    artist = _client().artist("4yvcSjfu4PC0CYQyLy4wSq")

    assert artist is not None
    assert artist.name == "Glass Animals"
    assert artist.genres == ()
    assert artist.popularity is None


def test_artist_with_genres_and_popularity(recorded: responses.RequestsMock) -> None:
    artist = _client().artist("1aSxMhuvixZ8h9dK9jIDwL")

    assert artist is not None
    assert artist.genres[:2] == ("art pop", "art rock")
    assert artist.popularity == 78


def test_search_sends_the_words_as_given_and_rejects_limit_over_ten(
    recorded: responses.RequestsMock,
) -> None:
    client = _client()
    tracks = client.search('"Heat Waves"', "Glass Animals", limit=2)

    assert [t.spotify_id for t in tracks] == ["3uNN4y0lGJc1RWXgDBUkJk", HEAT_WAVES_ID]
    sent = _api_calls(recorded, f"{API_BASE}search")[0]
    # Double quotes delimit the field phrase, so the words lose theirs.
    assert "q=track%3A%22Heat+Waves%22+artist%3A%22Glass+Animals%22" in sent
    assert "limit=2" in sent
    assert client.search(" ", "") == []
    with pytest.raises(ValueError, match="1-10"):
        client.search("Heat Waves", "Glass Animals", limit=11)


def test_search_returns_every_candidate_unscored(recorded: responses.RequestsMock) -> None:
    # Which candidate is the recording is music.matching's call, not the adapter's.
    tracks = _client().search("Stay", "The Kid LAROI")

    assert [(t.title, t.artists[0]) for t in tracks] == [
        ("STAY (with Justin Bieber) - Sped Up", "The Kid LAROI"),
        ("STAY (with Justin Bieber)", "The Kid LAROI"),
        ("Stay", "Rihanna"),
    ]


def test_search_by_isrc_needs_the_exact_code(recorded: responses.RequestsMock) -> None:
    client = _client()

    assert client.search_by_isrc("GBUM72000433").spotify_id == HEAT_WAVES_ID
    assert client.search_by_isrc("") is None
    assert "q=isrc%3AGBUM72000433" in _api_calls(recorded)[0]
    assert len(_api_calls(recorded)) == 1


# --- failures and retries ------------------------------------------------------------------------


def test_retries_429_honouring_retry_after(rsps: responses.RequestsMock) -> None:
    rsps.add(
        responses.GET,
        HEAT_WAVES_URL,
        status=429,
        body=_fixture("error_429.json"),
        headers={"Retry-After": "1"},
    )
    register_spotify_responses(rsps, FIXTURES_DIR)

    track = _client().track(HEAT_WAVES_ID)

    assert track is not None and track.title == "Heat Waves"
    assert [c.response.status_code for c in rsps.calls if c.request.url == HEAT_WAVES_URL] == [
        429,
        200,
    ]


def test_retries_500_then_succeeds(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, HEAT_WAVES_URL, status=500, body=_fixture("error_500.json"))
    register_spotify_responses(rsps, FIXTURES_DIR)

    assert _client().track(HEAT_WAVES_ID) is not None
    assert len(_api_calls(rsps)) == 2


def test_persistent_500_raises_after_retries(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, TOKEN_URL, body=_fixture("token.json"))
    rsps.add(responses.GET, HEAT_WAVES_URL, status=500, body=_fixture("error_500.json"))

    with pytest.raises(SpotifyError, match=r"track lookup failed \(500\)") as caught:
        _client(max_retries=2).track(HEAT_WAVES_ID)

    assert caught.value.status == 500
    assert len(_api_calls(rsps)) == 3  # the first try and two retries


def test_persistent_429_raises_readable_error(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, TOKEN_URL, body=_fixture("token.json"))
    rsps.add(
        responses.GET,
        HEAT_WAVES_URL,
        status=429,
        body=_fixture("error_429.json"),
        headers={"Retry-After": "1"},
    )

    with pytest.raises(SpotifyError, match=r"rate-limited \(429\) after 1 retries"):
        _client(max_retries=1).track(HEAT_WAVES_ID)


def test_api_401_raises_readable_auth_error(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, TOKEN_URL, body=_fixture("token.json"))
    rsps.add(responses.GET, HEAT_WAVES_URL, status=401, body=_fixture("error_401.json"))

    with pytest.raises(SpotifyAuthError) as caught:
        _client().track(HEAT_WAVES_ID)

    assert str(caught.value) == (
        "Spotify rejected the client credentials (401): check SPOTIFY_CLIENT_ID/SECRET"
    )
    assert len(_api_calls(rsps)) == 1  # 401 is not retried


def test_token_rejection_raises_auth_error(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, TOKEN_URL, status=400, body=_fixture("token_invalid_client.json"))

    with pytest.raises(SpotifyAuthError, match="check SPOTIFY_CLIENT_ID/SECRET"):
        _client().search("Heat Waves", "Glass Animals")
    assert _api_calls(rsps) == []


def test_unreachable_spotify_raises_spotify_error(rsps: responses.RequestsMock) -> None:
    # Nothing registered: `responses` refuses the connection, as a dead network would.
    with pytest.raises(SpotifyError, match="no answer"):
        _client(max_retries=0).track(HEAT_WAVES_ID)


class _RateLimitedSpotify(BaseHTTPRequestHandler):
    """Token endpoint plus one track that answers 429 with a long Retry-After the first time."""

    hits: list[float] = []

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def _send(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._send(200, _fixture("token.json"))

    def do_GET(self) -> None:  # noqa: N802
        type(self).hits.append(time.monotonic())
        if len(type(self).hits) == 1:
            self._send(429, _fixture("error_429.json"), {"Retry-After": "30"})
        else:
            self._send(200, _fixture(f"tracks/{HEAT_WAVES_ID}.json"))


def test_retry_after_is_waited_for_and_capped_on_a_real_connection() -> None:
    _RateLimitedSpotify.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RateLimitedSpotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        client = _client(
            api_base=f"{base}/v1/", token_url=f"{base}/api/token", max_retry_after_s=1, timeout=5
        )
        track = client.track(HEAT_WAVES_ID)
    finally:
        server.shutdown()
        server.server_close()

    assert track is not None and track.spotify_id == HEAT_WAVES_ID
    first, second = _RateLimitedSpotify.hits
    # Retry-After: 30 capped to 1 s; without Retry-After the first retry would not wait at all.
    assert 0.9 <= second - first < 10


# --- caching -------------------------------------------------------------------------------------


def test_second_call_is_served_from_djangos_cache(recorded: responses.RequestsMock) -> None:
    client = _client()

    first = client.search("Heat Waves", "Glass Animals")
    calls_after_first = len(_api_calls(recorded))
    second = _client().search("Heat Waves", "Glass Animals")  # a new client, the same cache
    client.track(HEAT_WAVES_ID)
    client.track(HEAT_WAVES_ID)

    assert first == second
    assert calls_after_first == 1
    assert len(_api_calls(recorded)) == 2  # the search once, the track once
    assert django_cache.get(spotify_cache_key("track", HEAT_WAVES_ID)) == first[1]


def test_not_found_is_cached_too(recorded: responses.RequestsMock) -> None:
    client = _client()

    assert client.search_by_isrc("USXXX9999999") is None
    assert client.search_by_isrc("USXXX9999999") is None
    assert len(_api_calls(recorded)) == 1


def test_remembered_track_needs_no_lookup(recorded: responses.RequestsMock) -> None:
    client = _client()
    (track, *_) = [t for t in client.search("Heat Waves", "Glass Animals") if t.isrc]
    client.remember_track(track)

    assert client.track(track.spotify_id) == track
    assert len(_api_calls(recorded)) == 1  # the search only


def test_another_cache_backend_can_be_given(recorded: responses.RequestsMock) -> None:
    own = LocMemCache("spotify-test", {})

    first = _client(cache=own).track(HEAT_WAVES_ID)
    second = _client(cache=own).track(HEAT_WAVES_ID)

    assert first == second
    assert len(_api_calls(recorded)) == 1
    assert own.get(spotify_cache_key("track", HEAT_WAVES_ID)) == first
    assert django_cache.get(spotify_cache_key("track", HEAT_WAVES_ID)) is None


def test_a_broken_cache_is_a_miss_not_a_failure(
    recorded: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(LocMemCache):
        def get(self, *args: object, **kwargs: object) -> object:
            raise RuntimeError("no such table: musicrec_cache")

        def set(self, *args: object, **kwargs: object) -> None:
            raise RuntimeError("no such table: musicrec_cache")

    with caplog.at_level(logging.WARNING, logger="musicrec.platforms.spotify"):
        track = _client(cache=Broken("broken", {})).track(HEAT_WAVES_ID)

    assert track is not None and track.spotify_id == HEAT_WAVES_ID
    assert "Spotify result cache unavailable" in caplog.text


def test_cache_key_names_the_call_and_is_backend_safe() -> None:
    key = spotify_cache_key("search", 'track:"Stay"', 10)

    assert key.startswith("spotify:v2:search:")
    assert key != spotify_cache_key("search", 'track:"Stay"', 5)
    assert re.fullmatch(r"[a-z0-9:]+", key)  # safe for memcached-style backends


# --- configuration -------------------------------------------------------------------------------


def test_disabled_when_credentials_unset(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="musicrec.platforms.spotify"):
        client = spotify_client_from_settings(
            {"SPOTIFY_CLIENT_ID": "", "SPOTIFY_CLIENT_SECRET": ""}
        )

    assert client is None
    assert [r.getMessage() for r in caplog.records] == [
        "Spotify enrichment disabled: SPOTIFY_CLIENT_ID is not set"
    ]


def test_enabled_when_credentials_set(recorded: responses.RequestsMock) -> None:
    client = spotify_client_from_settings(
        {"SPOTIFY_CLIENT_ID": "id", "SPOTIFY_CLIENT_SECRET": "secret", "SPOTIFY_TIMEOUT": "3"}
    )

    assert client is not None
    assert client.track(HEAT_WAVES_ID) is not None


def test_spotipy_is_imported_only_by_the_adapter() -> None:
    root = Path(__file__).resolve().parents[3]
    skip = {".venv", ".git", "node_modules", "static", "media", ".cache"}
    importers = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if name not in skip]
        for name in files:
            path = Path(folder) / name
            if name.endswith(".py") and re.search(
                r"^\s*(import spotipy|from spotipy)", path.read_text("utf-8"), re.M
            ):
                importers.append(str(path.relative_to(root)))

    assert importers == ["musicrec/platforms/spotify.py"]


def test_fixture_bodies_are_valid_json() -> None:
    for path in FIXTURES_DIR.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
