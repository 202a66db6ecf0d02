"""The creators CSV: one row per video with its creator and sound, as TikTok's pages display them.

The layout of the 2025 Vietnam creator timelines (shared/data/SOURCES.md §5-7): `user_name,
user_nfollower, vid_id, vid_caption, vid_postTime, vid_scrapeTime, vid_duration, vid_nview,
vid_nlike, vid_ncomment, vid_nshare, vid_nsave, vid_hashtags, vid_url, music_id, music_title,
music_nused, music_authorName, music_originality`. Columns are read by name, so the recrawl
variant (the two time columns swapped) and extra columns need nothing special. It is recognised
by its header (`is_creators_csv`); JSON shapes never reach this module.

How the cells are read (decisions worth knowing):
- Counts are display strings: `353.1K`, `1.4M`, `1,234`, and `music_nused` reads `21.1K videos`;
  `vid_nshare` holds the literal `Share` when the count is 0. An empty cell is unknown (None),
  never 0, so a missing count does not drag a creator's medians down.
- `music_id` went through a float upstream (`7.47e+18`) and lost its digits: it is not read.
  A sound is identified by `music_title` + `music_authorName`, normalised (Unicode NFC, runs of
  white space as one space, case-folded), and its external id is `sound:` + 16 hex digits of the
  pair's SHA-256, so the rows of one sound in one file or several map to one Music. A row with
  both cells empty has no sound: the video is stored without music, with a warning.
- `music_originality` True: the sound is the row creator's own original sound (original, owned
  by that creator); False: a reused or licensed sound, not original, even when its title reads
  "nhạc nền - X" (X's background music used by someone else). When some rows of one sound say
  True and others False, the sound is original and belongs to the creator of the True rows.
- `music_nused` differs between rows of one sound (scraped minutes apart, or several TikTok
  sounds of one name): the largest value is kept.
- Times are `YYYY-MM-DD HH:MM:SS` without a zone and are read as UTC. The scrape time of the
  file is its latest `vid_scrapeTime` (snapshots are per source and scrape time); a creator's
  follower count is the one on their most recently scraped row.
- `vid_duration` is `mm:ss` (or `h:mm:ss`); `vid_hashtags` a comma-separated list; `vid_url` the
  video's address; `vid_id` the (intact) video id, which must be an integer.
- Creators carry a handle only, no numeric id: their external id is `@handle`
  (`records.handle_key`), which the ingest joins to the numeric id a JSON scrape brings.

A bad cell stops the parse with a ScrapeError naming the file, the line (and data row) and the
column: "user_videos.csv: line 7 (row 6), column vid_nview: non-numeric count 'lots'".
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import NoReturn

from musicrec.platforms.tiktok.items import clean_hashtags, video_url
from musicrec.platforms.tiktok.records import (
    AuthorRecord,
    MusicRecord,
    ScrapeResult,
    Shape,
    VideoRecord,
    handle_key,
)
from musicrec.platforms.tiktok.values import (
    InvalidValue,
    ScrapeError,
    parse_count,
    parse_flag,
    parse_time,
    shorten,
)

COLUMNS = (
    "user_name", "user_nfollower", "vid_id", "vid_caption", "vid_postTime", "vid_scrapeTime",
    "vid_duration", "vid_nview", "vid_nlike", "vid_ncomment", "vid_nshare", "vid_nsave",
    "vid_hashtags", "vid_url", "music_id", "music_title", "music_nused", "music_authorName",
    "music_originality",
)  # fmt: skip
# Everything but the damaged music_id is read, so everything but it must be there.
REQUIRED = tuple(column for column in COLUMNS if column != "music_id")
SOUND_ID_PREFIX = "sound:"

_USES_SUFFIX = re.compile(r"\s*videos?\s*$", re.IGNORECASE)
_DURATION = re.compile(r"^(?:([0-9]{1,4}):)?([0-9]{1,6}):([0-5][0-9])$")
_INTEGER_ID = re.compile(r"^[0-9]+$")
_MAX_ID_DIGITS = 64  # the id column's width
# A creator known by handle only is keyed "@handle" in a 64-character id column.
_MAX_HANDLE = 63
_SPACES = re.compile(r"\s+")


def csv_header(text: str) -> list[str] | None:
    """The first line's cells when `text` looks like CSV rather than JSON, else None.

    JSON starts with `{` or `[` (a bare JSON string or number has one cell); anything else whose
    first line holds two or more comma-separated cells is taken for a CSV and its header judged.
    """
    start = next((i for i, char in enumerate(text) if char not in "\ufeff \t\r\n"), None)
    if start is None or text[start] in "{[":
        return None
    end = text.find("\n", start)
    first_line = text[start : end if end >= 0 else len(text)]
    try:
        cells = next(csv.reader([first_line]), [])
    except csv.Error:
        return None
    return [cell.strip() for cell in cells] if len(cells) >= 2 else None


def is_creators_csv(text: str) -> bool:
    """Whether `text` is a CSV whose header names this layout's columns."""
    header = csv_header(text)
    return header is not None and bool(set(header) & set(REQUIRED))


def sound_id(title: str | None, artist: str | None) -> str | None:
    """The external id of the sound called `title` by `artist`; None when both are empty."""
    parts = [_normalise(title), _normalise(artist)]
    if not any(parts):
        return None
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return SOUND_ID_PREFIX + digest[:16]


def _normalise(text: str | None) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip().casefold()


def parse_creators_csv(text: str, *, source_name: str = "<input>") -> ScrapeResult:
    """Parse the text of a creators CSV; raises ScrapeError naming the line and column."""
    videos: dict[str, VideoRecord] = {}
    authors: dict[str, _Creator] = {}
    sounds: dict[str, _Sound] = {}
    warnings: list[str] = []
    scraped_at: datetime | None = None
    for row in _rows(text, source_name):
        video, author, sound, seen_at = _read_row(row)
        if seen_at is not None and (scraped_at is None or seen_at > scraped_at):
            scraped_at = seen_at
        if video.external_id in videos:
            warnings.append(
                f"line {row.line}: video {video.external_id} appears more than once; "
                "the first was kept"
            )
            continue
        videos[video.external_id] = video
        authors.setdefault(video.author_external_id, _Creator(author)).see(author, seen_at)
        if sound is None:
            warnings.append(
                f"line {row.line}: video {video.external_id} has no sound (music_title and "
                "music_authorName are empty); stored without music"
            )
            continue
        known = sounds.setdefault(sound.external_id, _Sound(sound))
        conflict = known.see(sound)
        if conflict:
            warnings.append(f"line {row.line}: {conflict}")
    if not videos:
        warnings.append("the scrape holds no videos")
    return ScrapeResult(
        shape=str(Shape.CREATOR_VIDEOS_CSV),
        scraped_at=scraped_at,
        authors=[creator.record for creator in authors.values()],
        videos=list(videos.values()),
        music=[sound.record for sound in sounds.values()],
        warnings=warnings,
    )


def _read_row(
    row: _Row,
) -> tuple[VideoRecord, AuthorRecord, MusicRecord | None, datetime | None]:
    """Every cell of one row, checked (duplicate rows too, so no bad cell goes unreported)."""
    handle = (row.text("user_name") or "").lstrip("@").strip()
    if not handle:
        row.fail("user_name", "missing creator handle")
    if len(handle) > _MAX_HANDLE:
        row.fail("user_name", f"handle longer than {_MAX_HANDLE} characters")
    video_id = row.text("vid_id")
    if video_id is None:
        row.fail("vid_id", "missing video id")
    if not _INTEGER_ID.match(video_id):
        row.fail("vid_id", f"video id {shorten(video_id)!r} is not an integer (digits were lost?)")
    if len(video_id) > _MAX_ID_DIGITS:
        row.fail("vid_id", f"video id is longer than {_MAX_ID_DIGITS} digits")
    author = AuthorRecord(
        external_id=handle_key(handle),
        handle=handle,
        followers=row.count("user_nfollower"),
        raw={"user_name": row.cells["user_name"], "user_nfollower": row.cells["user_nfollower"]},
    )
    sound = _read_sound(row, handle)
    video = VideoRecord(
        external_id=video_id,
        author_external_id=author.external_id,
        caption=row.text("vid_caption") or "",
        hashtags=clean_hashtags(row.cells["vid_hashtags"].split(",")),
        posted_at=row.time("vid_postTime"),
        duration_s=row.duration(),
        url=video_url(row.text("vid_url"), handle, video_id),
        views=row.count("vid_nview"),
        likes=row.count("vid_nlike"),
        comments=row.count("vid_ncomment"),
        shares=row.count("vid_nshare"),
        saves=row.count("vid_nsave"),
        music_external_id=sound.external_id if sound else None,
        raw=dict(row.cells),
    )
    return video, author, sound, row.time("vid_scrapeTime")


def _read_sound(row: _Row, handle: str) -> MusicRecord | None:
    title, artist = row.text("music_title"), row.text("music_authorName")
    original = bool(row.flag("music_originality"))
    usage = row.count("music_nused")
    external_id = sound_id(title, artist)
    if external_id is None:
        return None
    return MusicRecord(
        external_id=external_id,
        title=title,
        # An original sound without an author name is credited to the creator who made it.
        artist_name=artist or (handle if original else None),
        is_original=original,
        owner_handle=handle if original else None,
        usage_count=usage,
        raw={name: cell for name, cell in row.cells.items() if name.startswith("music_")},
    )


@dataclass
class _Creator:
    """A creator's record, with the follower count of their most recently scraped row."""

    record: AuthorRecord
    seen_at: datetime | None = None

    def see(self, author: AuthorRecord, seen_at: datetime | None) -> None:
        if author.followers is None:
            return
        newer = seen_at is not None and (self.seen_at is None or seen_at >= self.seen_at)
        if self.record.followers is None or newer:
            if author.followers != self.record.followers:
                self.record = replace(self.record, followers=author.followers, raw=author.raw)
            self.seen_at = seen_at if newer else self.seen_at


@dataclass
class _Sound:
    """A sound over all its rows: original if any row says so, the largest usage count."""

    record: MusicRecord

    def see(self, sound: MusicRecord) -> str | None:
        """Fold another row of this sound in; returns a warning when two creators claim it."""
        known = self.record
        usage = max((n for n in (known.usage_count, sound.usage_count) if n is not None),
                    default=None)  # fmt: skip
        if sound.is_original and not known.is_original:
            self.record = replace(sound, usage_count=usage)
            return None
        if usage != known.usage_count:
            self.record = replace(known, usage_count=usage)
        if sound.is_original and sound.owner_handle != known.owner_handle:
            return (
                f"sound {known.title or known.artist_name!r} is the original sound of both "
                f"@{known.owner_handle} and @{sound.owner_handle}; @{known.owner_handle} kept"
            )
        return None


# --- Reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """One data row with its place in the file, so each cell read can say where it failed."""

    source: str
    line: int
    number: int
    cells: dict[str, str]

    def fail(self, column: str | None, reason: str) -> NoReturn:
        where = f"line {self.line} (row {self.number})"
        raise ScrapeError(
            reason, path=self.source, json_path=f"{where}, column {column}" if column else where
        )

    def text(self, column: str) -> str | None:
        return self.cells[column].strip() or None

    def count(self, column: str) -> int | None:
        text = self.cells[column].strip()
        if column == "vid_nshare" and text.casefold() == "share":
            return 0  # TikTok shows the button's label instead of "0"
        try:
            return parse_count(_USES_SUFFIX.sub("", text) if column == "music_nused" else text)
        except InvalidValue as error:
            if column == "music_nused":
                reason = f"bad usage count {shorten(text)!r} (expected like '21.1K videos')"
                self.fail(column, reason)
            self.fail(column, str(error))

    def time(self, column: str) -> datetime | None:
        text = self.cells[column].strip()
        try:
            return parse_time(text)  # ISO 8601; a time without a zone is UTC
        except InvalidValue:
            self.fail(column, f"bad time {shorten(text)!r} (expected YYYY-MM-DD HH:MM:SS)")

    def duration(self) -> float | None:
        text = self.cells["vid_duration"].strip()
        if not text:
            return None
        match = _DURATION.match(text)
        if match is None:
            self.fail("vid_duration", f"bad duration {shorten(text)!r} (expected mm:ss)")
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        total = hours * 3600 + minutes * 60 + seconds
        return float(total) if total else None  # 00:00 is TikTok's "unknown", as in JSON

    def flag(self, column: str) -> bool | None:
        text = self.cells[column].strip()
        value = parse_flag(text)
        if value is None and text:
            self.fail(column, f"bad flag {shorten(text)!r} (expected True or False)")
        return value


def _rows(text: str, source: str) -> Iterator[_Row]:
    """Every data row, after checking the header; blank lines are skipped."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [cell.strip() for cell in next(reader, [])]
        duplicated = sorted({c for c in header if c and header.count(c) > 1})
        if duplicated:
            _header_error(source, f"column {duplicated[0]} appears more than once in the header")
        missing = [column for column in REQUIRED if column not in header]
        if len(missing) == len(REQUIRED):
            shown = ", ".join(header[:6]) + (", …" if len(header) > 6 else "")
            _header_error(
                source,
                f"not a creators CSV: the header ({shown}) has none of its columns "
                f"({', '.join(REQUIRED[:4])}, …)",
            )
        if missing:
            plural = "s" if len(missing) > 1 else ""
            _header_error(source, f"missing column{plural} {', '.join(missing)} in the header")
        line, number = reader.line_num, 0
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            number += 1
            row = _Row(source, start, number, {})
            if len(cells) != len(header):
                row.fail(None, f"{len(cells)} cells, the header has {len(header)}")
            yield _Row(source, start, number, dict(zip(header, cells, strict=True)))
    except csv.Error as error:
        where = f"line {reader.line_num}"
        raise ScrapeError(f"not readable as CSV: {error}", path=source, json_path=where) from None


def _header_error(source: str, reason: str) -> NoReturn:
    raise ScrapeError(reason, path=source, json_path="line 1")
