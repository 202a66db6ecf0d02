"""Spotify adapter: the only module that imports spotipy.

Spotify serves us as an identity resolver only (see docs/music-signals.md): since 2024-11 a new
app gets no audio features, recommendations or related artists, and since the February 2026
Development Mode changes no batch GETs, no track/artist popularity and (as observed) no artist
genres; search returns at most 10 items. What remains is search, one track (with its ISRC) and
one artist. This module wraps exactly that and hands back our own frozen dataclasses, never raw
JSON, so nothing else in the project depends on Spotify's response shapes.

Resilience is configured, not re-implemented: one requests session with urllib3's `Retry`
(429 and 5xx, exponential back-off, Retry-After honoured up to a cap) is shared by the token
request and the API calls. spotipy would otherwise build its own retrying session for the API
and a plain one for the token, and it cannot cap Retry-After. Answers are kept in Django's cache
(shared by workers, survives restarts), so re-running an import makes no API calls.

Deciding which search result is the recording we asked about is the music app's job
(`music.services.spotify.spotify_track_match` with `music.matching`): this adapter sends the
query it is given and returns every candidate, so the ground floor knows no app.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
import spotipy
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from requests.adapters import HTTPAdapter
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.exceptions import SpotifyException, SpotifyOauthError
from spotipy.oauth2 import SpotifyClientCredentials
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

API_BASE = "https://api.spotify.com/v1/"
TOKEN_URL = "https://accounts.spotify.com/api/token"
SEARCH_LIMIT_MAX = 10  # Development Mode cap since February 2026
RETRY_STATUSES = (429, 500, 502, 503, 504)
CACHE_TTL_S = 7 * 24 * 3600
_MISSING: Any = object()  # a cache miss, told apart from a remembered "not found" (None)
_AUTH_ERROR_CODES = {"invalid_client", "unauthorized_client"}


class SpotifyError(Exception):
    """Spotify could not answer: network, rate limit after retries, or a server error."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class SpotifyAuthError(SpotifyError):
    """Spotify rejected our client credentials; retrying will not help, the settings must change."""


@dataclass(frozen=True)
class SpotifyTrack:
    spotify_id: str
    title: str
    artists: tuple[str, ...]
    artist_ids: tuple[str, ...]
    album: str | None
    release_date: str | None  # as Spotify gives it: "2020-03-20", "2020-03" or "2020"
    duration_s: float
    explicit: bool
    isrc: str | None  # as Spotify writes it; `music.matching.normalise_isrc` checks it
    url: str | None
    popularity: int | None  # only when Spotify still returns it (not in Development Mode)


@dataclass(frozen=True)
class SpotifyArtist:
    spotify_id: str
    name: str
    genres: tuple[str, ...]  # empty when Spotify does not return them
    popularity: int | None
    url: str | None


def spotify_cache_key(method: str, *args: Any) -> str:
    """A short, backend-safe cache key naming the call and a digest of its arguments; bump the
    version when the cached records change shape."""
    payload = json.dumps([method, *args], ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha1(payload.encode("utf-8")).hexdigest()
    return f"spotify:v2:{method}:{digest}"


# --- Parsing Spotify JSON into our records -------------------------------------------------------


def _track_from_json(data: Mapping[str, Any]) -> SpotifyTrack:
    artists = data.get("artists") or []
    album = data.get("album") or {}
    popularity = data.get("popularity")
    return SpotifyTrack(
        spotify_id=data["id"],
        title=data.get("name") or "",
        artists=tuple(a.get("name", "") for a in artists),
        artist_ids=tuple(a.get("id", "") for a in artists if a.get("id")),
        album=album.get("name"),
        release_date=album.get("release_date"),
        duration_s=round((data.get("duration_ms") or 0) / 1000.0, 3),
        explicit=bool(data.get("explicit", False)),
        isrc=(data.get("external_ids") or {}).get("isrc") or None,
        url=(data.get("external_urls") or {}).get("spotify"),
        popularity=int(popularity) if popularity is not None else None,
    )


def _artist_from_json(data: Mapping[str, Any]) -> SpotifyArtist:
    popularity = data.get("popularity")
    return SpotifyArtist(
        spotify_id=data["id"],
        name=data.get("name") or "",
        genres=tuple(data.get("genres") or ()),
        popularity=int(popularity) if popularity is not None else None,
        url=(data.get("external_urls") or {}).get("spotify"),
    )


def _search_text(value: str) -> str:
    # Double quotes delimit the field phrase in Spotify's query syntax.
    return value.replace('"', " ").strip()


# --- The client ---------------------------------------------------------------------------------


class SpotifyClient:
    """Client-credentials access to the Spotify endpoints a new app can still use."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        timeout: float = 10.0,
        max_retries: int = 3,
        backoff_factor: float = 0.5,
        max_retry_after_s: int = 30,
        cache: BaseCache | None = None,
        cache_ttl_s: int = CACHE_TTL_S,
        api_base: str = API_BASE,
        token_url: str = TOKEN_URL,
    ) -> None:
        self.max_retries = max_retries
        self.cache = cache if cache is not None else caches["default"]
        self.cache_ttl_s = cache_ttl_s
        retry = Retry(
            total=max_retries,
            connect=max_retries,
            read=False,  # a read timeout may mean the request was served; don't repeat it blindly
            status=max_retries,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET", "POST"}),  # POST is the token request
            backoff_factor=backoff_factor,
            respect_retry_after_header=True,
            retry_after_max=max_retry_after_s,
            # Hand the last response back instead of raising RetryError, so spotipy reports the
            # real status (a persistent 503 must not be mistaken for a rate limit).
            raise_on_status=False,
        )
        session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        auth = SpotifyClientCredentials(
            client_id=client_id,
            client_secret=client_secret,
            cache_handler=MemoryCacheHandler(),
            requests_session=session,
            requests_timeout=timeout,
        )
        auth.OAUTH_TOKEN_URL = token_url
        self._sp = spotipy.Spotify(
            auth_manager=auth, requests_session=session, requests_timeout=timeout
        )
        self._sp.prefix = api_base if api_base.endswith("/") else api_base + "/"

    # --- public methods ---

    def track(self, spotify_id: str) -> SpotifyTrack | None:
        """One track by Spotify ID, URI or URL; None if Spotify does not know it."""

        def fetch() -> SpotifyTrack | None:
            data = self._call("track lookup", self._sp.track, spotify_id)
            return _track_from_json(data) if data else None

        return self._cached(spotify_cache_key("track", spotify_id), fetch)

    def artist(self, spotify_id: str) -> SpotifyArtist | None:
        """One artist by Spotify ID, URI or URL; None if Spotify does not know it."""

        def fetch() -> SpotifyArtist | None:
            data = self._call("artist lookup", self._sp.artist, spotify_id)
            return _artist_from_json(data) if data else None

        return self._cached(spotify_cache_key("artist", spotify_id), fetch)

    def search_by_isrc(self, isrc: str) -> SpotifyTrack | None:
        """The track carrying this ISRC, or None. `isrc` is in Spotify's canonical form (twelve
        characters, upper case, no hyphens: `music.matching.normalise_isrc`)."""
        code = isrc.strip()
        if not code:
            return None

        def fetch() -> SpotifyTrack | None:
            tracks = self._search_tracks(f"isrc:{code}", SEARCH_LIMIT_MAX)
            # Search is fuzzy; only an exact ISRC on the returned track counts.
            return next((t for t in tracks if t.isrc == code), None)

        return self._cached(spotify_cache_key("isrc", code), fetch)

    def search(
        self, title: str, artist: str, *, limit: int = SEARCH_LIMIT_MAX
    ) -> list[SpotifyTrack]:
        """Tracks found by a field search on this title and artist, best first by Spotify's
        relevance. The words are sent as given: the caller strips decoration and credits."""
        if not 1 <= limit <= SEARCH_LIMIT_MAX:
            raise ValueError(f"Spotify search limit must be 1-{SEARCH_LIMIT_MAX}, got {limit}")
        parts = [
            f'{field}:"{_search_text(value)}"'
            for field, value in (("track", title), ("artist", artist))
            if _search_text(value)
        ]
        if not parts:
            return []
        query = " ".join(parts)
        found = self._cached(
            spotify_cache_key("search", query, limit),
            lambda: tuple(self._search_tracks(query, limit)),
        )
        return list(found)

    def remember_track(self, track: SpotifyTrack) -> None:
        """Cache `track` as the answer to a lookup by its id (a search already returned it)."""
        self._cache_set(spotify_cache_key("track", track.spotify_id), track)

    # --- plumbing ---

    def _search_tracks(self, query: str, limit: int) -> list[SpotifyTrack]:
        data = self._call("search", self._sp.search, q=query, type="track", limit=limit)
        items = ((data or {}).get("tracks") or {}).get("items") or []
        return [_track_from_json(item) for item in items if item and item.get("id")]

    def _cached(self, key: str, fetch: Callable[[], Any]) -> Any:
        try:
            value = self.cache.get(key, _MISSING)
        except Exception as exc:  # e.g. the cache table was never created: a miss, not a failure
            logger.warning("Spotify result cache unavailable (%s): calling the API", exc)
            value = _MISSING
        if value is _MISSING:
            value = fetch()
            self._cache_set(key, value)
        return value

    def _cache_set(self, key: str, value: Any) -> None:
        try:
            self.cache.set(key, value, self.cache_ttl_s)
        except Exception as exc:
            logger.warning("Spotify result cache unavailable (%s): result not cached", exc)

    def _call(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one spotipy call, translating its failures into our two readable errors.

        Returns None for 404, which Spotify uses for an unknown ID. spotipy returns None for
        an answer that is not JSON: that is a failure, never "not found" (which is cached).
        """
        try:
            result = fn(*args, **kwargs)
        except SpotifyOauthError as exc:
            response = getattr(exc.__context__, "response", None)
            status = getattr(response, "status_code", None)
            if status == 401 or exc.error in _AUTH_ERROR_CODES:
                raise SpotifyAuthError(
                    f"Spotify rejected the client credentials ({status or exc.error}): "
                    "check SPOTIFY_CLIENT_ID/SECRET",
                    status=status,
                ) from exc
            raise SpotifyError(
                f"Spotify token request failed ({status}): {exc.error_description or exc.error}",
                status=status,
            ) from exc
        except SpotifyException as exc:
            if exc.http_status == 401:
                raise SpotifyAuthError(
                    "Spotify rejected the client credentials (401): check SPOTIFY_CLIENT_ID/SECRET",
                    status=401,
                ) from exc
            if exc.http_status == 404:
                return None
            if exc.http_status == 429:
                raise SpotifyError(
                    f"Spotify {what} was still rate-limited (429) after {self.max_retries} "
                    "retries; try again later",
                    status=429,
                ) from exc
            detail = str(exc.msg).split("\n")[-1].strip()
            raise SpotifyError(
                f"Spotify {what} failed ({exc.http_status}): {detail}", status=exc.http_status
            ) from exc
        except requests.RequestException as exc:
            raise SpotifyError(
                f"Spotify {what} failed: no answer ({type(exc).__name__}: {exc})"
            ) from exc
        if result is None:
            raise SpotifyError(f"Spotify {what} failed: the answer was not JSON")
        return result


def spotify_client_from_settings(
    values: Mapping[str, Any], *, cache: BaseCache | None = None
) -> SpotifyClient | None:
    """A client from settings-like values, or None (logged once per call) when unconfigured.

    Reads SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET and optionally SPOTIFY_TIMEOUT (seconds) and
    SPOTIFY_MAX_RETRIES. Without credentials the app keeps working offline, so this is a
    warning, not an error.
    """
    client_id = str(values.get("SPOTIFY_CLIENT_ID") or "").strip()
    client_secret = str(values.get("SPOTIFY_CLIENT_SECRET") or "").strip()
    for name, value in (("SPOTIFY_CLIENT_ID", client_id), ("SPOTIFY_CLIENT_SECRET", client_secret)):
        if not value:
            logger.warning("Spotify enrichment disabled: %s is not set", name)
            return None
    return SpotifyClient(
        client_id,
        client_secret,
        timeout=float(values.get("SPOTIFY_TIMEOUT") or 10.0),
        max_retries=int(values.get("SPOTIFY_MAX_RETRIES") or 3),
        cache=cache,
    )
