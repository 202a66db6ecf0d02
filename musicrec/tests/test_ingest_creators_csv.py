"""Storing creators CSVs: sounds by name, originals and owners, one creator across CSV and JSON."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from authors.models import Author, AuthorSnapshot, AuthorSource
from conftest import skip_or_fail
from music.models import Music, MusicSnapshot, MusicSource
from musicrec.core.models import Platform
from musicrec.ingest import scrape_store
from musicrec.platforms.tiktok import parse_creators_csv, parse_scrape, parse_scrape_file
from musicrec.tests.scrapes import CREATORS_CSV, creators_csv
from musicrec.tests.test_ingest import assert_same_statements, store_statements
from videos.models import Video, VideoMusic, VideoSnapshot, VideoSource

pytestmark = pytest.mark.django_db

MAX = 50 * 1024 * 1024
RECRAWL = CREATORS_CSV.with_name("creator_videos_recrawl.csv")
SCRAPED = datetime(2025, 6, 6, 9, tzinfo=UTC)  # the latest vid_scrapeTime of the fixture
# The development half of the real creator timelines (shared/data/SOURCES.md §5).
DEV_CREATORS = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "tiktok-creators-2025-dev"
    / "user_videos.csv"
)  # fmt: skip
MAI_ID = "6800000000000000042"


def store_fixture(path: Path = CREATORS_CSV):
    return scrape_store(result=parse_scrape_file(path, max_bytes=MAX))


def mai_profile(*, video_ids: tuple[str, ...] = ("7400000000000000001",)) -> dict:
    """A TikTok web scrape of the fixture's mai.bakes, with her numeric id and display name."""
    return {
        "userInfo": {
            "user": {"id": MAI_ID, "uniqueId": "Mai.Bakes", "nickname": "Mai Bakes 🥖"},
            "stats": {"followerCount": 361000, "videoCount": 40},
        },
        "itemList": [
            {
                "id": video_id,
                "desc": "from the web",
                "createTime": 1746086400,
                "author": {"id": MAI_ID, "uniqueId": "mai.bakes", "nickname": "Mai Bakes 🥖"},
                "stats": {"playCount": 1_500_000},
                "music": {"id": "7400000000000000900", "title": "nhạc nền - Mai Bakes"},
            }
            for video_id in video_ids
        ],
        "extra": {"now": 1749600000000},  # 2025-06-11
    }


def test_scrape_store_creators_csv_rows_and_links():
    summary = store_fixture()
    assert summary.taken_at == SCRAPED
    assert (len(summary.author_ids), len(summary.video_ids), len(summary.music_ids)) == (2, 7, 4)
    mai = AuthorSource.objects.select_related("author").get(handle="mai.bakes")
    assert (mai.external_id, mai.followers, mai.author.name) == ("@mai.bakes", 353_400, "mai.bakes")
    assert mai.profile_url == "https://www.tiktok.com/@mai.bakes"
    assert AuthorSnapshot.objects.get(source=mai).taken_at == SCRAPED
    assert Video.objects.count() == VideoSource.objects.count() == 7
    assert VideoMusic.objects.count() == 6  # one video has no sound
    assert summary.warnings and "has no sound" in summary.warnings[0]
    first = VideoSource.objects.select_related("video").get(external_id="7400000000000000001")
    assert (first.views, first.shares, first.saves) == (1_400_000, 0, 1204)
    assert first.video.posted_at == datetime(2025, 5, 1, 8, tzinfo=UTC)
    assert first.video.duration_s == 22.0
    third = VideoSource.objects.get(external_id="7400000000000000003")
    assert (third.views, third.likes) == (None, None)
    assert VideoSnapshot.objects.get(source=third).views is None


def test_scrape_store_creators_csv_original_sound_is_owned_by_its_creator():
    store_fixture()
    mai = Author.objects.get(sources__handle="mai.bakes")
    original = Music.objects.get(is_original_sound=True)
    assert (original.title, original.artist_id) == ("nhạc nền - Mai Bakes", mai.pk)
    # Duc reused Mai's sound: the same Music, linked to both creators' videos.
    users = set(original.video_links.values_list("video__author__sources__handle", flat=True))
    assert users == {"mai.bakes", "duc.runs"}
    assert Music.objects.filter(is_original_sound=False, artist__isnull=False).count() == 0
    background = Music.objects.get(title="nhạc nền - Hà Vy")
    assert background.is_original_sound is False
    assert Music.objects.get(artist_name="Minh Anh").title == "TikTok sound by Minh Anh"
    source = original.sources.get()
    assert source.external_id.startswith("sound:") and source.url == ""
    assert source.usage_count == 21_300
    assert MusicSnapshot.objects.get(source=source).usage_count == 21_300


def test_scrape_store_creators_csv_again_changes_nothing_and_a_recrawl_adds_snapshots():
    store_fixture()
    counts = {m: m.objects.count() for m in (Author, Video, Music, VideoSnapshot, AuthorSnapshot)}
    store_fixture()
    assert {m: m.objects.count() for m in counts} == counts
    summary = store_fixture(RECRAWL)
    assert summary.taken_at == datetime(2025, 6, 12, 11, 2, tzinfo=UTC)
    assert {m: m.objects.count() for m in (Author, Video, Music)} == {
        m: counts[m] for m in (Author, Video, Music)
    }
    assert VideoSnapshot.objects.count() == counts[VideoSnapshot] + 2
    assert AuthorSource.objects.get(handle="mai.bakes").followers == 360_000
    assert VideoSource.objects.get(external_id="7400000000000000001").views == 1_600_000


def test_creator_from_csv_then_json_is_one_author():
    store_fixture()
    csv_author = Author.objects.get(sources__handle="mai.bakes")
    profile = mai_profile(video_ids=("7400000000000000001", "7400000000000000099"))
    summary = scrape_store(result=parse_scrape(profile))
    source = AuthorSource.objects.get(author__sources__handle__iexact="mai.bakes")
    assert source.external_id == MAI_ID  # the handle key was replaced by TikTok's id
    assert source.author_id == csv_author.pk == summary.main_author_id
    assert summary.authors_by_scrape_id == {MAI_ID: csv_author.pk}
    assert AuthorSource.objects.count() == 2 and Author.objects.count() == 2
    csv_author.refresh_from_db()
    assert csv_author.name == "Mai Bakes 🥖"
    assert (source.followers, source.video_count) == (361_000, 40)
    assert Video.objects.filter(author=csv_author).count() == 4  # 3 from the CSV + 1 new
    assert AuthorSnapshot.objects.filter(source=source).count() == 2  # CSV's and JSON's
    # A later CSV still lands on the same account.
    store_fixture(RECRAWL)
    assert AuthorSource.objects.count() == 2 and Author.objects.count() == 2
    assert AuthorSource.objects.get(external_id=MAI_ID).followers == 360_000


def test_creator_from_json_then_csv_is_one_author():
    scrape_store(result=parse_scrape(mai_profile()))
    json_author = Author.objects.get()
    summary = store_fixture()
    assert AuthorSource.objects.count() == 2  # mai (by id) and duc (by handle)
    source = AuthorSource.objects.get(author=json_author)
    assert source.external_id == MAI_ID
    assert summary.authors_by_scrape_id["@mai.bakes"] == json_author.pk
    assert summary.authors_by_scrape_id["@duc.runs"] != json_author.pk
    json_author.refresh_from_db()
    assert json_author.name == "Mai Bakes 🥖"  # a CSV has no display name to replace it with
    assert Video.objects.filter(author=json_author).count() == 3
    videos = Video.objects.filter(author=json_author)
    assert set(videos.values_list("sources__external_id", flat=True)) == {
        "7400000000000000001",
        "7400000000000000002",
        "7400000000000000003",
    }
    # The CSV's counts are older than the JSON's (June 5-6 against June 11): they fill, not win.
    assert source.followers == 361_000


def test_renamed_account_imported_by_handle_and_by_id_asks_for_a_merge():
    scrape_store(result=parse_scrape(mai_profile()))
    AuthorSource.objects.filter(external_id=MAI_ID).update(handle="mai.old")
    store_fixture()  # mai.bakes is unknown by handle now: a second creator
    summary = scrape_store(result=parse_scrape(mai_profile()))
    assert any("merge them in the admin" in warning for warning in summary.warnings)
    assert AuthorSource.objects.filter(external_id__in=[MAI_ID, "@mai.bakes"]).count() == 2


def test_scrape_store_creators_csv_statements_do_not_depend_on_rows():
    few = parse_creators_csv(creators_csv(creators=3, videos_per_creator=4, seed=2))
    many = parse_creators_csv(
        creators_csv(creators=30, videos_per_creator=20, seed=3, id_offset=100)
    )
    assert_same_statements(store_statements(few), store_statements(many))


def test_scrape_store_imports_the_real_dev_creators():
    """The development half of the real creator timelines: everything in it is stored."""
    if not DEV_CREATORS.exists():
        skip_or_fail(f"{DEV_CREATORS} is not on this machine (shared/ data sets absent)")
    started = time.perf_counter()
    result = parse_scrape_file(DEV_CREATORS, max_bytes=MAX)
    summary = scrape_store(result=result)
    elapsed = time.perf_counter() - started
    assert (len(result.authors), len(result.videos)) == (290, 4021)
    assert len(summary.author_ids) == AuthorSource.objects.count() == 290
    assert len(summary.video_ids) == Video.objects.count() == 4021
    # 2,071 (title, author) pairs as written, 2,068 once normalised, less the empty pair.
    assert len(result.music) == MusicSource.objects.filter(platform=Platform.TIKTOK).count() == 2067
    assert VideoMusic.objects.count() == 4021 - 176  # 176 rows name no sound
    assert summary.taken_at == datetime(2025, 6, 6, 9, 39, 42, tzinfo=UTC)
    assert Music.objects.filter(is_original_sound=True, artist__isnull=True).count() == 0
    assert elapsed < 30, f"parsing and storing took {elapsed:.1f} s"
