"""Property tests of the scrape parsers: damaged real scrapes of every shape, the creators CSV
included, either parse into records the database can store or raise ScrapeError naming the
file, the place (JSON path, or CSV line and column) and the reason. Never another exception.

The strategies (musicrec.platforms.tests.mutations) start from the samples, the demo set's
scrapes and the synthetic generators. Runs are derandomized, so CI sees the same cases each time.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings

from musicrec.platforms.tests.mutations import (
    deep,
    json_samples,
    mutated_bytes,
    mutated_csv,
    mutated_json,
)
from musicrec.platforms.tiktok import ScrapeError, ScrapeResult, parse_scrape, parse_scrape_bytes
from musicrec.platforms.tiktok.values import MAX_COUNT, MAX_ID_LENGTH

MAX = 50 * 1024 * 1024
PROPERTY = settings(
    max_examples=250,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Problems with the file as a whole have no place inside it.
FILE_LEVEL = re.compile(r"^(not JSON|not UTF-8|JSON nested deeper|file is |cannot read)")
BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
WEB_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
WINDOW = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def check_error(error: ScrapeError, source: str) -> None:
    """The documented error: file, then where (unless the whole file is wrong), then why."""
    assert error.path == source
    assert error.reason and len(error.reason) < 400, error.reason[:200]
    assert str(error).startswith(f"{source}: ")
    if not FILE_LEVEL.match(error.reason):
        assert error.json_path, f"no place given for: {str(error)[:200]}"
        assert error.json_path.startswith(("$", "line ")), error.json_path


def check_importable(result: ScrapeResult) -> None:
    """What the store needs: clean text, 64-bit counts, short ids, web links, sane times."""
    for record in (*result.authors, *result.videos, *result.music):
        for field in fields(record):
            value = getattr(record, field.name)
            if isinstance(value, str):
                assert not BAD_TEXT.search(value), (field.name, value[:100])
            elif isinstance(value, int) and not isinstance(value, bool):
                assert 0 <= value <= MAX_COUNT, (field.name, value)
        assert 0 < len(record.external_id) <= MAX_ID_LENGTH
    for video in result.videos:
        assert video.url is None or WEB_URL.match(video.url), video.url
        assert video.posted_at is None or WINDOW[0] <= video.posted_at < WINDOW[1]
    for author in result.authors:
        assert author.avatar_url is None or WEB_URL.match(author.avatar_url)


def parse_or_error(data: Any, source: str) -> ScrapeResult | None:
    try:
        result = parse_scrape(data, source_name=source)
    except ScrapeError as error:
        check_error(error, source)
        return None
    check_importable(result)
    return result


@PROPERTY
@given(mutated_json())
def test_damaged_json_scrapes_parse_or_raise_a_scrape_error(case: tuple[str, Any]) -> None:
    name, data = case
    parse_or_error(data, name)


@PROPERTY
@given(mutated_csv())
def test_damaged_creators_csv_parses_or_raises_a_scrape_error(case: tuple[str, str]) -> None:
    name, text = case
    parse_or_error(text, name)


@PROPERTY
@given(mutated_bytes())
@example(("deep.json", b"[" * 100_000 + b"]" * 100_000))
@example(("deep.json", b'{"a":' * 100_000 + b"1" + b"}" * 100_000))
@example(("huge.json", b'[{"id": ' + b"9" * 5000 + b"}]"))
@example(("nan.json", b'[{"id": "1", "playCount": NaN}]'))
def test_damaged_scrape_files_load_or_raise_a_scrape_error(case: tuple[str, bytes]) -> None:
    name, raw = case
    try:
        result = parse_scrape_bytes(raw, source_name=name, max_bytes=MAX)
    except ScrapeError as error:
        check_error(error, name)
        return
    check_importable(result)


# --- The cases the issue names, one by one ---------------------------------------------------


def apify_item(**changes: Any) -> list[dict[str, Any]]:
    item = json.loads(json.dumps(json_samples()["generated-apify.json"][0]))
    item.update(changes)
    return [item]


def error_of(data: Any) -> ScrapeError:
    with pytest.raises(ScrapeError) as caught:
        parse_scrape(data, source_name="scrape.json")
    return caught.value


def test_an_iso_create_time_in_year_9999_is_refused_like_the_numeric_one() -> None:
    item = apify_item(createTimeISO="9999-12-31T23:59:59.000Z")
    del item[0]["createTime"]
    error = error_of(item)
    assert error.json_path == "$[0].createTimeISO"
    assert "outside 2000-2100" in error.reason
    numeric = error_of(apify_item(createTime=253402300799))
    assert numeric.json_path == "$[0].createTime" and "outside 2000-2100" in numeric.reason


def test_a_javascript_video_url_is_replaced_by_the_tiktok_address() -> None:
    result = parse_scrape(apify_item(webVideoUrl="javascript:alert(document.domain)"))
    video = result.videos[0]
    handle = result.authors[0].handle
    assert video.url == f"https://www.tiktok.com/@{handle}/video/{video.external_id}"


def test_nul_characters_and_lone_surrogates_are_cleaned_out_of_the_text() -> None:
    item = apify_item(id="7300000000000000\x00001", text="cap\x00tion \ud800")
    item[0]["authorMeta"] = {**item[0]["authorMeta"], "name": "ni\x00na", "nickName": "N\x00"}
    result = parse_scrape(item)
    assert result.videos[0].external_id == "7300000000000000001"
    assert result.videos[0].caption == "caption \ufffd"
    assert result.authors[0].handle == "nina"


def test_nesting_past_the_limit_is_refused_with_the_reason() -> None:
    error = error_of(apify_item(videoMeta=deep(100)))
    assert error.reason == "JSON nested deeper than 64 levels"
    with pytest.raises(ScrapeError, match="nested deeper than 64 levels"):
        parse_scrape_bytes(b"[" * 100_000 + b"]" * 100_000, source_name="x.json", max_bytes=MAX)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (2**63, "too large"),
        ("99999999999999999999999", "too large"),
        (-3, "negative count -3"),
        ("9" * 5000, "too large"),
    ],
)
def test_counts_outside_64_bits_are_refused_with_their_path(value: Any, reason: str) -> None:
    error = error_of(apify_item(playCount=value))
    assert error.json_path == "$[0].playCount"
    assert reason in error.reason
