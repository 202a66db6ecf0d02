"""Where scrape results come from: a folder of files, or an Apify-style HTTP scraper.

Both return the same `ScrapeResult` through `parse_scrape`, so the pipeline does not care which one
settings chose. Transport and lookup problems raise `ScraperError`; a scrape that arrives but
cannot be read raises `ScrapeError` (a `ValueError` naming the JSON path).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from musicrec.core.media import iter_body, root_cause
from musicrec.core.sizes import human_size
from musicrec.platforms.tiktok import ScrapeResult, parse_scrape_bytes, parse_scrape_file

__all__ = [
    "FileScraperSource",
    "HttpScraperSource",
    "ScraperError",
    "ScraperSource",
    "get_scraper_source",
]

# TikTok handles: letters, digits, "_" and "." (up to 24 chars); anything else is not a handle and
# must never reach a file path.
_HANDLE_RE = re.compile(r"^[a-z0-9_.]{1,64}$")
# A dated copy of a handle's scrape: `<handle>_<timestamp>.json`, `<handle>-2025-01-31.json`.
_DATED_SUFFIX_RE = re.compile(r"^[_\-. ]\d")
MAX_RETRY_AFTER_S = 300
RETRY_STATUSES = (429, 500, 502, 503, 504)


class ScraperError(RuntimeError):
    """A scrape could not be obtained (no file, HTTP failure, bad configuration)."""


class ScraperSource(Protocol):
    """Anything that turns a handle into a parsed scrape (file folder, HTTP scraper)."""

    def fetch(self, handle: str) -> ScrapeResult: ...


def normalize_handle(handle: str) -> str:
    """ "@Nina.K " -> "nina.k"; raises ScraperError for text that is not a TikTok handle."""
    cleaned = handle.strip().lstrip("@").strip().lower()
    if not _HANDLE_RE.match(cleaned) or set(cleaned) == {"."}:
        raise ScraperError(f"{handle!r} is not a TikTok handle")
    return cleaned


# --- Files --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileScraperSource:
    """Scrapes saved as files: `<folder>/<handle>.json`, dated copies, or `<folder>/<handle>/`.

    Lookup is case-insensitive. When several files match, `<handle>.json` wins, then the name that
    sorts last (dated names sort by date), so dropping a newer scrape next to an old one is enough.
    A scrape that does not say when it was made is dated by its file's modification time: reading
    the same file again (a retried job) then stores the same counts at the same time, not a
    second set of snapshots.
    """

    folder: Path
    max_bytes: int

    def fetch(self, handle: str) -> ScrapeResult:
        wanted = normalize_handle(handle)
        path = self.find(wanted)
        if path is None:
            raise ScraperError(f"no scrape for @{wanted} in {self.folder}")
        result = parse_scrape_file(path, max_bytes=self.max_bytes)
        if result.scraped_at is None:
            result = replace(
                result, scraped_at=datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
            )
        if result.author(wanted) is None:
            return replace(
                result,
                warnings=[*result.warnings, f"{path.name} has no author with the handle @{wanted}"],
            )
        return result

    def find(self, wanted: str) -> Path | None:
        if not self.folder.is_dir():
            raise ScraperError(f"the scrape folder {self.folder} does not exist")
        exact: Path | None = None
        candidates: list[Path] = []
        for entry in self.folder.iterdir():
            name = entry.name.lower()
            if entry.is_file() and name.endswith(".json"):
                stem = name.removesuffix(".json")
                if stem == wanted:
                    exact = entry
                elif stem.startswith(wanted) and _DATED_SUFFIX_RE.match(stem[len(wanted) :]):
                    candidates.append(entry)
            elif entry.is_dir() and name == wanted:
                candidates.extend(
                    p for p in entry.iterdir() if p.is_file() and p.name.lower().endswith(".json")
                )
        if exact is not None:
            return exact
        return max(candidates, key=lambda p: p.name.lower(), default=None)


# --- HTTP ---------------------------------------------------------------------------------------


@dataclass
class HttpScraperSource:
    """An Apify actor run synchronously: `POST /v2/acts/{actor}/run-sync-get-dataset-items`.

    The token travels in the `Authorization: Bearer` header (Apify accepts it there or as a
    `token` query parameter and recommends the header), so it never lands in a URL that a proxy
    or an error message could log. Retries are urllib3's `Retry`, as for Spotify: 429 and 5xx
    answers and refused connections are retried with exponential back-off (no wait before the
    first retry, then `backoff` x 2, x 4, ...), a Retry-After is honoured up to 5 minutes.
    Timeouts are not retried: the actor run keeps going on the server, and starting a second
    one would pay for the scrape twice. The body is streamed and abandoned once it passes
    `max_bytes`; `timeout` bounds the wait for the answer and, again, reading its body.
    """

    base_url: str
    token: str
    actor: str
    _: KW_ONLY
    timeout: float = 120.0
    retries: int = 3
    backoff: float = 1.0
    max_bytes: int = 50 * 1024 * 1024
    results_per_page: int = 30

    def __post_init__(self) -> None:
        if not self.token:
            raise ScraperError("the HTTP scraper needs a token (SCRAPER_HTTP_TOKEN is empty)")
        if not self.actor:
            raise ScraperError("the HTTP scraper needs an actor (SCRAPER_HTTP_ACTOR is empty)")

    @property
    def endpoint(self) -> str:
        actor = quote(self.actor, safe="~")
        return f"{self.base_url.rstrip('/')}/v2/acts/{actor}/run-sync-get-dataset-items"

    def fetch(self, handle: str) -> ScrapeResult:
        wanted = normalize_handle(handle)
        body = self._post(
            {"profiles": [wanted], "resultsPerPage": self.results_per_page}, f"@{wanted}"
        )
        source_name = f"{self.actor} run for @{wanted}"
        try:
            json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ScraperError(
                f"scraper answered {source_name} with a non-JSON body: {_excerpt(body)}"
            ) from None
        result = parse_scrape_bytes(body, source_name=source_name, max_bytes=self.max_bytes)
        if result.scraped_at is None:
            result = replace(result, scraped_at=datetime.now(tz=UTC))
        return result

    def _retry(self) -> Retry:
        return Retry(
            total=self.retries,
            connect=self.retries,
            read=False,  # a read timeout may mean the run is under way: never start a second
            status=self.retries,
            other=0,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"POST"}),
            backoff_factor=self.backoff,
            respect_retry_after_header=True,
            retry_after_max=MAX_RETRY_AFTER_S,
            # Hand the last answer back instead of raising, so its status and Apify's message
            # reach the error.
            raise_on_status=False,
        )

    def _post(self, payload: dict[str, Any], what: str) -> bytes:
        attempts = self.retries + 1
        with requests.Session() as session:
            session.mount("http://", HTTPAdapter(max_retries=self._retry()))
            session.mount("https://", HTTPAdapter(max_retries=self._retry()))
            try:
                response = session.post(
                    self.endpoint,
                    headers={"Authorization": f"Bearer {self.token}"},
                    json=payload,
                    timeout=self.timeout,
                    stream=True,
                )
            except requests.Timeout:
                raise ScraperError(
                    f"scraper did not answer for {what} within {self.timeout:g} s"
                ) from None
            except requests.ConnectionError as error:
                raise ScraperError(
                    f"scraper still failing for {what} after {_attempts(attempts)}: "
                    f"cannot connect to {self.base_url}: {root_cause(error)}"
                ) from None
            with response:
                status = response.status_code
                if status in (200, 201):
                    return self._read(response, time.monotonic() + self.timeout, what)
                detail = _error_detail(response)
                if status in RETRY_STATUSES:
                    history = getattr(getattr(response.raw, "retries", None), "history", ())
                    raise ScraperError(
                        f"scraper still failing for {what} after {_attempts(len(history) + 1)}: "
                        f"HTTP {status}{detail}"
                    )
                raise ScraperError(self._refusal(status, detail, what))

    def _read(self, response: requests.Response, deadline: float, what: str) -> bytes:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise ScraperError(
                f"scraper answer for {what} is {human_size(int(declared))}, "
                f"over the {human_size(self.max_bytes)} limit"
            )
        chunks: list[bytes] = []
        size = 0
        late = f"scraper did not finish answering for {what} within {self.timeout:g} s"
        try:
            for chunk in iter_body(response):
                size += len(chunk)
                if size > self.max_bytes:
                    raise ScraperError(
                        f"scraper answer for {what} is over the {human_size(self.max_bytes)} limit"
                    )
                if time.monotonic() > deadline:
                    raise ScraperError(late)
                chunks.append(chunk)
        except urllib3.exceptions.TimeoutError:
            raise ScraperError(late) from None
        except (urllib3.exceptions.HTTPError, OSError) as error:
            broke = f"scraper answer for {what} broke off: {root_cause(error)}"
            raise ScraperError(broke) from None
        return b"".join(chunks)

    def _refusal(self, status: int, detail: str, what: str) -> str:
        if status in (401, 403):
            return f"scraper refused the token (HTTP {status}{detail}); check SCRAPER_HTTP_TOKEN"
        if status == 404:
            return f"scraper actor {self.actor!r} not found at {self.base_url} (HTTP 404{detail})"
        if status == 408:
            return (
                f"scraper run for {what} took longer than the synchronous limit (HTTP 408{detail});"
                " the run may still finish on the scraper's side"
            )
        return f"scraper refused the request for {what} (HTTP {status}{detail})"


def _error_detail(response: requests.Response) -> str:
    """Apify's `{"error": {"type", "message"}}`, or the start of whatever body came back."""
    try:
        body = response.raw.read(4096, decode_content=True) or b""
    except Exception:  # the detail is a courtesy; the status code already tells the story
        return ""
    try:
        error = json.loads(body).get("error", {})
        message = error.get("message") or error.get("type")
        if message:
            return f": {message}"
    except (ValueError, AttributeError):
        pass
    text = _excerpt(body)
    return f": {text}" if text else ""


def _excerpt(body: bytes, limit: int = 120) -> str:
    text = " ".join(body[: limit * 4].decode("utf-8", "replace").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _attempts(count: int) -> str:
    return f"{count} attempt{'s' if count != 1 else ''}"


# --- Factory ------------------------------------------------------------------------------------


def get_scraper_source(settings: Mapping[str, Any]) -> ScraperSource:
    """The source named by `SCRAPER_SOURCE` ("file" or "http"), configured from plain settings."""
    kind = str(settings.get("SCRAPER_SOURCE", "file")).strip().lower()
    max_bytes = int(settings.get("SCRAPE_MAX_BYTES", 50 * 1024 * 1024))
    if kind == "file":
        folder = settings.get("SCRAPER_FILE_DIR")
        if not folder:
            raise ScraperError("SCRAPER_SOURCE is 'file' but SCRAPER_FILE_DIR is not set")
        return FileScraperSource(Path(folder), max_bytes=max_bytes)
    if kind == "http":
        return HttpScraperSource(
            base_url=str(settings.get("SCRAPER_HTTP_BASE_URL") or "https://api.apify.com"),
            token=str(settings.get("SCRAPER_HTTP_TOKEN") or ""),
            actor=str(settings.get("SCRAPER_HTTP_ACTOR") or "clockworks~tiktok-scraper"),
            timeout=float(settings.get("SCRAPER_HTTP_TIMEOUT", 120.0)),
            retries=int(settings.get("SCRAPER_HTTP_RETRIES", 3)),
            backoff=float(settings.get("SCRAPER_HTTP_BACKOFF", 1.0)),
            max_bytes=max_bytes,
            results_per_page=int(settings.get("SCRAPER_HTTP_RESULTS_PER_PAGE", 30)),
        )
    raise ScraperError(f"SCRAPER_SOURCE must be 'file' or 'http', not {kind!r}")
