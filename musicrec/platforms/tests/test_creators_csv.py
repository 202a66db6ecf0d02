"""The creators CSV (one row per video): made-up rows covering every quirk of the real layout."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from musicrec.platforms.tiktok import (
    ScrapeError,
    ScrapeResult,
    Shape,
    detect_shape,
    load_scrape,
    parse_creators_csv,
    parse_scrape,
    parse_scrape_bytes,
    parse_scrape_file,
)
from musicrec.platforms.tiktok.creators_csv import COLUMNS, sound_id

FIXTURES = Path(__file__).parent / "fixtures" / "creators"
LIMIT = 1_048_576


def fixture_text(name: str = "creator_videos.csv") -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def parsed(name: str = "creator_videos.csv") -> ScrapeResult:
    return parse_scrape_file(FIXTURES / name, max_bytes=LIMIT)


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def as_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def with_cell(row: int, column: str, value: str) -> str:
    """The fixture with one cell of data row `row` (1-based) replaced."""
    rows = rows_of(fixture_text())
    rows[row][rows[0].index(column)] = value
    return as_text(rows)


def error_of(text: str, source_name: str = "creators.csv") -> str:
    with pytest.raises(ScrapeError) as caught:
        parse_scrape_bytes(text.encode(), source_name=source_name, max_bytes=LIMIT)
    return str(caught.value)


def video(result: ScrapeResult, suffix: str):
    return next(v for v in result.videos if v.external_id == f"74000000000000000{suffix}")


# --- Detection --------------------------------------------------------------------------------


def test_creators_csv_is_recognised_by_its_header_not_its_name(tmp_path: Path) -> None:
    text = fixture_text()
    assert detect_shape(text) == Shape.CREATOR_VIDEOS_CSV
    assert load_scrape(text.encode(), max_bytes=LIMIT) == text
    renamed = tmp_path / "export.json"
    renamed.write_text(text, encoding="utf-8")

    result = parse_scrape_file(renamed, max_bytes=LIMIT)

    assert result.shape == Shape.CREATOR_VIDEOS_CSV
    assert len(result.videos) == 7


def test_json_named_csv_is_still_json(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_text('{"userInfo": {"user": {"id": "1", "uniqueId": "a"}}}', encoding="utf-8")
    assert parse_scrape_file(path, max_bytes=LIMIT).shape == Shape.WEB_PROFILE


def test_creators_csv_with_a_byte_order_mark_and_crlf_lines() -> None:
    text = "\ufeff" + fixture_text().replace("\n", "\r\n")
    result = parse_scrape_bytes(text.encode(), source_name="bom.csv", max_bytes=LIMIT)
    assert len(result.videos) == 7
    assert video(result, "04").caption == "morning run\r\nwith a two-line caption"


# --- Cells --------------------------------------------------------------------------------------


def test_creators_csv_reads_display_counts() -> None:
    result = parsed()
    first = video(result, "01")
    assert (first.views, first.likes, first.comments, first.saves) == (1_400_000, 21_100, 120, 1204)
    second = video(result, "02")
    assert (second.views, second.likes, second.shares) == (98_000, 4321, 12)


def test_creators_csv_share_label_is_zero_and_empty_counts_are_unknown() -> None:
    result = parsed()
    assert video(result, "01").shares == 0  # the literal "Share"
    third = video(result, "03")
    assert (third.views, third.likes, third.saves) == (None, None, None)
    assert (third.comments, third.shares) == (5, 2)


def test_creators_csv_follower_count_comes_from_the_latest_scraped_row() -> None:
    authors = {a.handle: a for a in parsed().authors}
    assert authors["mai.bakes"].followers == 353_400  # 10:05 beats 10:00 and 10:02
    assert authors["duc.runs"].followers == 12_000
    assert authors["mai.bakes"].external_id == "@mai.bakes"
    assert authors["mai.bakes"].display_name is None


def test_creators_csv_times_are_utc_and_the_scrape_time_is_the_latest() -> None:
    result = parsed()
    assert video(result, "02").posted_at == datetime(2025, 5, 3, 9, 30, tzinfo=UTC)
    assert result.scraped_at == datetime(2025, 6, 6, 9, 0, tzinfo=UTC)


def test_creators_csv_durations_hashtags_captions_and_urls() -> None:
    result = parsed()
    assert video(result, "01").duration_s == 22.0
    assert video(result, "02").duration_s == 65.0
    assert video(result, "03").duration_s is None  # empty cell
    assert video(result, "06").duration_s == 3725.0  # h:mm:ss
    assert video(result, "07").duration_s is None  # 00:00 is "unknown"
    assert video(result, "01").hashtags == ("food", "baking", "fyp")
    assert video(result, "02").hashtags == ()
    assert video(result, "01").caption == "Bánh mì sáng nay 🥖, giòn tan"
    assert video(result, "04").caption == "morning run\nwith a two-line caption"
    assert video(result, "03").caption == ""
    assert video(result, "01").url == "https://www.tiktok.com/@mai.bakes/video/7400000000000000001"
    # An empty vid_url is built from the handle and the id.
    assert video(result, "07").url == "https://www.tiktok.com/@duc.runs/video/7400000000000000007"
    assert video(result, "04").author_external_id == "@duc.runs"


def test_creators_csv_sounds_are_keyed_by_normalised_title_and_author() -> None:
    result = parsed()
    sounds = {m.external_id: m for m in result.music}
    # Mai's sound (rows 1, 4), Lạc Trôi in two spellings (rows 2, 5), Hà Vy's, Minh Anh's.
    assert len(sounds) == 4
    assert all(key.startswith("sound:") and len(key) == 22 for key in sounds)
    assert video(result, "01").music_external_id == video(result, "04").music_external_id
    assert video(result, "02").music_external_id == video(result, "05").music_external_id
    assert video(result, "03").music_external_id is None
    assert sound_id("Lạc Trôi", "Sơn Tùng M-TP") == sound_id(" lạc  trôi", "SƠN TÙNG M-TP")
    assert sound_id("Lạc Trôi", "") != sound_id("", "Lạc Trôi")
    assert sound_id(None, "  ") is None


def test_creators_csv_originality_and_owner() -> None:
    result = parsed()
    sounds = {m.external_id: m for m in result.music}
    mai = sounds[video(result, "01").music_external_id]
    # True on Mai's row, False on Duc's reuse: Mai's original sound; the largest usage kept.
    assert (mai.is_original, mai.owner_handle, mai.usage_count) == (True, "mai.bakes", 21_300)
    song = sounds[video(result, "02").music_external_id]
    assert (song.is_original, song.owner_handle, song.usage_count) == (False, None, 1_300_000)
    assert (song.title, song.artist_name) == ("Lạc Trôi", "Sơn Tùng M-TP")
    # "nhạc nền - Hà Vy" looks like a background-music title, but False means reused.
    background = sounds[video(result, "06").music_external_id]
    assert (background.is_original, background.usage_count) == (False, 88)
    author_only = sounds[video(result, "07").music_external_id]
    assert (author_only.title, author_only.artist_name) == (None, "Minh Anh")
    assert author_only.usage_count is None


def test_creators_csv_warns_about_videos_without_a_sound() -> None:
    result = parsed()
    assert result.warnings == [
        "line 4: video 7400000000000000003 has no sound (music_title and music_authorName "
        "are empty); stored without music"
    ]


def test_creators_csv_swapped_time_columns_read_by_name() -> None:
    result = parsed("creator_videos_recrawl.csv")
    first = video(result, "01")
    assert first.posted_at == datetime(2025, 5, 1, 8, tzinfo=UTC)
    assert result.scraped_at == datetime(2025, 6, 12, 11, 2, tzinfo=UTC)
    assert (first.views, first.shares) == (1_600_000, 2)
    assert video(result, "04").shares == 0


def test_creators_csv_duplicate_video_keeps_the_first_with_a_warning() -> None:
    rows = rows_of(fixture_text())
    text = as_text([*rows, rows[2]])
    result = parse_creators_csv(text, source_name="dup.csv")
    assert len(result.videos) == 7
    assert result.warnings[-1] == (
        "line 10: video 7400000000000000002 appears more than once; the first was kept"
    )


def test_creators_csv_header_only_holds_no_videos() -> None:
    result = parse_creators_csv(",".join(COLUMNS) + "\n")
    assert (result.videos, result.warnings) == ([], ["the scrape holds no videos"])


def test_creators_csv_extra_columns_and_missing_music_id_are_fine() -> None:
    rows = rows_of(fixture_text())
    music_id = rows[0].index("music_id")
    trimmed = [[*row[:music_id], *row[music_id + 1 :], "extra"] for row in rows]
    result = parse_creators_csv(as_text(trimmed))
    assert len(result.videos) == 7 and len(result.music) == 4


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            with_cell(2, "vid_nview", "lots"),
            "creators.csv: line 3 (row 2), column vid_nview: non-numeric count 'lots'",
            id="non-numeric-count",
        ),
        pytest.param(
            with_cell(1, "music_nused", "many videos"),
            "creators.csv: line 2 (row 1), column music_nused: bad usage count 'many videos' "
            "(expected like '21.1K videos')",
            id="non-numeric-usage",
        ),
        pytest.param(
            with_cell(5, "vid_postTime", "2025-13-01 08:00:00"),
            "creators.csv: line 7 (row 5), column vid_postTime: bad time '2025-13-01 08:00:00' "
            "(expected YYYY-MM-DD HH:MM:SS)",
            id="bad-date",
        ),
        pytest.param(
            with_cell(1, "vid_scrapeTime", "yesterday"),
            "creators.csv: line 2 (row 1), column vid_scrapeTime: bad time 'yesterday' "
            "(expected YYYY-MM-DD HH:MM:SS)",
            id="bad-scrape-time",
        ),
        pytest.param(
            with_cell(1, "vid_duration", "1:75"),
            "creators.csv: line 2 (row 1), column vid_duration: bad duration '1:75' "
            "(expected mm:ss)",
            id="bad-duration",
        ),
        pytest.param(
            with_cell(1, "music_originality", "maybe"),
            "creators.csv: line 2 (row 1), column music_originality: bad flag 'maybe' "
            "(expected True or False)",
            id="bad-originality",
        ),
        pytest.param(
            with_cell(1, "user_nfollower", "-3"),
            "creators.csv: line 2 (row 1), column user_nfollower: negative count -3",
            id="negative-count",
        ),
        pytest.param(
            with_cell(1, "vid_id", " "),
            "creators.csv: line 2 (row 1), column vid_id: missing video id",
            id="missing-video-id",
        ),
        pytest.param(
            with_cell(1, "vid_id", "7.4e+18"),
            "creators.csv: line 2 (row 1), column vid_id: video id '7.4e+18' is not an integer "
            "(digits were lost?)",
            id="float-video-id",
        ),
        pytest.param(
            with_cell(3, "user_name", "@"),
            "creators.csv: line 4 (row 3), column user_name: missing creator handle",
            id="missing-handle",
        ),
    ],
)
def test_creators_csv_bad_cell_names_file_line_column_and_reason(text: str, expected: str) -> None:
    assert error_of(text) == expected


def test_creators_csv_row_after_a_multiline_caption_reports_its_own_line() -> None:
    # Row 5 starts on line 7: row 4's caption spans lines 5-6.
    assert error_of(with_cell(5, "vid_nlike", "x")).startswith(
        "creators.csv: line 7 (row 5), column vid_nlike: "
    )


def test_creators_csv_row_with_too_few_cells() -> None:
    lines = fixture_text().splitlines(keepends=True)
    lines[2] = "mai.bakes,1K,7400000000000000009\n"
    assert error_of("".join(lines)) == "creators.csv: line 3 (row 2): 3 cells, the header has 19"


def test_creators_csv_missing_required_column() -> None:
    rows = rows_of(fixture_text())
    views = rows[0].index("vid_nview")
    text = as_text([row[:views] + row[views + 1 :] for row in rows])
    assert error_of(text) == "creators.csv: line 1: missing column vid_nview in the header"


def test_creators_csv_duplicate_header() -> None:
    rows = rows_of(fixture_text())
    rows[0][rows[0].index("vid_nsave")] = "vid_nlike"
    assert error_of(as_text(rows)) == (
        "creators.csv: line 1: column vid_nlike appears more than once in the header"
    )


def test_csv_of_another_layout_is_refused_with_its_header() -> None:
    text = "track_id,artists,track_name\n1,A,B\n"
    assert error_of(text, "tracks.csv") == (
        "tracks.csv: line 1: not a creators CSV: the header (track_id, artists, track_name) has "
        "none of its columns (user_name, user_nfollower, vid_id, vid_caption, …)"
    )


def test_non_utf8_csv_is_refused() -> None:
    with pytest.raises(ScrapeError, match="x.csv: not UTF-8 text"):
        parse_scrape_bytes(b"user_name,vid_id\n\xff,1\n", source_name="x.csv", max_bytes=LIMIT)


def test_parse_scrape_takes_csv_text_and_keeps_the_json_string_error() -> None:
    assert parse_scrape(fixture_text()).shape == Shape.CREATOR_VIDEOS_CSV
    with pytest.raises(ScrapeError, match="unknown scrape shape"):
        parse_scrape("hello", source_name="body")
