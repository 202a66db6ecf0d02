"""The one guarded way to download media (TikTok videos, sound previews) from URLs in scrapes.

Scrape files are outside input, and every URL in them is fetched by a server that can reach
internal networks, so each download is treated as a possible SSRF: only http(s), every address
the host resolves to (on every redirect hop, and again on the socket actually connected) must be
public unless private targets are allowed, and size, time and content type are capped.

TikTok's CDN URLs are signed and expire within hours or days (research note scrape-formats §6.4);
their 403/404/410 answers raise `MediaUnavailable`, which callers record as "media unavailable"
rather than as a failure. Downloads are cached by URL under `dest_dir` and written through a
temporary file, so a crash never leaves a half-written file where a finished one is expected.
The cache holds at most `cache_max_bytes` (MEDIA_CACHE_MAX_BYTES): after each new download the
least recently used entries go first (a cache hit marks its entry used).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import ipaddress
import json
import mimetypes
import os
import socket
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from musicrec.core.sizes import human_size

__all__ = [
    "FetchedMedia",
    "cache_evict",
    "MediaError",
    "MediaFetchError",
    "MediaUnavailable",
    "fetch_media",
    "iter_body",
    "short_url",
]

MAX_REDIRECTS = 5
UNAVAILABLE_STATUSES = frozenset({403, 404, 410})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_USER_AGENT = "musicrec-media-fetcher/1"


@dataclass(frozen=True)
class FetchedMedia:
    path: Path
    content_type: str
    size: int
    from_cache: bool


class MediaError(Exception):
    """Base of media download errors; the message names a shortened URL (no signed query)."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{short_url(url)}: {reason}")


class MediaUnavailable(MediaError):
    """The server says the media is gone or forbidden (403/404/410): signed URLs expire."""

    def __init__(self, url: str, status: int) -> None:
        self.status = status
        super().__init__(url, f"media unavailable (HTTP {status}); the link may have expired")


class MediaFetchError(MediaError):
    """Any other failure: refused target, timeout, too large, wrong type, network error."""


def fetch_media(
    url: str,
    *,
    dest_dir: Path,
    max_bytes: int,
    timeout: float,
    allowed_content_types: tuple[str, ...],
    allow_private: bool = False,
    session: requests.Session | None = None,
    allowed_networks: Iterable[str] = (),
    headers: Mapping[str, str] | None = None,
    cache_max_bytes: int | None = None,
) -> FetchedMedia:
    """Download `url` into `dest_dir` (or return the cached copy) within every guard.

    `allowed_content_types` are prefixes ("audio/", "video/mp4"); a response without a
    Content-Type counts as "application/octet-stream". `allowed_networks` (CIDR strings) opens
    specific private ranges, such as an internal object store, without `allow_private`. `timeout`
    bounds the whole download, redirects included. `headers` are sent as is (TikTok's CDN wants a
    Referer). A caller-supplied `session` keeps its own adapters, so only the per-hop resolution
    check guards it; the default session also checks the address each socket connects to, which
    closes the DNS-rebinding gap between the check and the connection. `cache_max_bytes` caps
    the folder's cached downloads (None: no cap); the download just made is always kept.
    """
    _check_scheme(url)
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()
    cached = _cached(dest_dir, key)
    if cached is not None:
        return cached

    policy = _Policy(allow_private, tuple(str(n) for n in allowed_networks))
    own_session = session is None
    active = session if session is not None else _guarded_session(policy)
    deadline = time.monotonic() + timeout
    request_headers = {"User-Agent": _USER_AGENT, **(headers or {})}
    try:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            policy.check_host(current)
            response = _get(active, current, request_headers, deadline, timeout)
            with response:
                if response.status_code in _REDIRECT_STATUSES and response.headers.get("Location"):
                    current = urljoin(current, response.headers["Location"])
                    _check_scheme(current, original=url)
                    continue
                fetched = _store(
                    response, url, key, dest_dir, max_bytes, allowed_content_types, deadline
                )
                if cache_max_bytes is not None:
                    cache_evict(dest_dir, max_bytes=cache_max_bytes, keep=key)
                return fetched
        raise MediaFetchError(url, f"more than {MAX_REDIRECTS} redirects")
    finally:
        if own_session:
            active.close()


def short_url(url: str, limit: int = 80) -> str:
    """scheme://host/path without the query (signatures, tokens), cut to `limit` characters."""
    parts = urlsplit(url)
    text = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else url.split("?")[0]
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Address policy -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Policy:
    allow_private: bool
    networks: tuple[str, ...] = ()

    @functools.cached_property
    def _parsed_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(n, strict=False) for n in self.networks)

    def refusal(self, address: str) -> str | None:
        """Why connecting to `address` is refused, or None when it is allowed."""
        if self.allow_private:
            return None
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if any(ip in network for network in self._parsed_networks):
            return None
        # The most specific name first: loopback and link-local ranges are "private" too.
        for label, flag in (
            ("loopback", ip.is_loopback),
            ("link-local", ip.is_link_local),
            ("multicast", ip.is_multicast),
            ("unspecified", ip.is_unspecified),
            ("reserved", ip.is_reserved),
            ("private", ip.is_private),
        ):
            if flag:
                return f"{address} is a {label} address"
        return None if ip.is_global else f"{address} is not a public address"

    def check_host(self, url: str) -> None:
        if self.allow_private:
            return
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise MediaFetchError(url, f"cannot resolve {host!r}: {error}") from None
        for info in infos:
            reason = self.refusal(str(info[4][0]))
            if reason is not None:
                raise MediaFetchError(url, f"refused: {host} resolves to {reason}")


class _RefusedConnection(Exception):
    """Raised inside urllib3 when a socket reached a refused address (not an OSError on purpose,
    so urllib3 neither retries it nor wraps it)."""


class _GuardedConnectionMixin:
    policy: _Policy

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        peer = sock.getpeername()[0]
        reason = self.policy.refusal(peer)
        if reason is not None:
            sock.close()
            raise _RefusedConnection(f"refused: {self.host} connected to {reason}")  # type: ignore[attr-defined]
        return sock


@functools.lru_cache(maxsize=32)
def _pool_classes(policy: _Policy) -> dict[str, type]:
    http_conn = type("GuardedHTTPConnection", (_GuardedConnectionMixin, HTTPConnection), {})
    https_conn = type("GuardedHTTPSConnection", (_GuardedConnectionMixin, HTTPSConnection), {})
    http_conn.policy = https_conn.policy = policy
    return {
        "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
        "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
    }


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, policy: _Policy) -> None:
        self._policy = policy
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self._policy)


def _guarded_session(policy: _Policy) -> requests.Session:
    session = requests.Session()
    # Environment proxies would make the proxy, not the target, the connected peer: media
    # fetches go direct so the guard sees the real address.
    session.trust_env = False
    adapter = _GuardedAdapter(policy)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# --- Transfer -----------------------------------------------------------------------------------


def _check_scheme(url: str, *, original: str | None = None) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        if original is not None:
            raise MediaFetchError(original, f"refused: redirect to {short_url(url)}")
        raise MediaFetchError(url, "only http and https URLs with a host can be fetched")


def _get(
    session: requests.Session,
    url: str,
    headers: dict[str, str],
    deadline: float,
    timeout: float,
) -> requests.Response:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise MediaFetchError(url, f"timed out after {timeout:g} s")
    try:
        return session.get(
            url, headers=headers, stream=True, allow_redirects=False, timeout=remaining
        )
    except _RefusedConnection as error:
        raise MediaFetchError(url, str(error)) from None
    except requests.Timeout:
        raise MediaFetchError(url, f"timed out after {timeout:g} s") from None
    except requests.RequestException as error:
        raise MediaFetchError(url, f"request failed: {root_cause(error)}") from None


def _store(
    response: requests.Response,
    url: str,
    key: str,
    dest_dir: Path,
    max_bytes: int,
    allowed: tuple[str, ...],
    deadline: float,
) -> FetchedMedia:
    status = response.status_code
    if status in UNAVAILABLE_STATUSES:
        raise MediaUnavailable(url, status)
    if not 200 <= status < 300:
        raise MediaFetchError(url, f"HTTP {status}")
    content_type = _content_type(response)
    if not any(content_type.startswith(prefix.lower()) for prefix in allowed):
        raise MediaFetchError(
            url, f"content type {content_type!r} is not one of {', '.join(allowed)}"
        )
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise MediaFetchError(
            url, f"{human_size(int(declared))} is over the {human_size(max_bytes)} limit"
        )

    final = dest_dir / f"{key}{_extension(content_type)}"
    size = _stream_to(final, response, url, max_bytes, deadline)
    _write_atomically(
        dest_dir / f"{key}.json",
        json.dumps(
            {"url": url, "file": final.name, "content_type": content_type, "size": size}
        ).encode(),
    )
    return FetchedMedia(path=final, content_type=content_type, size=size, from_cache=False)


def _stream_to(
    final: Path, response: requests.Response, url: str, max_bytes: int, deadline: float
) -> int:
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, renamed on success)
        dir=final.parent, prefix=f".{final.stem}.", suffix=".part", delete=False
    )
    size = 0
    try:
        with handle:
            try:
                for chunk in iter_body(response):
                    size += len(chunk)
                    if size > max_bytes:
                        raise MediaFetchError(url, f"over the {human_size(max_bytes)} limit")
                    if time.monotonic() > deadline:
                        raise MediaFetchError(url, "timed out while downloading")
                    handle.write(chunk)
            except urllib3.exceptions.TimeoutError:
                raise MediaFetchError(url, "timed out while downloading") from None
            except (urllib3.exceptions.HTTPError, OSError) as error:
                raise MediaFetchError(url, f"download broke off: {root_cause(error)}") from None
            if size == 0:
                raise MediaFetchError(url, "the server sent an empty body")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(handle.name)
        raise
    return size


def iter_body(response: requests.Response, chunk_size: int = _CHUNK) -> Iterator[bytes]:
    """The body as it arrives: `read1` returns what one socket read gave, so a deadline checked
    between chunks holds even when a server drips bytes (iter_content blocks to fill a chunk)."""
    while chunk := response.raw.read1(chunk_size, decode_content=True):
        yield chunk


def _write_atomically(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".meta.", delete=False) as handle:
        handle.write(data)
    os.replace(handle.name, path)


def _cached(dest_dir: Path, key: str) -> FetchedMedia | None:
    """The cached download for this URL key, when its record and file agree; marks it used."""
    record = dest_dir / f"{key}.json"
    try:
        meta = json.loads(record.read_bytes())
        path = dest_dir / Path(meta["file"]).name
        if path.stat().st_size != meta["size"]:
            return None
        os.utime(record)  # the record's modification time is the entry's last use
        return FetchedMedia(
            path=path, content_type=meta["content_type"], size=meta["size"], from_cache=True
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def cache_evict(dest_dir: Path, *, max_bytes: int, keep: str = "") -> int:
    """Delete the least recently used downloads until the folder's cached files fit `max_bytes`.

    An entry is a `<key>.json` record and the file it names; its last use is the record's
    modification time (written on download, touched on every hit). The entry `keep` (a key) is
    never deleted, so a download larger than the cap still reaches its caller. Several workers
    may evict at once: a file already gone counts as deleted. Returns the bytes freed.
    """
    entries = []
    for record in dest_dir.glob("*.json"):
        try:
            meta = json.loads(record.read_bytes())
            path = dest_dir / Path(meta["file"]).name
            entries.append((record.stat().st_mtime, record, path, path.stat().st_size))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # being written or removed right now, or not ours
    total = sum(size for *_, size in entries)
    freed = 0
    for _used, record, path, size in sorted(entries, key=lambda entry: entry[0]):
        if total - freed <= max_bytes:
            break
        if record.stem == keep:
            continue
        # The record first: without it the file is no longer a cache hit for anyone.
        record.unlink(missing_ok=True)
        path.unlink(missing_ok=True)
        freed += size
    return freed


def _content_type(response: requests.Response) -> str:
    raw = response.headers.get("Content-Type", "")
    return raw.split(";", 1)[0].strip().lower() or "application/octet-stream"


def _extension(content_type: str) -> str:
    known = {"audio/mpeg": ".mp3", "video/mp4": ".mp4", "audio/mp4": ".m4a"}
    return known.get(content_type) or mimetypes.guess_extension(content_type) or ".bin"


def root_cause(error: BaseException) -> str:
    """The innermost cause of a chained error: what actually went wrong on the wire."""
    while error.__cause__ is not None or error.__context__ is not None:
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return str(error) or type(error).__name__
