"""Damaged scrapes through the whole import: parse, then store. Each one is either stored
whole or refused with a ScrapeError before anything is written; never a crash and never part of
a scrape (row counts are compared before and after every case).

The files go through their bytes (`parse_scrape_bytes`), as uploads and the scrapers read them,
so the database sees exactly what a real import would give it: on PostgreSQL (CI) that
includes text with NULs and lone surrogates, which it refuses unless the parser cleans them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings

from authors.models import Author, AuthorSnapshot, AuthorSource
from music.models import Music, MusicSnapshot, MusicSource
from musicrec.ingest import scrape_store
from musicrec.platforms.tests.mutations import json_samples, mutated_csv, mutated_json
from musicrec.platforms.tiktok import ScrapeError, parse_scrape_bytes
from videos.models import Video, VideoMusic, VideoSnapshot, VideoSource

pytestmark = pytest.mark.django_db

MAX = 50 * 1024 * 1024
MODELS = (
    Author, AuthorSource, AuthorSnapshot, Video, VideoSource, VideoSnapshot, VideoMusic, Music,
    MusicSource, MusicSnapshot,
)  # fmt: skip
STORE = settings(
    max_examples=80,
    derandomize=True,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def import_bytes(name: str, raw: bytes) -> None:
    """Parse and store one file; a refusal must leave every table as it was."""
    before = row_counts()
    try:
        result = parse_scrape_bytes(raw, source_name=name, max_bytes=MAX)
    except ScrapeError as error:
        assert error.path == name and error.reason
        assert row_counts() == before, "a refused scrape wrote rows"
        return
    scrape_store(result=result)
    after = row_counts()
    assert all(after[table] >= count for table, count in before.items())
    # Stored whole: every video of the scrape has its row.
    video_ids = [video.external_id for video in result.videos]
    assert VideoSource.objects.filter(external_id__in=video_ids).count() == len(video_ids)


def _generated(**changes: Any) -> tuple[str, list[dict[str, Any]]]:
    """The generated Apify sample with its first item changed (explicit cases)."""
    items = json.loads(json.dumps(json_samples()["generated-apify.json"]))
    items[0].update(changes)
    return "generated-apify.json", items


@STORE
@given(mutated_json())
@example(_generated(text="cap\x00tion", authorMeta={"id": "1\x002", "name": "n\x00a"}))
@example(_generated(text="lone \ud800 surrogate", id="73\udfff"))
@example(_generated(playCount=2**63))
@example(_generated(videoMeta={"width": 1e308, "height": -1, "duration": 1e308}))
@example(_generated(createTimeISO="9999-12-31T23:59:59Z", createTime=None))
def test_damaged_json_scrapes_are_stored_whole_or_refused(case: tuple[str, Any]) -> None:
    name, data = case
    try:
        raw = json.dumps(data).encode()
    except (ValueError, RecursionError):  # too deep or too long for any file to hold
        assume(False)
    import_bytes(name, raw)


@STORE
@given(mutated_csv())
def test_damaged_creators_csv_is_stored_whole_or_refused(case: tuple[str, str]) -> None:
    name, text = case
    import_bytes(name, text.encode("utf-8", "surrogatepass"))


def test_a_scrape_refused_half_way_through_writes_nothing() -> None:
    """The 40th video's count is broken: the 39 before it are not stored either."""
    from musicrec.tests.scrapes import apify_dataset

    items = apify_dataset(authors=2, videos_per_author=20, seed=3)
    items[39]["playCount"] = -5
    before = row_counts()
    with pytest.raises(ScrapeError) as caught:
        parse_scrape_bytes(json.dumps(items).encode(), source_name="half.json", max_bytes=MAX)
    assert caught.value.json_path == "$[39].playCount"
    assert row_counts() == before
