"""Scraper sources: files on disk, and the HTTP source against a real local HTTP server."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from musicrec.core.tests.local_http import LocalServer, Reply, serve
from musicrec.platforms.scrapers import (
    FileScraperSource,
    HttpScraperSource,
    ScraperError,
    get_scraper_source,
)
from musicrec.platforms.tiktok import ScrapeError

SAMPLES = Path(__file__).parent / "fixtures" / "samples"
BRAD = SAMPLES / "thebigbradwolf_1609948309033.json"
ACTOR = "clockworks~tiktok-scraper"
RUN_PATH = f"/v2/acts/{ACTOR}/run-sync-get-dataset-items"
LIMIT = 50 * 1024 * 1024


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


def http_source(server: LocalServer, **overrides: object) -> HttpScraperSource:
    options: dict[str, object] = {
        "base_url": server.url(""),
        "token": "secret-token",
        "actor": ACTOR,
        "timeout": 5.0,
        "retries": 2,
        "backoff": 0.01,
        "max_bytes": LIMIT,
    }
    options.update(overrides)
    return HttpScraperSource(**options)  # type: ignore[arg-type]


def dataset_items() -> bytes:
    return BRAD.read_bytes()


# --- Files --------------------------------------------------------------------------------------


def test_file_source_fetch_finds_exact_file_case_insensitively(tmp_path: Path) -> None:
    shutil.copy(BRAD, tmp_path / "TheBigBradWolf.json")

    result = FileScraperSource(tmp_path, max_bytes=LIMIT).fetch("@thebigbradwolf")

    assert len(result.videos) == 65
    assert result.main_author().handle == "thebigbradwolf"
    assert result.warnings == []


def test_file_source_fetch_prefers_the_newest_dated_file(tmp_path: Path) -> None:
    old = json.loads(BRAD.read_text())[:10]
    (tmp_path / "thebigbradwolf_1600000000000.json").write_text(json.dumps(old))
    shutil.copy(BRAD, tmp_path / "thebigbradwolf_1609948309033.json")
    (tmp_path / "thebigbradwolfish.json").write_text("[]")  # another handle, not a dated copy

    result = FileScraperSource(tmp_path, max_bytes=LIMIT).fetch("TheBigBradWolf")

    assert len(result.videos) == 65


def test_file_source_fetch_dates_an_undated_scrape_by_its_file(tmp_path: Path) -> None:
    """Read again (a retried job), the same file gives the same date: no second snapshots."""
    path = tmp_path / "thebigbradwolf.json"
    shutil.copy(BRAD, path)
    os.utime(path, (1_700_000_000, 1_700_000_000))
    dated = tmp_path / "dated"
    dated.mkdir()
    shutil.copy(BRAD, dated / BRAD.name)
    source = FileScraperSource(tmp_path, max_bytes=LIMIT)

    first, again = source.fetch("thebigbradwolf"), source.fetch("thebigbradwolf")

    assert first.scraped_at == again.scraped_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    # A scrape that says when it was made (here in its name) keeps its own date.
    named = FileScraperSource(dated, max_bytes=LIMIT).fetch("thebigbradwolf").scraped_at
    assert named == datetime.fromtimestamp(1609948309.033, tz=UTC)


def test_file_source_fetch_reads_a_handle_folder(tmp_path: Path) -> None:
    folder = tmp_path / "thebigbradwolf"
    folder.mkdir()
    (folder / "2020-12-01.json").write_text(json.dumps(json.loads(BRAD.read_text())[:3]))
    shutil.copy(BRAD, folder / "2021-01-06.json")

    result = FileScraperSource(tmp_path, max_bytes=LIMIT).fetch("thebigbradwolf")

    assert len(result.videos) == 65


def test_file_source_fetch_warns_when_the_file_is_about_someone_else(tmp_path: Path) -> None:
    shutil.copy(BRAD, tmp_path / "nina.json")

    result = FileScraperSource(tmp_path, max_bytes=LIMIT).fetch("nina")

    assert result.warnings == ["nina.json has no author with the handle @nina"]


def test_file_source_fetch_reports_a_missing_scrape(tmp_path: Path) -> None:
    with pytest.raises(ScraperError) as caught:
        FileScraperSource(tmp_path, max_bytes=LIMIT).fetch("@nobody")

    assert str(caught.value) == f"no scrape for @nobody in {tmp_path}"


def test_file_source_fetch_refuses_text_that_is_not_a_handle(tmp_path: Path) -> None:
    with pytest.raises(ScraperError, match="is not a TikTok handle"):
        FileScraperSource(tmp_path, max_bytes=LIMIT).fetch("../etc/passwd")


def test_file_source_fetch_passes_on_scrape_errors(tmp_path: Path) -> None:
    (tmp_path / "nina.json").write_text("{not json")

    with pytest.raises(ScrapeError, match="nina.json: not JSON"):
        FileScraperSource(tmp_path, max_bytes=LIMIT).fetch("nina")


# --- HTTP ---------------------------------------------------------------------------------------


def test_http_source_fetch_posts_the_apify_input(server: LocalServer) -> None:
    server.route(RUN_PATH, Reply(201, dataset_items(), {"Content-Type": "application/json"}))

    result = http_source(server, results_per_page=12).fetch("@TheBigBradWolf")

    assert len(result.videos) == 65
    [request] = server.requests_to(RUN_PATH)
    assert request.method == "POST"
    # The token goes in a header, never in the URL (Apify accepts both, recommends the header).
    assert request.query == {}
    assert request.headers["Authorization"] == "Bearer secret-token"
    assert json.loads(request.body) == {"profiles": ["thebigbradwolf"], "resultsPerPage": 12}
    assert result.scraped_at is not None


def test_http_source_fetch_retries_429_honouring_retry_after(server: LocalServer) -> None:
    server.route(
        RUN_PATH,
        Reply.json({"error": {"message": "rate limited"}}, 429, headers={"Retry-After": "1"}),
        Reply(200, dataset_items()),
    )

    started = time.monotonic()
    result = http_source(server, backoff=0.01).fetch("thebigbradwolf")

    assert len(result.videos) == 65
    assert len(server.requests_to(RUN_PATH)) == 2
    assert time.monotonic() - started >= 0.95  # waited the advised second, not the 10 ms back-off


def test_http_source_fetch_retries_a_server_error(server: LocalServer) -> None:
    server.route(RUN_PATH, Reply(500, b"oops"), Reply(200, dataset_items()))

    result = http_source(server).fetch("thebigbradwolf")

    assert len(result.videos) == 65
    assert len(server.requests_to(RUN_PATH)) == 2


def test_http_source_fetch_gives_up_after_the_retries(server: LocalServer) -> None:
    server.route(RUN_PATH, Reply.json({"error": {"type": "internal-error"}}, 502))

    started = time.monotonic()
    with pytest.raises(ScraperError) as caught:
        http_source(server, retries=2, backoff=0.2).fetch("nina")

    assert str(caught.value) == (
        "scraper still failing for @nina after 3 attempts: HTTP 502: internal-error"
    )
    assert len(server.requests_to(RUN_PATH)) == 3
    # urllib3's exponential back-off: no wait before the first retry, 2 x 0.2 s before the second
    assert 0.35 <= time.monotonic() - started < 3


def test_http_source_fetch_reports_a_rejected_token(server: LocalServer) -> None:
    server.route(RUN_PATH, Reply.json({"error": {"message": "User was not found"}}, 401))

    with pytest.raises(ScraperError) as caught:
        http_source(server).fetch("nina")

    assert str(caught.value) == (
        "scraper refused the token (HTTP 401: User was not found); check SCRAPER_HTTP_TOKEN"
    )
    assert len(server.requests_to(RUN_PATH)) == 1
    assert "secret-token" not in str(caught.value)


def test_http_source_fetch_reports_an_unknown_actor(server: LocalServer) -> None:
    with pytest.raises(ScraperError, match=r"actor 'clockworks~tiktok-scraper' not found"):
        http_source(server).fetch("nina")  # no route: the server answers 404


def test_http_source_fetch_caps_a_declared_oversized_body(server: LocalServer) -> None:
    server.route(RUN_PATH, Reply(200, b"[" + b" " * 4096 + b"]"))

    with pytest.raises(ScraperError) as caught:
        http_source(server, max_bytes=1024).fetch("nina")

    assert str(caught.value) == "scraper answer for @nina is 4 KB, over the 1 KB limit"
    assert len(server.requests_to(RUN_PATH)) == 1


def test_http_source_fetch_stops_reading_an_undeclared_oversized_body(
    server: LocalServer,
) -> None:
    body = b"[" + b" " * (2 * 1024 * 1024) + b"]"
    server.route(RUN_PATH, Reply(200, body, send_length=False, chunk_size=16384))

    with pytest.raises(ScraperError) as caught:
        http_source(server, max_bytes=1024 * 1024).fetch("nina")

    assert str(caught.value) == "scraper answer for @nina is over the 1 MB limit"


def test_http_source_fetch_reports_a_non_json_body(server: LocalServer) -> None:
    server.route(RUN_PATH, Reply(200, b"<html><body>Service temporarily unavailable</body></html>"))

    with pytest.raises(ScraperError) as caught:
        http_source(server).fetch("nina")

    assert str(caught.value) == (
        "scraper answered clockworks~tiktok-scraper run for @nina with a non-JSON body: "
        "<html><body>Service temporarily unavailable</body></html>"
    )


def test_http_source_fetch_times_out_a_slow_answer(server: LocalServer) -> None:
    server.route(RUN_PATH, Reply(200, dataset_items(), delay=3.0))

    started = time.monotonic()
    with pytest.raises(ScraperError) as caught:
        http_source(server, timeout=0.5).fetch("nina")

    assert str(caught.value) == "scraper did not answer for @nina within 0.5 s"
    assert time.monotonic() - started < 2.5
    assert len(server.requests_to(RUN_PATH)) == 1  # a timed-out run is not started again


def test_http_source_fetch_times_out_a_dripping_body(server: LocalServer) -> None:
    server.route(RUN_PATH, Reply(200, dataset_items(), chunk_size=4096, drip=0.1))

    with pytest.raises(ScraperError) as caught:
        http_source(server, timeout=0.5).fetch("nina")

    assert str(caught.value) == "scraper did not finish answering for @nina within 0.5 s"


def test_http_source_fetch_passes_on_scrape_errors(server: LocalServer) -> None:
    server.route(RUN_PATH, Reply.json([{"id": "1", "authorMeta": {"id": "2"}, "playCount": -1}]))

    with pytest.raises(ScrapeError) as caught:
        http_source(server).fetch("nina")

    assert str(caught.value) == (
        "clockworks~tiktok-scraper run for @nina: $[0].playCount: negative count -1"
    )


def test_http_source_fetch_reports_a_refused_connection() -> None:
    source = HttpScraperSource(
        base_url="http://127.0.0.1:9", token="t", actor=ACTOR, retries=1, backoff=0.01
    )

    with pytest.raises(ScraperError, match=r"after 2 attempts: cannot connect to"):
        source.fetch("nina")


def test_http_source_requires_a_token() -> None:
    with pytest.raises(ScraperError, match="SCRAPER_HTTP_TOKEN is empty"):
        HttpScraperSource(base_url="https://api.apify.com", token="", actor=ACTOR)


# --- Factory ------------------------------------------------------------------------------------


def test_get_scraper_source_builds_a_file_source(tmp_path: Path) -> None:
    source = get_scraper_source(
        {"SCRAPER_SOURCE": "file", "SCRAPER_FILE_DIR": tmp_path, "SCRAPE_MAX_BYTES": 1234}
    )

    assert source == FileScraperSource(tmp_path, max_bytes=1234)


def test_get_scraper_source_builds_an_http_source() -> None:
    source = get_scraper_source(
        {
            "SCRAPER_SOURCE": "http",
            "SCRAPER_HTTP_BASE_URL": "https://api.apify.com/",
            "SCRAPER_HTTP_TOKEN": "tok",
            "SCRAPER_HTTP_ACTOR": ACTOR,
            "SCRAPER_HTTP_TIMEOUT": 60,
            "SCRAPER_HTTP_RETRIES": 4,
            "SCRAPE_MAX_BYTES": 1000,
        }
    )

    assert isinstance(source, HttpScraperSource)
    assert source.endpoint == f"https://api.apify.com{RUN_PATH}"
    assert (source.timeout, source.retries, source.max_bytes) == (60.0, 4, 1000)


def test_get_scraper_source_rejects_an_unknown_kind() -> None:
    with pytest.raises(ScraperError, match="must be 'file' or 'http', not 'ftp'"):
        get_scraper_source({"SCRAPER_SOURCE": "ftp"})
