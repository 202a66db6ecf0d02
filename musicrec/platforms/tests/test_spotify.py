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

from musicrec.platforms.spotify import (
    API_BASE,
    TOKEN_URL,
    ResultCache,
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


def test_search_sends_field_query_and_rejects_limit_over_ten(
    recorded: responses.RequestsMock,
) -> None:
    client = _client()
    tracks = client.search("Heat Waves (Radio Edit)", "Glass Animals feat. Someone", limit=2)

    assert [t.spotify_id for t in tracks] == ["3uNN4y0lGJc1RWXgDBUkJk", HEAT_WAVES_ID]
    sent = _api_calls(recorded, f"{API_BASE}search")[0]
    assert "q=track%3A%22Heat+Waves%22+artist%3A%22Glass+Animals%22" in sent
    assert "limit=2" in sent
    with pytest.raises(ValueError, match="1-10"):
        client.search("Heat Waves", "Glass Animals", limit=11)


# --- matching ------------------------------------------------------------------------------------


def test_match_by_isrc(recorded: responses.RequestsMock) -> None:
    result = _client().match("Heat Waves", "Glass Animals", isrc="gbum7-20-00433")

    assert result is not None
    assert result.method == "isrc"
    assert result.confidence == 1.0
    assert result.track.spotify_id == HEAT_WAVES_ID
    assert "q=isrc%3AGBUM72000433" in _api_calls(recorded)[0]


def test_match_by_search_within_duration_tolerance(recorded: responses.RequestsMock) -> None:
    client = _client()

    album_cut = client.match("Heat Waves", "Glass Animals", duration_s=240.0)
    feature = client.match("Heat Waves", "Glass Animals", duration_s=186.0)

    assert album_cut is not None and album_cut.method == "search"
    assert album_cut.track.spotify_id == HEAT_WAVES_ID
    # title 1.0, artist 1.0, |240 - 238.805| = 1.195 s of a 7.2 s tolerance (3 % of 240 s)
    assert album_cut.confidence == pytest.approx(0.5 + 0.3 + 0.2 * (1 - 1.195 / 7.2), abs=1e-4)
    assert feature is not None
    assert feature.track.title == "Heat Waves (feat. iann dior)"


def test_match_respects_version_tags(recorded: responses.RequestsMock) -> None:
    client = _client()

    sped_up = client.match("Stay (Sped Up)", "The Kid LAROI", duration_s=121.0)
    original = client.match("Stay", "The Kid LAROI & Justin Bieber", duration_s=143.0)

    assert sped_up is not None
    assert sped_up.track.title == "STAY (with Justin Bieber) - Sped Up"
    assert original is not None
    assert original.track.spotify_id == "5PjdY0CKGZdEuoNab3yDmX"


def test_match_none_when_duration_outside_tolerance(recorded: responses.RequestsMock) -> None:
    # 238.8 s is 11.2 s from 250 s, beyond max(3 s, 3 % of 250 s = 7.5 s)
    assert _client().match("Heat Waves", "Glass Animals", duration_s=250.0) is None


def test_match_none_without_candidates(recorded: responses.RequestsMock) -> None:
    client = _client()

    assert client.match("Nivel De Perreo", "J Balvin;Ryan Castro", duration_s=151.6) is None
    assert client.match("", "J Balvin") is None


def test_match_falls_back_to_search_for_unknown_isrc(recorded: responses.RequestsMock) -> None:
    result = _client().match("Heat Waves", "Glass Animals", 238.8, isrc="USXXX9999999")

    assert result is not None and result.method == "search"


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


def test_second_call_is_served_from_cache(recorded: responses.RequestsMock) -> None:
    client = _client()

    first = client.match("Heat Waves", "Glass Animals", duration_s=240.0)
    calls_after_first = len(_api_calls(recorded))
    second = client.match("Heat Waves", "Glass Animals", duration_s=240.0)
    client.track(HEAT_WAVES_ID)
    client.track(HEAT_WAVES_ID)

    assert first == second
    assert calls_after_first == 1
    assert len(_api_calls(recorded)) == 2  # the search once, the track once


def test_not_found_is_cached_too(recorded: responses.RequestsMock) -> None:
    client = _client()

    assert client.search_by_isrc("USXXX9999999") is None
    assert client.search_by_isrc("USXXX9999999") is None
    assert client.search_by_isrc("not an isrc") is None
    assert len(_api_calls(recorded)) == 1


def test_pluggable_cache_backend_survives_a_new_client(recorded: responses.RequestsMock) -> None:
    shared: dict[str, object] = {}

    def make() -> SpotifyClient:
        cache = ResultCache(backend_get=shared.get, backend_set=shared.__setitem__)
        return _client(cache=cache)

    first = make().track(HEAT_WAVES_ID)
    second = make().track(HEAT_WAVES_ID)

    assert first == second
    assert len(_api_calls(recorded)) == 1
    assert spotify_cache_key("track", HEAT_WAVES_ID) in shared


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
