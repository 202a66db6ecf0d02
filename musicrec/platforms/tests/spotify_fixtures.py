"""Serve the recorded Spotify responses at the HTTP boundary, for any test that needs Spotify.

The root conftest's `fake_spotify` fixture and the adapter's own tests both call
`register_spotify_responses`, so the real adapter, spotipy, requests and urllib3's retry logic
all run; only the network is replaced.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import responses

from musicrec.platforms.spotify import API_BASE, TOKEN_URL

FIXTURES_DIR = Path(__file__).parent / "fixtures" / "spotify"

_TRACK_URL = re.compile(re.escape(API_BASE) + r"tracks/([0-9A-Za-z]+)$")
_ARTIST_URL = re.compile(re.escape(API_BASE) + r"artists/([0-9A-Za-z]+)$")
_SEARCH_URL = re.compile(re.escape(API_BASE) + r"search(\?.*)?$")

_JSON = {"Content-Type": "application/json; charset=utf-8"}


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _object_callback(folder: Path, pattern: re.Pattern[str]):
    """Answer GET <kind>/<id> with <folder>/<id>.json, or Spotify's 404 envelope."""

    def callback(request: Any) -> tuple[int, dict[str, str], str]:
        match = pattern.match(request.url.split("?")[0])
        path = folder / f"{match.group(1)}.json" if match else None
        if path is None or not path.exists():
            return 404, _JSON, (folder.parent / "error_404.json").read_text(encoding="utf-8")
        return 200, _JSON, path.read_text(encoding="utf-8")

    return callback


def _search_callback(folder: Path):
    index: dict[str, str] = _load(folder / "index.json")

    def callback(request: Any) -> tuple[int, dict[str, str], str]:
        params = parse_qs(urlsplit(request.url).query)
        query = params.get("q", [""])[0]
        limit = int(params.get("limit", ["10"])[0])
        if query in index:
            body = _load(folder / index[query])
            body["tracks"]["items"] = body["tracks"]["items"][:limit]
        else:
            body = {
                "tracks": {
                    "href": request.url,
                    "items": [],
                    "limit": limit,
                    "next": None,
                    "offset": 0,
                    "previous": None,
                    "total": 0,
                }
            }
        return 200, _JSON, json.dumps(body)

    return callback


def register_spotify_responses(
    rsps: responses.RequestsMock, fixtures_dir: Path | str = FIXTURES_DIR
) -> None:
    """Register the token endpoint, GET tracks/{id}, GET artists/{id} and GET search on `rsps`.

    Responses registered on `rsps` *before* this call win once for the same URL (responses'
    first-match registry pops them), which is how tests script "429, then the recording".
    """
    root = Path(fixtures_dir)
    rsps.add(
        responses.POST,
        TOKEN_URL,
        body=(root / "token.json").read_text(encoding="utf-8"),
        status=200,
        headers=_JSON,
    )
    rsps.add_callback(
        responses.GET, _TRACK_URL, callback=_object_callback(root / "tracks", _TRACK_URL)
    )
    rsps.add_callback(
        responses.GET, _ARTIST_URL, callback=_object_callback(root / "artists", _ARTIST_URL)
    )
    rsps.add_callback(responses.GET, _SEARCH_URL, callback=_search_callback(root / "search"))
