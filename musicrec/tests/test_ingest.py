"""scrape_store against the real parser and database: every shape, every sample, re-imports."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authors.models import Author, AuthorSnapshot, AuthorSource
from music.models import Music, MusicSnapshot, MusicSource
from music.tests.factories import MusicSourceFactory
from musicrec.core.models import Platform
from musicrec.ingest import scrape_store
from musicrec.platforms.tiktok import ScrapeResult, parse_scrape, parse_scrape_file
from musicrec.tests.scrapes import apify_dataset
from videos.models import Video, VideoMusic, VideoSnapshot, VideoSource

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
SAMPLES = ROOT / "musicrec" / "platforms" / "tests" / "fixtures" / "samples"
DEMO = ROOT / "sample_data" / "demo"
MAX = 50 * 1024 * 1024
T1 = datetime(2026, 11, 10, 9, tzinfo=UTC)
T2 = datetime(2026, 11, 24, 9, tzinfo=UTC)


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Author, AuthorSource, Video, VideoSource, VideoMusic, Music, MusicSource)
    }


def snapshot_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (AuthorSnapshot, VideoSnapshot, MusicSnapshot)
    }


def sample(name: str):
    return parse_scrape_file(SAMPLES / name, max_bytes=MAX)


@pytest.mark.parametrize(
    "name",
    [
        "NeoVolkov_get-user-detail.response.json",
        "dataset_tiktok-scraper_2023-05-24_12-39-20-915.json",
        "item_6742459250268832769_7166174024223952130.json",
        "thebigbradwolf_1609948309033.json",
        "trending_2020_first50.json",
    ],
)
def test_scrape_store_imports_every_shared_sample(name):
    result = sample(name)
    summary = scrape_store(result=result)
    assert AuthorSource.objects.count() == len(result.authors) == len(summary.author_ids)
    assert Author.objects.filter(is_creator=True).count() == len(result.authors)
    assert VideoSource.objects.count() == Video.objects.count() == len(result.videos)
    assert MusicSource.objects.filter(platform=Platform.TIKTOK).count() == len(result.music)
    assert VideoMusic.objects.count() == sum(1 for v in result.videos if v.music_external_id)
    assert summary.created["video_sources"] == len(result.videos)
    for record in result.authors:
        source = AuthorSource.objects.select_related("author").get(external_id=record.external_id)
        assert source.handle == (record.handle or "")
        assert source.author.name == (record.display_name or record.handle)
        assert source.last_scraped_at == summary.taken_at
        assert source.raw == record.raw
    for record in result.videos:
        source = VideoSource.objects.select_related("video").get(external_id=record.external_id)
        assert (source.views, source.likes, source.saves) == (
            record.views,
            record.likes,
            record.saves,
        )
        assert source.video.caption == record.caption
        assert source.video.hashtags == list(record.hashtags)


def test_scrape_store_profile_sample_keeps_exact_counts_and_names():
    summary = scrape_store(result=sample("NeoVolkov_get-user-detail.response.json"))
    source = AuthorSource.objects.get()
    assert (source.handle, source.followers, source.author.name) == ("zg.520", 427682, "小邹旅行🇨🇳")
    assert source.profile_url == "https://www.tiktok.com/@zg.520"
    assert AuthorSnapshot.objects.get().followers == 427682
    # The profile response carries TikTok's own time: counts are dated with it.
    assert summary.taken_at == datetime(2025, 10, 20, 5, 57, 4, tzinfo=UTC)
    assert summary.main_author_id == source.author_id


def test_scrape_store_prototype_attachment_without_follower_counts():
    scrape_store(result=sample("dataset_tiktok-scraper_2023-05-24_12-39-20-915.json"))
    source = AuthorSource.objects.get()
    assert (source.handle, source.author.name, source.followers) == (
        "nikitas.l",
        "Nikitas Loukas",
        None,
    )
    # No count was seen for the author, so no author snapshot; the video had counts.
    assert AuthorSnapshot.objects.count() == 0
    video = VideoSnapshot.objects.get()
    assert (video.views, video.likes, video.shares) == (28500, 604, 6)
    music = Music.objects.get()
    assert (music.title, music.artist_name, music.is_original_sound) == (
        "This Moment",
        "Jason Masi",
        False,
    )
    tiktok = music.sources.get()
    assert tiktok.url.endswith("-7215415773425043457")
    assert tiktok.audio_url.startswith("https://")


def test_scrape_store_original_sounds_belong_to_their_creator():
    scrape_store(result=sample("thebigbradwolf_1609948309033.json"))
    brad = Author.objects.get(sources__handle="thebigbradwolf")
    originals = Music.objects.filter(is_original_sound=True)
    assert originals.exists()
    owned = originals.filter(artist=brad)
    assert owned.exists()
    assert set(owned.values_list("is_original_sound", flat=True)) == {True}
    assert Music.objects.filter(is_original_sound=False, artist__isnull=False).count() == 0


@pytest.mark.parametrize("handle", ["lunamoves", "tiago.risos", "pixelraptor"])
def test_scrape_store_demo_shapes_resolve_media_against_the_base(handle):
    result = parse_scrape_file(DEMO / "scrapes" / "2026-11-10" / f"{handle}.json", max_bytes=MAX)
    scrape_store(result=result, scraped_at=T1, media_base=DEMO)
    with_media = VideoSource.objects.exclude(media_url="")
    assert with_media.exists()
    for source in with_media:
        path = Path(source.media_url)
        assert path.is_absolute() and path.is_file(), source.media_url
        assert path.is_relative_to(DEMO.resolve())
    for source in MusicSource.objects.exclude(audio_url=""):
        assert Path(source.audio_url).is_file(), source.audio_url
    assert AuthorSnapshot.objects.get().taken_at == T1


def test_scrape_store_leaves_out_relative_paths_it_has_no_folder_for():
    # An uploaded copy of a demo scrape: its media paths point beside a file we never saw.
    result = parse_scrape_file(DEMO / "scrapes" / "2026-11-10" / "lunamoves.json", max_bytes=MAX)
    assert any((v.media_url or "").startswith("media/videos/") for v in result.videos)
    scrape_store(result=result, scraped_at=T1)
    assert not VideoSource.objects.filter(media_url__startswith="media/").exists()
    assert not MusicSource.objects.filter(audio_url__startswith="media/").exists()


def test_scrape_store_keeps_media_urls_as_they_are():
    result = sample("thebigbradwolf_1609948309033.json")
    scrape_store(result=result, scraped_at=T1)
    urls = list(VideoSource.objects.exclude(media_url="").values_list("media_url", flat=True))
    assert urls and all(url.startswith("https://") for url in urls)


def test_scrape_store_reimport_changes_nothing_but_snapshots():
    result = sample("thebigbradwolf_1609948309033.json")
    scrape_store(result=result, scraped_at=T1)
    rows, snapshots = row_counts(), snapshot_counts()

    again = scrape_store(result=result, scraped_at=T1)
    assert row_counts() == rows
    assert snapshot_counts() == snapshots  # the same moment is stored once
    assert sum(again.created.values()) == 0
    assert sum(again.updated.values()) == 0

    later = scrape_store(result=result, scraped_at=T2)
    assert row_counts() == rows
    grown = snapshot_counts()
    assert grown["VideoSnapshot"] == 2 * snapshots["VideoSnapshot"] == 2 * 65
    assert grown["AuthorSnapshot"] == 2
    assert later.snapshots == {"author": 1, "video": 65, "music": 0}
    assert set(VideoSource.objects.values_list("last_scraped_at", flat=True)) == {T2}


def test_scrape_store_newer_scrape_updates_latest_counts_and_older_does_not():
    old = parse_scrape_file(DEMO / "scrapes" / "2026-11-10" / "lunamoves.json", max_bytes=MAX)
    new = parse_scrape_file(DEMO / "scrapes" / "2026-11-24" / "lunamoves.json", max_bytes=MAX)
    scrape_store(result=old, media_base=DEMO)
    summary = scrape_store(result=new, media_base=DEMO)
    assert summary.taken_at == T2
    newest = {v.external_id: v for v in new.videos}
    assert VideoSource.objects.count() == len(set(newest) | {v.external_id for v in old.videos})
    for source in VideoSource.objects.filter(external_id__in=newest):
        assert source.views == newest[source.external_id].views
    author = AuthorSource.objects.get()
    assert author.followers == new.authors[0].followers != old.authors[0].followers
    assert summary.updated["video_sources"] > 0

    # Importing the old file again adds no row and does not roll the latest counts back.
    before = {s.external_id: s.views for s in VideoSource.objects.all()}
    scrape_store(result=old, media_base=DEMO)
    assert {s.external_id: s.views for s in VideoSource.objects.all()} == before
    assert AuthorSource.objects.get().followers == new.authors[0].followers
    assert AuthorSource.objects.get().last_scraped_at == T2


def test_scrape_store_missing_count_never_erases_a_known_one():
    result = sample("NeoVolkov_get-user-detail.response.json")
    scrape_store(result=result, scraped_at=T1)
    bare = replace(result, authors=[replace(result.authors[0], followers=None, bio=None)])
    scrape_store(result=bare, scraped_at=T2)
    source = AuthorSource.objects.get()
    assert source.followers == 427682
    assert source.bio == (result.authors[0].bio or "")
    assert source.last_scraped_at == T2
    latest = AuthorSnapshot.objects.get(taken_at=T2)
    assert latest.followers is None and latest.likes_total == result.authors[0].likes_total


def test_scrape_store_renames_the_creator_from_a_newer_display_name():
    result = sample("NeoVolkov_get-user-detail.response.json")
    scrape_store(result=result, scraped_at=T1)
    renamed = replace(result, authors=[replace(result.authors[0], display_name="Zou travels")])
    summary = scrape_store(result=renamed, scraped_at=T2)
    assert Author.objects.get().name == "Zou travels"
    assert summary.updated["authors"] == 1
    scrape_store(result=result, scraped_at=T1)  # an older scrape does not rename back
    assert Author.objects.get().name == "Zou travels"


def test_scrape_store_joins_a_sound_to_the_catalogue_track_with_its_spotify_id():
    result = parse_scrape_file(DEMO / "scrapes" / "2026-11-10" / "lunamoves.json", max_bytes=MAX)
    mapped = next(m for m in result.music if m.spotify_id)
    catalogue = MusicSourceFactory(platform=Platform.SPOTIFY, external_id=mapped.spotify_id)
    scrape_store(result=result)
    tiktok = MusicSource.objects.get(platform=Platform.TIKTOK, external_id=mapped.external_id)
    assert tiktok.music_id == catalogue.music_id
    # Other mapped sounds record their Spotify id for a later catalogue import to join.
    others = [m for m in result.music if m.spotify_id and m is not mapped]
    assert others
    for record in others:
        spotify = MusicSource.objects.get(platform=Platform.SPOTIFY, external_id=record.spotify_id)
        assert spotify.music.sources.filter(external_id=record.external_id).exists()


def test_scrape_store_usage_count_is_the_larger_of_own_and_known_usage():
    items = apify_dataset(authors=2, videos_per_author=6, sounds=1, seed=3)
    shared = next(i["musicMeta"] for i in items if not i["musicMeta"]["musicOriginal"])
    users = sum(1 for i in items if i["musicMeta"]["musicId"] == shared["musicId"])
    assert users > 1
    summary = scrape_store(result=parse_scrape(items), scraped_at=T1)
    source = MusicSource.objects.get(external_id=shared["musicId"])
    assert source.usage_count == users
    assert summary.snapshots["music"] == 0  # videos we hold are not the sound's own count

    web = {
        "itemList": [
            {
                "id": "7400000000000000001",
                "desc": "x",
                "createTime": 1790000000,
                "author": {"id": "6900000000000000000", "uniqueId": "creator_0"},
                "stats": {"playCount": 10},
                "music": {
                    "id": shared["musicId"],
                    "title": "Track 0",
                    "authorName": "Artist 0",
                    "stats": {"videoCount": 51234},
                },
            }
        ]
    }
    scrape_store(result=parse_scrape(web), scraped_at=T2)
    source.refresh_from_db()
    assert source.usage_count == 51234
    assert MusicSnapshot.objects.get(source=source).usage_count == 51234


def test_scrape_store_date_precedence_parameter_then_scrape_then_now():
    result = sample("NeoVolkov_get-user-detail.response.json")
    assert scrape_store(result=result, scraped_at=T1).taken_at == T1
    assert scrape_store(result=result).taken_at == result.scraped_at
    before = datetime.now(UTC)
    undated = scrape_store(result=replace(result, scraped_at=None)).taken_at
    assert before - timedelta(seconds=1) <= undated <= datetime.now(UTC)


def test_scrape_store_naive_dates_are_utc():
    naive = datetime(2026, 1, 2, 3, 4)
    summary = scrape_store(
        result=sample("NeoVolkov_get-user-detail.response.json"), scraped_at=naive
    )
    assert summary.taken_at == naive.replace(tzinfo=UTC)


def test_scrape_store_demotes_the_old_sound_when_a_video_changes_its_sound():
    items = apify_dataset(authors=1, videos_per_author=1, seed=5)
    scrape_store(result=parse_scrape(items), scraped_at=T1)
    items[0]["musicMeta"] = {**items[0]["musicMeta"], "musicId": "7199999999999999999"}
    scrape_store(result=parse_scrape(items), scraped_at=T2)
    links = dict(VideoMusic.objects.values_list("music__sources__external_id", "is_primary"))
    assert links["7199999999999999999"] is True
    assert list(links.values()).count(True) == 1


def test_scrape_store_clips_overlong_text_and_drops_overlong_urls():
    items = apify_dataset(authors=1, videos_per_author=1, seed=2)
    items[0]["authorMeta"]["nickName"] = "N" * 400
    items[0]["webVideoUrl"] = "https://www.tiktok.com/@x/video/1?" + "q" * 600
    scrape_store(result=parse_scrape(items))
    assert len(AuthorSource.objects.get().display_name) == 255
    assert VideoSource.objects.get().url == ""


# --- Query count -------------------------------------------------------------------------------

_TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?')


def statement_shapes(queries: list[dict]) -> list[tuple[str, str]]:
    """(verb, table) per statement, with consecutive batches of one INSERT counted once.

    SQLite caps a statement at 999 parameters, so Django splits a large bulk insert into
    batches; PostgreSQL sends one statement. The shapes are what must not depend on row counts.
    """
    shapes: list[tuple[str, str]] = []
    for query in queries:
        sql = query["sql"]
        match = _TABLE.search(sql)
        shape = (sql.split(None, 1)[0].upper(), match.group(1) if match else "")
        if shape[0] == "INSERT" and shapes and shapes[-1] == shape:
            continue
        shapes.append(shape)
    return shapes


def store_statements(result: ScrapeResult) -> list[dict]:
    """The statements `scrape_store` sends for `result`."""
    with CaptureQueriesContext(connection) as captured:
        scrape_store(result=result)
    return captured.captured_queries


def assert_same_statements(small: list[dict], large: list[dict]) -> None:
    """A larger scrape sends the same statements (PostgreSQL) or batches of them (SQLite)."""
    assert statement_shapes(large) == statement_shapes(small)
    if connection.vendor == "postgresql":
        assert len(large) == len(small)


def test_scrape_store_query_count_does_not_depend_on_videos_per_author():
    few = parse_scrape(apify_dataset(authors=3, videos_per_author=5, seed=1))
    many = parse_scrape(apify_dataset(authors=3, videos_per_author=50, seed=1, id_offset=100))
    small = store_statements(few)
    assert len(small) <= 30
    large = store_statements(many)
    assert_same_statements(small, large)
    # Re-importing (every source exists) costs no more statements than the first import.
    assert len(store_statements(many)) <= len(large)


def test_scrape_store_joins_a_sound_to_the_catalogue_track_with_its_title_and_artist():
    catalogue = MusicSourceFactory(
        platform=Platform.SPOTIFY, music__title="Memories", music__artist_name="Maroon 5"
    )
    items = apify_dataset(authors=1, videos_per_author=3, sounds=1, seed=8)
    variants = [("Memories", "Maroon 5"), ("Memories (Remix)", "Maroon 5"), ("Memories", "Conan")]
    for number, (item, (title, artist)) in enumerate(zip(items, variants, strict=True)):
        item["musicMeta"] = {
            "musicId": str(7_250_000_000_000_000_000 + number),
            "musicName": title,
            "musicAuthor": artist,
            "musicOriginal": False,
            "duration": 30,  # a clip's length, not the track's: it must not block the match
        }
    scrape_store(result=parse_scrape(items))
    by_title = dict(
        MusicSource.objects.filter(platform=Platform.TIKTOK).values_list("external_id", "music_id")
    )
    assert by_title["7250000000000000000"] == catalogue.music_id
    assert by_title["7250000000000000001"] != catalogue.music_id  # a remix is another recording
    assert by_title["7250000000000000002"] != catalogue.music_id  # another artist's song
    assert Music.objects.count() == 3
