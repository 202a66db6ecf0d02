"""The guarded media fetcher against a real local HTTP server."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from musicrec.core.media import (
    FetchedMedia,
    MediaFetchError,
    MediaUnavailable,
    cache_evict,
    fetch_media,
    short_url,
)
from musicrec.core.tests.local_http import LocalServer, Reply, serve

AUDIO = b"ID3" + bytes(range(256)) * 40  # 10 KB that starts like an mp3
AUDIO_TYPES = ("audio/", "application/octet-stream")


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


def fetch(url: str, dest: Path, **overrides: Any) -> FetchedMedia:
    options: dict[str, Any] = {
        "dest_dir": dest,
        "max_bytes": 1024 * 1024,
        "timeout": 5.0,
        "allowed_content_types": AUDIO_TYPES,
        "allow_private": True,
    }
    options.update(overrides)
    return fetch_media(url, **options)


def leftovers(dest: Path) -> list[str]:
    return sorted(p.name for p in dest.iterdir()) if dest.exists() else []


def test_fetch_media_downloads_and_records_the_type(server: LocalServer, tmp_path: Path) -> None:
    server.route("/a.mp3", Reply(200, AUDIO, {"Content-Type": "audio/mpeg"}))

    media = fetch(server.url("/a.mp3?x-expires=1&x-signature=abc"), tmp_path)

    assert media.path.read_bytes() == AUDIO
    assert (media.content_type, media.size, media.from_cache) == ("audio/mpeg", len(AUDIO), False)
    assert media.path.suffix == ".mp3" and media.path.parent == tmp_path
    assert [p for p in leftovers(tmp_path) if p.endswith(".part")] == []


def test_fetch_media_serves_a_repeat_from_the_cache(server: LocalServer, tmp_path: Path) -> None:
    server.route("/a.mp3", Reply(200, AUDIO, {"Content-Type": "audio/mpeg"}))
    url = server.url("/a.mp3")

    first = fetch(url, tmp_path)
    second = fetch(url, tmp_path)

    assert second == FetchedMedia(first.path, "audio/mpeg", len(AUDIO), from_cache=True)
    assert len(server.requests_to("/a.mp3")) == 1


def _used_at(media: FetchedMedia, when: float) -> None:
    """Date the entry's last use (its record's mtime), so the test does not race the clock."""
    record = media.path.with_suffix(".json")
    os.utime(record, (when, when))


def test_fetch_media_evicts_the_least_recently_used_past_the_cap(
    server: LocalServer, tmp_path: Path
) -> None:
    for name in ("a", "b", "c"):
        server.route(f"/{name}.mp3", Reply(200, AUDIO, {"Content-Type": "audio/mpeg"}))
    cap = 2 * len(AUDIO) + len(AUDIO) // 2  # room for two downloads, not three
    a = fetch(server.url("/a.mp3"), tmp_path, cache_max_bytes=cap)
    b = fetch(server.url("/b.mp3"), tmp_path, cache_max_bytes=cap)
    _used_at(a, 1_000)
    _used_at(b, 2_000)

    assert fetch(server.url("/a.mp3"), tmp_path, cache_max_bytes=cap).from_cache  # a used now
    c = fetch(server.url("/c.mp3"), tmp_path, cache_max_bytes=cap)

    # b was used longest ago: it goes, with its record; a (just used) and c (just fetched) stay.
    assert not b.path.exists() and not b.path.with_suffix(".json").exists()
    assert a.path.exists() and c.path.exists()
    assert fetch(server.url("/b.mp3"), tmp_path, cache_max_bytes=cap).from_cache is False
    assert sum(p.stat().st_size for p in tmp_path.glob("*.mp3")) <= cap


def test_fetch_media_keeps_a_download_larger_than_the_cap(
    server: LocalServer, tmp_path: Path
) -> None:
    server.route("/a.mp3", Reply(200, AUDIO, {"Content-Type": "audio/mpeg"}))
    server.route("/b.mp3", Reply(200, AUDIO, {"Content-Type": "audio/mpeg"}))
    old = fetch(server.url("/a.mp3"), tmp_path)

    big = fetch(server.url("/b.mp3"), tmp_path, cache_max_bytes=len(AUDIO) // 2)

    assert big.path.read_bytes() == AUDIO  # the caller gets what it asked for
    assert not old.path.exists()
    assert leftovers(tmp_path) == sorted([big.path.name, big.path.with_suffix(".json").name])


def test_cache_evict_under_the_cap_deletes_nothing(server: LocalServer, tmp_path: Path) -> None:
    server.route("/a.mp3", Reply(200, AUDIO, {"Content-Type": "audio/mpeg"}))
    media = fetch(server.url("/a.mp3"), tmp_path)
    (tmp_path / "notes.json").write_text("not a cache record")

    assert cache_evict(tmp_path, max_bytes=len(AUDIO)) == 0
    assert cache_evict(tmp_path, max_bytes=0) == len(AUDIO)
    assert not media.path.exists()
    assert leftovers(tmp_path) == ["notes.json"]


def test_fetch_media_refetches_when_the_cached_file_is_damaged(
    server: LocalServer, tmp_path: Path
) -> None:
    server.route("/a.mp3", Reply(200, AUDIO, {"Content-Type": "audio/mpeg"}))
    url = server.url("/a.mp3")
    first = fetch(url, tmp_path)
    first.path.write_bytes(AUDIO[:100])

    again = fetch(url, tmp_path)

    assert again.from_cache is False and again.path.read_bytes() == AUDIO
    assert len(server.requests_to("/a.mp3")) == 2


@pytest.mark.parametrize("status", [403, 404, 410])
def test_fetch_media_expired_links_are_unavailable(
    server: LocalServer, tmp_path: Path, status: int
) -> None:
    server.route("/gone.mp4", Reply(status, b"Access Denied"))

    with pytest.raises(MediaUnavailable) as caught:
        fetch(server.url("/gone.mp4?x-signature=secret"), tmp_path)

    assert caught.value.status == status
    assert str(caught.value) == (
        f"{server.url('/gone.mp4')}: media unavailable (HTTP {status}); the link may have expired"
    )
    assert "secret" not in str(caught.value)
    assert leftovers(tmp_path) == []


def test_fetch_media_other_http_errors_are_fetch_errors(
    server: LocalServer, tmp_path: Path
) -> None:
    server.route("/a.mp3", Reply(503, b"busy"))

    with pytest.raises(MediaFetchError, match=r"/a.mp3: HTTP 503$"):
        fetch(server.url("/a.mp3"), tmp_path)


def test_fetch_media_refuses_a_declared_oversized_body(server: LocalServer, tmp_path: Path) -> None:
    server.route("/big.mp3", Reply(200, AUDIO, {"Content-Type": "audio/mpeg"}))

    with pytest.raises(MediaFetchError) as caught:
        fetch(server.url("/big.mp3"), tmp_path, max_bytes=4096)

    assert str(caught.value).endswith("/big.mp3: 10 KB is over the 4 KB limit")
    assert leftovers(tmp_path) == []


def test_fetch_media_stops_an_undeclared_oversized_body(
    server: LocalServer, tmp_path: Path
) -> None:
    body = AUDIO * 20
    server.route(
        "/big.mp3",
        Reply(200, body, {"Content-Type": "audio/mpeg"}, send_length=False, chunk_size=8192),
    )

    with pytest.raises(MediaFetchError, match=r"/big.mp3: over the 64 KB limit$"):
        fetch(server.url("/big.mp3"), tmp_path, max_bytes=65536)

    assert leftovers(tmp_path) == []  # the partial download was removed


def test_fetch_media_refuses_the_wrong_content_type(server: LocalServer, tmp_path: Path) -> None:
    server.route(
        "/page", Reply(200, b"<html></html>", {"Content-Type": "text/html; charset=utf-8"})
    )

    with pytest.raises(MediaFetchError) as caught:
        fetch(server.url("/page"), tmp_path)

    assert str(caught.value).endswith(
        "/page: content type 'text/html' is not one of audio/, application/octet-stream"
    )


def test_fetch_media_times_out_a_slow_server(server: LocalServer, tmp_path: Path) -> None:
    server.route("/slow.mp3", Reply(200, AUDIO, {"Content-Type": "audio/mpeg"}, delay=3.0))

    with pytest.raises(MediaFetchError, match=r"timed out after 0.5 s"):
        fetch(server.url("/slow.mp3"), tmp_path, timeout=0.5)


def test_fetch_media_times_out_a_dripping_download(server: LocalServer, tmp_path: Path) -> None:
    server.route(
        "/drip.mp3",
        Reply(200, AUDIO, {"Content-Type": "audio/mpeg"}, chunk_size=1024, drip=0.15),
    )

    with pytest.raises(MediaFetchError, match=r"timed out"):
        fetch(server.url("/drip.mp3"), tmp_path, timeout=0.5)

    assert leftovers(tmp_path) == []


def test_fetch_media_follows_a_redirect(server: LocalServer, tmp_path: Path) -> None:
    server.route("/old", Reply(302, b"", {"Location": "/new.mp3"}))
    server.route("/new.mp3", Reply(200, AUDIO, {"Content-Type": "audio/mpeg"}))

    media = fetch(server.url("/old"), tmp_path)

    assert media.path.read_bytes() == AUDIO


def test_fetch_media_refuses_loopback_without_allow_private(
    server: LocalServer, tmp_path: Path
) -> None:
    server.route("/a.mp3", Reply(200, AUDIO, {"Content-Type": "audio/mpeg"}))

    with pytest.raises(MediaFetchError) as caught:
        fetch(server.url("/a.mp3", host="localhost"), tmp_path, allow_private=False)

    assert "refused: localhost resolves to" in str(caught.value)
    assert "is a loopback address" in str(caught.value)
    assert server.requests == []


@pytest.mark.parametrize(
    "address",
    ["169.254.169.254", "10.0.0.8", "192.168.1.1", "[::1]", "0.0.0.0", "224.0.0.1"],
)
def test_fetch_media_refuses_private_addresses(tmp_path: Path, address: str) -> None:
    with pytest.raises(MediaFetchError, match=r"refused: .* address"):
        fetch(f"http://{address}/latest/meta-data/", tmp_path, allow_private=False, timeout=1.0)


def test_fetch_media_refuses_a_redirect_to_a_private_address(
    server: LocalServer, tmp_path: Path
) -> None:
    # The test server itself is let through by network; the redirect target is not.
    server.route("/r", Reply(302, b"", {"Location": f"http://127.0.0.2:{server.port}/secret"}))
    server.route("/secret", Reply(200, AUDIO, {"Content-Type": "audio/mpeg"}))

    with pytest.raises(MediaFetchError) as caught:
        fetch(
            server.url("/r"),
            tmp_path,
            allow_private=False,
            allowed_networks=("127.0.0.1/32",),
        )

    assert "refused: 127.0.0.2 resolves to 127.0.0.2 is a loopback address" in str(caught.value)
    assert server.requests_to("/secret") == []


def test_fetch_media_refuses_a_redirect_to_another_scheme(
    server: LocalServer, tmp_path: Path
) -> None:
    server.route("/r", Reply(302, b"", {"Location": "file:///etc/passwd"}))

    with pytest.raises(MediaFetchError, match=r"refused: redirect to file:///etc/passwd"):
        fetch(server.url("/r"), tmp_path)


def test_fetch_media_checks_the_connected_address_against_dns_rebinding(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name looks public when checked, then resolves to loopback when connecting."""
    server.route("/a.mp3", Reply(200, AUDIO, {"Content-Type": "audio/mpeg"}))
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["93.184.216.34", "127.0.0.1"])

    def rebinding_dns(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "media.rebind.test":
            return real_getaddrinfo(next(answers), port, *args, **kwargs)
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)

    with pytest.raises(MediaFetchError) as caught:
        fetch(server.url("/a.mp3", host="media.rebind.test"), tmp_path, allow_private=False)

    assert "refused: media.rebind.test connected to 127.0.0.1 is a loopback address" in str(
        caught.value
    )
    assert server.requests == []


def test_fetch_media_refuses_non_http_urls(tmp_path: Path) -> None:
    with pytest.raises(MediaFetchError, match="only http and https URLs"):
        fetch("file:///etc/passwd", tmp_path)


def test_fetch_media_sends_the_callers_headers(server: LocalServer, tmp_path: Path) -> None:
    server.route("/v.mp4", Reply(200, AUDIO, {"Content-Type": "video/mp4"}))

    media = fetch(
        server.url("/v.mp4"),
        tmp_path,
        allowed_content_types=("video/",),
        headers={"Referer": "https://www.tiktok.com/"},
    )

    assert media.path.suffix == ".mp4"
    [request] = server.requests_to("/v.mp4")
    assert request.headers["Referer"] == "https://www.tiktok.com/"


def test_short_url_drops_the_signed_query() -> None:
    url = "https://v16-webapp.tiktok.com/video/tos/abc/?expire=1&signature=deadbeef"

    assert short_url(url) == "https://v16-webapp.tiktok.com/video/tos/abc/"


def test_fetch_media_with_a_callers_session_still_checks_each_hop(
    server: LocalServer, tmp_path: Path
) -> None:
    server.route("/a.mp3", Reply(200, AUDIO, {"Content-Type": "audio/mpeg"}))

    with requests.Session() as session:
        media = fetch(server.url("/a.mp3"), tmp_path / "ok", session=session)
        with pytest.raises(MediaFetchError, match="is a loopback address"):
            fetch(server.url("/a.mp3"), tmp_path / "no", session=session, allow_private=False)

    assert media.size == len(AUDIO)
    assert len(server.requests_to("/a.mp3")) == 1
