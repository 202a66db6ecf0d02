"""Parsing real scrape samples and the awkward cases the research note lists (no database)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from musicrec.platforms.tiktok import (
    Shape,
    detect_shape,
    is_original_sound_title,
    parse_scrape,
    parse_scrape_bytes,
    parse_scrape_file,
)
from musicrec.platforms.tiktok.values import ScrapeError, parse_count, parse_id

SAMPLES = Path(__file__).parent / "fixtures" / "samples"
MB = 1_048_576
LIMIT = 50 * MB


def load(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def web_item(**overrides: Any) -> dict[str, Any]:
    """A small itemStruct in TikTok's web shape; tests change only what they are about."""
    item: dict[str, Any] = {
        "id": "7300000000000000001",
        "desc": "first day #Dance #fyp",
        "createTime": 1700000000,
        "author": {"id": "6800000000000000001", "uniqueId": "nina", "nickname": "Nina"},
        "authorStats": {"followerCount": 1200, "heartCount": 5000, "videoCount": 12},
        "stats": {"playCount": 1000, "diggCount": 100, "commentCount": 10, "shareCount": 5},
        "music": {
            "id": "7200000000000000001",
            "title": "original sound - Nina",
            "authorName": "Nina",
            "original": True,
            "duration": 15,
        },
        "video": {"duration": 15, "width": 576, "height": 1024},
    }
    item.update(overrides)
    return item


def apify_item(**overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": "7234585604439149851",
        "text": "hello #Food",
        "createTime": 1684433229,
        "authorMeta": {"id": "6818449457992156165", "name": "nikitas.l", "nickName": "Nikitas"},
        "musicMeta": {
            "musicId": "7215415773425043457",
            "musicName": "This Moment",
            "musicAuthor": "Jason Masi",
            "musicOriginal": False,
        },
        "playCount": 28500,
        "diggCount": 604,
        "shareCount": 6,
        "commentCount": 2,
        "hashtags": [{"id": "1", "name": "Food", "title": "a description, not the tag"}],
    }
    item.update(overrides)
    return item


def error_text(data: Any, source_name: str = "scrape.json") -> str:
    with pytest.raises(ScrapeError) as caught:
        parse_scrape(data, source_name=source_name)
    return str(caught.value)


# --- Real samples -----------------------------------------------------------------------------


def test_parse_scrape_file_reads_the_prototype_apify_sample() -> None:
    result = parse_scrape_file(
        SAMPLES / "dataset_tiktok-scraper_2023-05-24_12-39-20-915.json", max_bytes=LIMIT
    )

    assert result.shape == Shape.APIFY_ITEMS
    assert result.warnings == []
    [author] = result.authors
    assert (author.external_id, author.handle, author.display_name) == (
        "6818449457992156165",
        "nikitas.l",
        "Nikitas Loukas",
    )
    assert author.followers is None  # this run carried no follower count
    assert author.verified is False and author.is_private is False
    [video] = result.videos
    assert video.external_id == "7234585604439149851"
    assert video.caption == "Ανεκδοτο τρωγοντας τυλιχτο με μαρουλι"
    assert (video.views, video.likes, video.shares, video.comments, video.saves) == (
        28500,
        604,
        6,
        2,
        None,
    )
    assert video.posted_at == datetime(2023, 5, 18, 18, 7, 9, tzinfo=UTC)
    assert video.url == "https://www.tiktok.com/@nikitas.l/video/7234585604439149851"
    assert video.media_url.startswith("https://v16-webapp-prime.us.tiktok.com/video/")
    assert (video.duration_s, video.width, video.height) == (11.0, 576, 1024)
    assert video.hashtags == ()
    [music] = result.music
    assert video.music_external_id == music.external_id == "7215415773425043457"
    assert (music.title, music.artist_name, music.album) == (
        "This Moment",
        "Jason Masi",
        "This Moment",
    )
    assert music.is_original is False and music.owner_handle is None
    assert music.duration_s is None


def test_parse_scrape_file_reads_thebigbradwolf_feed() -> None:
    result = parse_scrape_file(SAMPLES / "thebigbradwolf_1609948309033.json", max_bytes=LIMIT)

    assert result.shape == Shape.APIFY_ITEMS
    assert len(result.videos) == 65
    [author] = result.authors
    assert (author.handle, author.display_name, author.followers) == (
        "thebigbradwolf",
        "BRAD WOLF",
        398700,
    )
    assert (author.likes_total, author.video_count, author.following) == (20400000, 263, 425)
    assert result.main_author() == author
    music = {m.external_id: m for m in result.music}
    assert len(music) == 55
    used = [music[v.music_external_id] for v in result.videos]
    assert sum(m.title == "original sound" for m in used) == 47
    # TikTok flags 61 of the 65 sounds original; 52 are his own, 9 reuse other creators' sounds.
    assert sum(m.is_original for m in used) == 61
    assert sum(m.owner_handle == "thebigbradwolf" for m in used) == 52
    reused = music["6902549078668741378"]
    assert (reused.is_original, reused.artist_name, reused.owner_handle) == (True, "Hafugo", None)
    licensed = music["6807838429934520322"]
    assert (licensed.title, licensed.artist_name, licensed.is_original) == (
        "Break Up Song",
        "Little Mix",
        False,
    )
    first = result.videos[0]
    assert first.hashtags == ("fyp", "harrystyles")
    assert first.mentions == ("avahfrench", "alexmmurray", "hannah")
    # npm tiktok-scraper names files <handle>_<Date.now()>.json.
    assert result.scraped_at == datetime(2021, 1, 6, 15, 51, 49, 33000, tzinfo=UTC)


def test_parse_scrape_file_prefers_exact_stats_v2_in_neovolkov_profile() -> None:
    result = parse_scrape_file(SAMPLES / "NeoVolkov_get-user-detail.response.json", max_bytes=LIMIT)

    assert result.shape == Shape.WEB_PROFILE
    [author] = result.authors
    assert author.followers == 427682  # statsV2; the rounded stats say 427700
    assert author.likes_total == 6764096  # statsV2; stats say 6800000
    assert (author.handle, author.display_name, author.video_count) == (
        "zg.520",
        "小邹旅行🇨🇳",
        1605,
    )
    assert author.sec_uid.startswith("MS4wLjABAAAAkagks5n")
    assert result.profile_external_id == author.external_id == "6799838955094836230"
    assert result.videos == [] and result.warnings == []
    assert result.scraped_at == datetime(2025, 10, 20, 5, 57, 4, tzinfo=UTC)  # extra.now


def test_parse_scrape_file_reads_item_struct_hashtags_and_licensed_music() -> None:
    result = parse_scrape_file(
        SAMPLES / "item_6742459250268832769_7166174024223952130.json", max_bytes=LIMIT
    )

    assert result.shape == Shape.WEB_ITEM
    [video] = result.videos
    assert video.hashtags == (
        "ビアボールやってみた",
        "ビアボーラーズ",
        "ビアボールアンバサダー",
        "ビアボール",
        "炭酸で作る自由なビール",
    )
    assert (video.views, video.likes, video.comments, video.shares) == (211900, 19300, 424, 55)
    assert video.url == "https://www.tiktok.com/@bayashi.tiktok/video/7166174024223952130"
    assert video.media_url.startswith("https://v16-webapp.tiktok.com/")
    [music] = result.music
    assert (music.external_id, music.title, music.artist_name) == (
        "7159486335374329857",
        "ビアボールのうた",
        "ビアボーラーズ",
    )
    assert music.is_original is False and music.duration_s == 34.0
    assert music.play_url is None  # "" in the file
    [author] = result.authors
    assert (author.handle, author.verified, author.followers) == ("bayashi.tiktok", True, 36800000)


def test_parse_scrape_file_reads_trending_collector() -> None:
    result = parse_scrape_file(SAMPLES / "trending_2020_first50.json", max_bytes=LIMIT)

    assert result.shape == Shape.SCRAPER_COLLECTOR
    assert (len(result.videos), len(result.authors), len(result.music)) == (50, 48, 50)
    assert sum(m.is_original for m in result.music) == 37
    assert sum(v.views for v in result.videos) == 34496657
    dutch = next(m for m in result.music if m.external_id == "6893870343761496834")
    assert (dutch.title, dutch.is_original) == ("origineel geluid", True)


# --- Shapes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "shape"),
    [
        ({"userInfo": {"user": {"id": "1"}}}, Shape.WEB_PROFILE),
        ({"itemList": [web_item()]}, Shape.WEB_ITEMS),
        ([web_item()], Shape.WEB_ITEMS),
        ({"userInfo": {"user": {"id": "1"}}, "itemList": []}, Shape.WEB_COMBINED),
        (web_item(), Shape.WEB_ITEM),
        ({"itemInfo": {"itemStruct": web_item()}}, Shape.WEB_ITEM),
        ({"data": {"itemList": [web_item()]}}, Shape.WEB_ITEMS),
        ([apify_item()], Shape.APIFY_ITEMS),
        ([{"id": "1", "authorMeta.id": "2"}], Shape.APIFY_FLAT),
        ({"collector": [apify_item()]}, Shape.SCRAPER_COLLECTOR),
        ([], Shape.APIFY_ITEMS),
    ],
)
def test_detect_shape_recognises_each_shape(data: Any, shape: Shape) -> None:
    assert detect_shape(data) == shape


def test_parse_scrape_combined_profile_stats_win_over_item_author_stats() -> None:
    profile = load("NeoVolkov_get-user-detail.response.json")["data"]
    author = profile["userInfo"]["user"]
    items = [
        web_item(
            id=f"75130399937413972{n:02d}",
            author=author,
            authorStats={"followerCount": 427700, "heartCount": 6800000, "diggCount": 1114},
            statsV2={"playCount": "1900123", "diggCount": "68311"},
            stats={"playCount": 1900000, "diggCount": 68300, "collectCount": 5012},
        )
        for n in range(3)
    ]
    data = {"userInfo": profile["userInfo"], "itemList": items, "scrapedAt": "2025-10-21T08:00Z"}

    result = parse_scrape(data, source_name="zg.520.json")

    assert result.shape == Shape.WEB_COMBINED
    [merged] = result.authors
    assert merged.followers == 427682 and merged.likes_total == 6764096
    assert merged.likes_given == 0  # the profile's own value, not the item's 1114
    assert len(result.videos) == 3
    assert result.videos[0].views == 1900123  # statsV2 over the rounded stats
    assert result.videos[0].saves == 5012  # statsV2 lacks it: falls back to stats
    assert result.videos[0].author_external_id == "6799838955094836230"
    assert result.scraped_at == datetime(2025, 10, 21, 8, 0, tzinfo=UTC)


def test_parse_scrape_item_without_author_uses_the_profile() -> None:
    item = web_item()
    del item["author"], item["authorStats"]
    data = {"userInfo": {"user": {"id": "42", "uniqueId": "nina"}}, "itemList": [item]}

    result = parse_scrape(data)

    assert result.videos[0].author_external_id == "42"
    assert result.videos[0].url == "https://www.tiktok.com/@nina/video/7300000000000000001"


def test_parse_scrape_dotted_apify_export() -> None:
    flat = {
        "id": "7234585604439149851",
        "text": "hi",
        "createTimeISO": "2023-05-18T18:07:09.000Z",
        "authorMeta.id": "6818449457992156165",
        "authorMeta.name": "nikitas.l",
        "authorMeta.fans": "12,345",
        "musicMeta.musicId": "7215415773425043457",
        "musicMeta.musicName": "This Moment",
        "musicMeta.musicAuthor": "Jason Masi",
        "musicMeta.musicOriginal": "false",
        "videoMeta.duration": 11,
        "hashtags.0.name": "Food",
        "hashtags.1.name": "greece",
        "playCount": "1.2M",
        "mediaUrls.0": "https://cdn.example/v.mp4",
    }

    result = parse_scrape([flat])

    assert result.shape == Shape.APIFY_FLAT
    [video] = result.videos
    assert video.hashtags == ("food", "greece")
    assert video.views == 1_200_000 and video.duration_s == 11.0
    assert video.posted_at == datetime(2023, 5, 18, 18, 7, 9, tzinfo=UTC)
    assert video.media_url == "https://cdn.example/v.mp4"
    assert result.authors[0].followers == 12345
    assert result.music[0].is_original is False


def test_parse_scrape_dotted_apify_error_names_the_flat_key() -> None:
    flat = {"id": "1", "authorMeta.id": "2", "authorMeta.fans": -5}

    assert error_text([flat]) == 'scrape.json: $[0]["authorMeta.fans"]: negative count -5'


# --- Values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (604, 604),
        ("604", 604),
        ("1,234", 1234),
        ("1.2M", 1_200_000),
        ("304.9K", 304_900),
        ("2b", 2_000_000_000),
        (12.0, 12),
        ("", None),
        (None, None),
    ],
)
def test_parse_count_reads_ints_strings_and_display_counts(raw: Any, expected: int | None) -> None:
    assert parse_count(raw) == expected


def test_parse_scrape_mixed_string_and_int_counts() -> None:
    item = apify_item(playCount="1.2M", diggCount="304.9K", shareCount=6543, commentCount="1,234")

    [video] = parse_scrape([item]).videos

    assert (video.views, video.likes, video.shares, video.comments) == (
        1_200_000,
        304_900,
        6543,
        1234,
    )


def test_parse_scrape_ids_given_as_json_numbers_become_strings() -> None:
    item = apify_item(id=7234585604439149851)
    item["authorMeta"] = {**item["authorMeta"], "id": 6818449457992156165}
    item["musicMeta"] = {**item["musicMeta"], "musicId": 7215415773425043457}

    result = parse_scrape([item])

    assert result.videos[0].external_id == "7234585604439149851"
    assert result.authors[0].external_id == "6818449457992156165"
    assert result.music[0].external_id == result.videos[0].music_external_id
    assert result.music[0].external_id == "7215415773425043457"


def test_parse_id_refuses_a_float_that_lost_digits() -> None:
    assert parse_id(12.0) == "12"
    with pytest.raises(ValueError, match="not an exact integer"):
        parse_id(7.234585604439149e18)


def test_parse_scrape_tolerates_missing_keys() -> None:
    bare = {"id": "7300000000000000009", "desc": "", "author": {"id": "68"}}

    result = parse_scrape({"itemList": [bare]})

    [video] = result.videos
    assert (video.views, video.likes, video.posted_at, video.music_external_id) == (
        None,
        None,
        None,
        None,
    )
    assert video.hashtags == () and video.url is None and video.caption == ""
    assert result.music == [] and result.warnings == []
    assert result.authors[0].handle is None


def test_parse_scrape_string_create_time_and_iso_fallback() -> None:
    web = parse_scrape(web_item(createTime="1700000000")).videos[0]
    apify = parse_scrape([apify_item(createTime=None, createTimeISO="2023-05-18T18:07:09Z")])

    assert web.posted_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert apify.videos[0].posted_at == datetime(2023, 5, 18, 18, 7, 9, tzinfo=UTC)


def test_parse_scrape_apify_hashtags_use_name_not_title() -> None:
    item = apify_item(hashtags=[{"name": "#FYP", "title": "For you page"}, {"name": "fyp"}])

    assert parse_scrape([item]).videos[0].hashtags == ("fyp",)


def test_parse_scrape_web_hashtags_and_mentions_from_text_extra() -> None:
    item = web_item(
        challenges=[{"id": "1", "title": "Dance"}],
        textExtra=[
            {"type": 1, "hashtagName": "dance"},
            {"type": 1, "hashtagName": "FYP"},
            {"type": 0, "userUniqueId": "bestie"},
        ],
        contents=[{"desc": "x", "textExtra": [{"type": 1, "hashtagName": "extra"}]}],
        stickersOnItem=[{"stickerText": ["Day 1 ", "Day 1"]}],
    )

    [video] = parse_scrape(item).videos

    assert video.hashtags == ("dance", "fyp", "extra")
    assert video.mentions == ("bestie",)
    assert video.sticker_text == ("Day 1",)


# --- Music --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    ["оригинальный звук - Nina", "原聲 - Nina", "son original - Nina", "الصوت الأصلي - Nina"],
)
def test_parse_scrape_localized_original_sound_belongs_to_the_creator(title: str) -> None:
    music = {"id": "72", "title": title, "authorName": "Nina", "original": True}

    [record] = parse_scrape(web_item(music=music)).music

    assert record.is_original is True
    assert (record.artist_name, record.owner_handle) == ("Nina", "nina")
    assert record.title == title


def test_parse_scrape_original_flag_missing_falls_back_to_the_title() -> None:
    music = {"id": "72", "title": "suara asli - Nina"}

    [record] = parse_scrape(web_item(music=music)).music

    assert record.is_original is True
    assert (record.artist_name, record.owner_handle) == ("Nina", "nina")
    assert is_original_sound_title("Originalton") and not is_original_sound_title("Heat Waves")


def test_parse_scrape_reused_original_sound_is_not_owned_by_the_video_author() -> None:
    music = {"id": "72", "title": "original sound - Hafugo", "authorName": "Hafugo", "original": 1}

    [record] = parse_scrape(web_item(music=music)).music

    assert record.is_original is True
    assert (record.artist_name, record.owner_handle) == ("Hafugo", None)


def test_parse_scrape_copyrighted_upload_with_spotify_id_is_licensed() -> None:
    music = {
        "id": "72",
        "title": "原创音乐",
        "authorName": "Some Label",
        "original": True,
        "isCopyrighted": True,
        "tt2dsp": {
            "tt_to_dsp_song_infos": [
                {"platform": 1, "song_id": "1440775946"},
                {"platform": 3, "song_id": "0VjIjW4GlUZAMYd2vXMi3b"},
            ]
        },
        "stats": {"videoCount": 81234},
    }

    [record] = parse_scrape(web_item(music=music)).music

    assert record.is_original is False and record.owner_handle is None
    assert record.spotify_id == "0VjIjW4GlUZAMYd2vXMi3b"
    assert record.usage_count == 81234


def test_parse_scrape_music_stub_is_dropped_with_a_warning() -> None:
    stub = {"id": "", "title": "original sound - 阿用（用桑", "playUrl": "", "original": False}

    result = parse_scrape({"itemList": [web_item(music=stub)]}, source_name="x.json")

    assert len(result.videos) == 1
    assert result.videos[0].music_external_id is None
    assert result.music == []
    assert result.warnings == [
        "video 7300000000000000001: music without an id ('original sound - 阿用（用桑') was dropped"
    ]


def test_parse_scrape_music_is_keyed_by_id_and_deduplicated() -> None:
    items = [web_item(id=f"73{n}") for n in range(3)]
    items[2] = web_item(id="732", music={**items[0]["music"], "id": "999"})

    result = parse_scrape({"itemList": items})

    assert [m.external_id for m in result.music] == ["7200000000000000001", "999"]
    assert len(result.authors) == 1


def test_parse_scrape_flags_slideshows_ads_and_pinned_posts() -> None:
    web = parse_scrape(web_item(imagePost={"images": [{}]}, isAd=True, isPinnedItem=True))
    apify = parse_scrape([apify_item(isSlideshow=True, isPinned=True, isAd=False)])

    assert (web.videos[0].is_slideshow, web.videos[0].is_ad, web.videos[0].is_pinned) == (
        True,
        True,
        True,
    )
    assert (apify.videos[0].is_slideshow, apify.videos[0].is_ad, apify.videos[0].is_pinned) == (
        True,
        False,
        True,
    )


def test_parse_scrape_duplicate_video_is_kept_once_with_a_warning() -> None:
    result = parse_scrape([apify_item(), apify_item()])

    assert len(result.videos) == 1
    assert result.warnings == [
        "video 7234585604439149851 appears more than once; the first was kept"
    ]


# --- Errors -------------------------------------------------------------------------------------


def test_scrape_error_reads_file_path_and_reason() -> None:
    items = [web_item(id=f"73{n}") for n in range(4)]
    items[3]["stats"] = {"playCount": -5}

    error = error_text({"itemList": items}, "file.json")

    assert error == "file.json: $.itemList[3].stats.playCount: negative count -5"


def test_parse_scrape_bytes_rejects_non_json() -> None:
    with pytest.raises(ScrapeError) as caught:
        parse_scrape_bytes(b"<html>rate limited</html>", source_name="x.json", max_bytes=LIMIT)

    assert str(caught.value) == "x.json: not JSON: Expecting value at line 1 column 1"
    assert caught.value.path == "x.json" and caught.value.json_path is None


def test_parse_scrape_bytes_rejects_non_utf8() -> None:
    with pytest.raises(ScrapeError, match="not UTF-8 text"):
        parse_scrape_bytes(b'{"a": "\xff"}', source_name="x.json", max_bytes=LIMIT)


def test_parse_scrape_bytes_checks_size_before_decoding() -> None:
    with pytest.raises(ScrapeError) as caught:
        parse_scrape_bytes(b"x" * (3 * MB // 2), source_name="big.json", max_bytes=MB)

    assert str(caught.value) == "big.json: file is 1.5 MB, over the 1 MB limit"


def test_parse_scrape_file_refuses_a_big_file_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(int(61.2 * MB))  # sparse: nothing is written or read

    with pytest.raises(ScrapeError) as caught:
        parse_scrape_file(big, max_bytes=LIMIT)

    assert str(caught.value) == "big.json: file is 61.2 MB, over the 50 MB limit"


def test_parse_scrape_rejects_an_unknown_shape() -> None:
    error = error_text({"hello": "world", "count": 3})

    assert error == "scrape.json: $: unknown scrape shape (top-level keys: count, hello)"


def test_parse_scrape_rejects_a_list_of_unknown_items() -> None:
    assert "$[0]: unknown scrape shape" in error_text([{"foo": 1}])


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda item: item.pop("id"), "$.itemList[1].id: missing id"),
        (lambda item: item["author"].pop("id"), "$.itemList[1].author.id: missing id"),
        (lambda item: item.pop("author"), "$.itemList[1].author.id: missing author id"),
        (
            lambda item: item["music"].update(id=""),
            "$.itemList[1].music.id: missing music id",
        ),
        (
            lambda item: item["stats"].update(diggCount="lots"),
            "$.itemList[1].stats.diggCount: non-numeric count 'lots'",
        ),
        (
            lambda item: item.update(statsV2={"playCount": "-3"}),
            "$.itemList[1].statsV2.playCount: negative count -3",
        ),
        (
            lambda item: item.update(createTime="yesterday"),
            "$.itemList[1].createTime: bad createTime 'yesterday'",
        ),
        (
            lambda item: item.update(createTime=-1),
            "$.itemList[1].createTime: bad createTime -1 (outside 2000-2100)",
        ),
        (
            lambda item: item["authorStats"].update(followerCount=True),
            "$.itemList[1].authorStats.followerCount: non-numeric count True",
        ),
    ],
)
def test_parse_scrape_web_item_errors_name_the_json_path(mutate: Any, expected: str) -> None:
    items = [web_item(id="731"), web_item(id="732")]
    items[1] = copy.deepcopy(items[1])
    mutate(items[1])

    assert error_text({"itemList": items}) == f"scrape.json: {expected}"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda item: item["authorMeta"].pop("id"),
            "$.collector[0].authorMeta.id: missing author id",
        ),
        (
            lambda item: item["musicMeta"].pop("musicId"),
            "$.collector[0].musicMeta.musicId: missing music id",
        ),
        (
            lambda item: item.update(playCount="n/a"),
            "$.collector[0].playCount: non-numeric count 'n/a'",
        ),
        (
            lambda item: item.update(createTime=None, createTimeISO="18/05/2023"),
            "$.collector[0].createTimeISO: bad createTime '18/05/2023'",
        ),
    ],
)
def test_parse_scrape_apify_item_errors_name_the_json_path(mutate: Any, expected: str) -> None:
    item = apify_item()
    mutate(item)

    assert error_text({"collector": [item]}) == f"scrape.json: {expected}"


def test_parse_scrape_reports_tiktok_status_codes() -> None:
    data = {"data": {"statusCode": 10221, "statusMsg": "user banned", "userInfo": {}}}

    assert (
        error_text(data)
        == "scrape.json: $.data.statusCode: TikTok returned statusCode 10221: user banned"
    )


def test_parse_scrape_reads_tiktok_ssr_rehydration_data() -> None:
    profile = load("NeoVolkov_get-user-detail.response.json")["data"]
    page = {"__DEFAULT_SCOPE__": {"webapp.user-detail": {"userInfo": profile["userInfo"]}}}
    broken = copy.deepcopy(page)
    broken["__DEFAULT_SCOPE__"]["webapp.user-detail"]["userInfo"]["statsV2"]["videoCount"] = "-1"

    assert parse_scrape(page).authors[0].followers == 427682
    assert error_text(broken) == (
        'scrape.json: $.__DEFAULT_SCOPE__["webapp.user-detail"].userInfo.statsV2.videoCount: '
        "negative count -1"
    )


def test_parse_scrape_item_module_author_given_as_a_handle() -> None:
    item = web_item(author="nina", authorId=6800000000000000001)

    result = parse_scrape(item)

    assert (result.authors[0].external_id, result.authors[0].handle) == (
        "6800000000000000001",
        "nina",
    )
    assert result.music[0].owner_handle == "nina"


def test_parse_scrape_csv_style_slash_keys() -> None:
    flat = {"id": "1", "authorMeta/id": "2", "authorMeta/name": "nina", "hashtags/0/name": "Pets"}

    result = parse_scrape([flat])

    assert result.shape == Shape.APIFY_FLAT
    assert result.videos[0].hashtags == ("pets",)
    assert result.authors[0].handle == "nina"
