"""Hostile media URLs (issue 14) against real sockets on loopback: each is refused with a reason
and leaves nothing in the download cache.

Scrape files are outside input, so every media URL in one may point at the server's own
network. The production entry (`media_resolve`, with the settings' guards: no private targets)
is probed first; the cases that need a reachable first hop (a redirect, an over-size or slow
body) open only 127.0.0.1 to `fetch_media` through `allowed_networks`, so what is refused is
the hostile part and nothing else. Names are resolved by a stub of `socket.getaddrinfo`, the
socket boundary; the fetcher's own code runs unchanged.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from musicrec.core.media import MediaFetchError, fetch_media
from musicrec.core.media_sources import media_resolve
from musicrec.core.tests.local_http import LocalServer, Reply, serve

AUDIO = b"ID3" + bytes(range(256)) * 40  # 10 KB that starts like an mp3
MP3 = {"Content-Type": "audio/mpeg"}


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


@pytest.fixture
def server6() -> Iterator[LocalServer]:
    """The same server on the IPv6 loopback address."""
    try:
        yield from serve("::1")
    except OSError as error:  # a host without IPv6 at all
        pytest.skip(f"no IPv6 loopback here: {error}")


@pytest.fixture
def cache(settings, tmp_path: Path) -> Path:
    """The production guards: private targets refused, downloads cached in a fresh folder."""
    settings.MEDIA_ALLOW_PRIVATE = False
    settings.MEDIA_CACHE_DIR = tmp_path / "media-cache"
    settings.MEDIA_FETCH_TIMEOUT = 2.0
    settings.MEDIA_MAX_BYTES = 64 * 1024
    return settings.MEDIA_CACHE_DIR


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Names this test resolves itself (name -> addresses); every other name as usual."""
    names: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in names:
            return [info for address in names[host] for info in real(address, port, *args)]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


def cached_files(folder: Path) -> list[str]:
    """Everything in the cache folder, temporary `.part` files included."""
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


def refused(url: str, cache: Path, **options: Any) -> str:
    """The reason `url` is refused: through media_resolve, or fetch_media given `options`."""
    started = time.monotonic()
    with pytest.raises(MediaFetchError) as caught:
        if options:
            fetch_media(
                url,
                dest_dir=cache,
                max_bytes=64 * 1024,
                timeout=2.0,
                allowed_content_types=("audio/",),
                **options,
            )
        else:
            media_resolve(url)
    # Bounded: the 2 s budget plus generous slack for a busy machine.
    assert time.monotonic() - started < 15
    assert cached_files(cache) == [], f"{url} left files in the cache"
    return str(caught.value)


# --- Targets the guard refuses before connecting -----------------------------------------------


def test_loopback_ipv4_is_refused_before_any_request(server: LocalServer, cache: Path) -> None:
    server.route("/a.mp3", Reply(200, AUDIO, MP3))

    reason = refused(server.url("/a.mp3"), cache)

    assert reason.endswith("refused: 127.0.0.1 resolves to 127.0.0.1 is a loopback address")
    assert server.requests == []


def test_loopback_ipv6_is_refused_before_any_request(server6: LocalServer, cache: Path) -> None:
    server6.route("/a.mp3", Reply(200, AUDIO, MP3))

    reason = refused(server6.url("/a.mp3"), cache)

    assert reason.endswith("refused: ::1 resolves to ::1 is a loopback address")
    assert server6.requests == []


def test_cloud_metadata_address_is_refused(cache: Path) -> None:
    reason = refused("http://169.254.169.254/latest/meta-data/iam/", cache)

    assert reason == (
        "http://169.254.169.254/latest/meta-data/iam/: "
        "refused: 169.254.169.254 resolves to 169.254.169.254 is a link-local address"
    )


@pytest.mark.parametrize(
    ("addresses", "named"),
    [
        (["127.0.0.1"], "127.0.0.1 is a loopback address"),
        (["10.1.2.3"], "10.1.2.3 is a private address"),
        # One private answer among public ones is enough: the connection may pick any.
        (["93.184.216.34", "192.168.0.10"], "192.168.0.10 is a private address"),
        (["::ffff:127.0.0.1"], "::ffff:127.0.0.1 is a loopback address"),
    ],
)
def test_a_name_resolving_to_a_private_address_is_refused(
    server: LocalServer, cache: Path, dns: dict[str, list[str]], addresses: list[str], named: str
) -> None:
    server.route("/a.mp3", Reply(200, AUDIO, MP3))
    dns["cdn.media.test"] = addresses

    reason = refused(server.url("/a.mp3", host="cdn.media.test"), cache)

    assert reason.endswith(f"refused: cdn.media.test resolves to {named}")
    assert server.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_FLUSHALL",
        "ftp://cdn.example/a.mp3",
        "dict://127.0.0.1:11211/stats",
    ],
)
def test_other_schemes_are_refused(cache: Path, url: str) -> None:
    reason = refused(url, cache)

    assert reason.endswith("only http(s) URLs and local files are supported")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO"])
def test_other_schemes_are_refused_by_the_fetcher_itself(cache: Path, url: str) -> None:
    reason = refused(url, cache, allowed_networks=("127.0.0.1/32",))

    assert reason.endswith("only http and https URLs with a host can be fetched")


# --- A reachable first hop, then something hostile ---------------------------------------------

# Only the test server's own address is opened; everything else keeps the default guard.
LOCAL_ONLY = {"allowed_networks": ("127.0.0.1/32",)}


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://127.0.0.2:{port}/a.mp3", "refused: 127.0.0.2 resolves to 127.0.0.2 is a loopback"),
        ("http://169.254.169.254/latest/", "refused: 169.254.169.254 resolves to 169.254.169.254"),
        ("http://internal.media.test:{port}/a.mp3", "refused: internal.media.test resolves to 10."),
        ("file:///etc/passwd", "refused: redirect to file:///etc/passwd"),
        ("gopher://127.0.0.1:{port}/_x", "refused: redirect to gopher://127.0.0.1:{port}/_x"),
    ],
)
def test_a_redirect_from_an_allowed_host_to_a_hostile_one_is_refused(
    server: LocalServer, cache: Path, dns: dict[str, list[str]], target: str, reason: str
) -> None:
    dns["internal.media.test"] = ["10.0.0.8"]
    server.route("/r", Reply(302, b"", {"Location": target.format(port=server.port)}))
    server.route("/a.mp3", Reply(200, AUDIO, MP3))

    message = refused(server.url("/r"), cache, **LOCAL_ONLY)

    assert reason.format(port=server.port) in message
    assert [r.path for r in server.requests] == ["/r"]  # the redirect only, never its target


def test_a_redirect_to_the_ipv6_loopback_is_refused(
    server: LocalServer, server6: LocalServer, cache: Path
) -> None:
    server6.route("/a.mp3", Reply(200, AUDIO, MP3))
    server.route("/r", Reply(302, b"", {"Location": server6.url("/a.mp3")}))

    message = refused(server.url("/r"), cache, **LOCAL_ONLY)

    assert "refused: ::1 resolves to ::1 is a loopback address" in message
    assert server6.requests == []


def test_an_over_size_body_is_refused(server: LocalServer, cache: Path) -> None:
    big = AUDIO * 10  # 100 KB against a 64 KB limit
    server.route("/declared.mp3", Reply(200, big, MP3))
    server.route("/undeclared.mp3", Reply(200, big, MP3, send_length=False, chunk_size=8192))

    declared = refused(server.url("/declared.mp3"), cache, **LOCAL_ONLY)
    undeclared = refused(server.url("/undeclared.mp3"), cache, **LOCAL_ONLY)

    assert declared.endswith("100 KB is over the 64 KB limit")
    assert undeclared.endswith("over the 64 KB limit")


def test_a_slow_body_past_the_timeout_is_refused(server: LocalServer, cache: Path) -> None:
    # Headers at once, then 1 KB every 0.3 s: the 2 s budget runs out after about 7 KB.
    server.route("/slow.mp3", Reply(200, AUDIO, MP3, chunk_size=1024, drip=0.3))
    server.route("/silent.mp3", Reply(200, AUDIO, MP3, delay=4.0))

    dripping = refused(server.url("/slow.mp3"), cache, **LOCAL_ONLY)
    silent = refused(server.url("/silent.mp3"), cache, **LOCAL_ONLY)

    assert dripping.endswith("timed out while downloading")
    assert silent.endswith("timed out after 2 s")


def test_the_same_url_is_fetched_once_the_guard_allows_it(server: LocalServer, cache: Path) -> None:
    """The control: with the address opened, the very server above is fetched and cached."""
    server.route("/a.mp3", Reply(200, AUDIO, MP3))

    media = fetch_media(
        server.url("/a.mp3"),
        dest_dir=cache,
        max_bytes=64 * 1024,
        timeout=2.0,
        allowed_content_types=("audio/",),
        **LOCAL_ONLY,
    )

    assert media.path.read_bytes() == AUDIO
    assert len(cached_files(cache)) == 2  # the file and its record
