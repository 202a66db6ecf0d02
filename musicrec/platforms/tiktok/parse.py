"""Entry points: detect the shape, walk its items, and assemble one deduplicated result."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from musicrec.core import json_input
from musicrec.core.sizes import human_size
from musicrec.platforms.tiktok.creators_csv import (
    csv_header,
    is_creators_csv,
    parse_creators_csv,
)
from musicrec.platforms.tiktok.items import ParsedItem, apify_item, web_item, web_profile
from musicrec.platforms.tiktok.records import (
    AuthorRecord,
    MusicRecord,
    ScrapeResult,
    Shape,
    VideoRecord,
)
from musicrec.platforms.tiktok.values import (
    InvalidValue,
    Key,
    Node,
    ScrapeError,
    parse_time,
    unflatten,
)


def parse_scrape(data: Any, *, source_name: str = "<input>") -> ScrapeResult:
    """Parse a decoded scrape of any supported shape; raises ScrapeError naming where it failed.

    `data` is decoded JSON, or the text of a creators CSV (what `load_scrape` returns for one).
    Data nested past MAX_JSON_DEPTH is refused; NULs and lone surrogates are cleaned out of its
    text first (musicrec.core.json_input), so nothing parsed is text a database refuses.
    """
    try:
        json_input.check_depth(data)
    except json_input.JsonTooDeep as error:
        raise ScrapeError(str(error), path=source_name) from None
    return _parse(json_input.sanitize(data), source_name)


def _parse(data: Any, source_name: str) -> ScrapeResult:
    """parse_scrape on data already depth-checked and sanitized (load_scrape's output)."""
    if isinstance(data, str) and csv_header(data) is not None:
        return parse_creators_csv(data, source_name=source_name)
    root, base = _unwrap(data)
    shape = _detect(root, base, source_name)
    builder = _Builder(shape=shape, source=source_name)
    node = Node(root, source_name, base)
    if shape in (Shape.WEB_PROFILE, Shape.WEB_ITEMS, Shape.WEB_COMBINED) and isinstance(root, dict):
        builder.scraped_at = _scraped_at(node)
        profile = None
        if "userInfo" in root:
            profile = web_profile(node)
            builder.add_author(profile, authoritative=True)
            builder.profile_id = profile.external_id
        for item in node.items("itemList"):
            builder.add_item(web_item(item, profile))
    elif shape == Shape.WEB_ITEMS:
        for item in node.items():
            builder.add_item(web_item(item, None))
    elif shape == Shape.WEB_ITEM:
        builder.scraped_at = _scraped_at(node)
        if "itemInfo" in root:
            item = node.child("itemInfo", "itemStruct")
        elif "itemStruct" in root:
            item = node.child("itemStruct")
        else:
            item = node
        builder.add_item(web_item(item, None))
    elif shape == Shape.SCRAPER_COLLECTOR:
        for item in node.items("collector"):
            builder.add_item(apify_item(item))
    elif isinstance(root, dict):  # a single Apify item, nested or flat
        builder.add_item(apify_item(_apify_node(root, source_name, base)))
    else:
        for index, raw_item in enumerate(root):
            builder.add_item(apify_item(_apify_node(raw_item, source_name, (*base, index))))
    if builder.scraped_at is None:
        builder.scraped_at = _scraped_at_from_name(source_name)
    return builder.result()


def _apify_node(raw_item: Any, source: str, base: tuple[Key, ...]) -> Node:
    if isinstance(raw_item, dict) and _is_flat(raw_item):
        try:
            nested, origin = unflatten(raw_item)
        except InvalidValue as error:
            raise ScrapeError(str(error), path=source, json_path=render(base)) from None
        return Node(nested, source, base, (), origin)
    return Node(raw_item, source, base)


def parse_scrape_bytes(raw: bytes, *, source_name: str = "<input>", max_bytes: int) -> ScrapeResult:
    """Decode and parse a scrape file's bytes; the size is checked before anything is decoded."""
    return _parse(load_scrape(raw, source_name=source_name, max_bytes=max_bytes), source_name)


def read_scrape_upload(
    stream: BinaryIO, *, source_name: str, size: int | None, max_bytes: int
) -> ScrapeResult:
    """An uploaded scrape file, parsed: a file over `max_bytes` is refused before it is read.

    The API, the dashboard and the admin read uploads here (JSON or a creators CSV, told apart
    by content: see `load_scrape`); every problem is a ScrapeError naming the file.
    """
    if size is not None and size > max_bytes:
        raise ScrapeError(_too_big(size, max_bytes), path=source_name)
    return parse_scrape_bytes(
        stream.read(max_bytes + 1), source_name=source_name, max_bytes=max_bytes
    )


def load_scrape(raw: bytes, *, source_name: str = "<input>", max_bytes: int) -> Any:
    """A scrape file's bytes decoded: JSON data, or the text itself when it is a CSV.

    The content decides, not the file name: text that starts like JSON is JSON, and text whose
    first line has two or more comma-separated cells is a CSV (its header is judged by
    `parse_creators_csv`). Anything else gets the JSON decoder's reason. JSON nested past
    MAX_JSON_DEPTH or holding NaN is refused; NULs and lone surrogates are cleaned out of the
    text (musicrec.core.json_input).
    """
    if len(raw) > max_bytes:
        raise ScrapeError(_too_big(len(raw), max_bytes), path=source_name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScrapeError(
            f"not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start})",
            path=source_name,
        ) from None
    if csv_header(text) is not None:
        return json_input.clean_text(text)
    try:
        return json_input.loads(text)
    except json.JSONDecodeError as error:
        raise ScrapeError(
            f"not JSON: {error.msg} at line {error.lineno} column {error.colno}",
            path=source_name,
        ) from None
    except ValueError as error:  # nested too deep, NaN, an integer of over 4,300 digits
        raise ScrapeError(f"not JSON we can read: {error}", path=source_name) from None


def parse_scrape_file(path: str | Path, *, max_bytes: int) -> ScrapeResult:
    """Read and parse a scrape file; a file over `max_bytes` is refused before it is read."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ScrapeError(_too_big(size, max_bytes), path=path.name)
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as error:
        raise ScrapeError(f"cannot read file: {error.strerror or error}", path=path.name) from None
    return parse_scrape_bytes(raw, source_name=path.name, max_bytes=max_bytes)


def detect_shape(data: Any) -> str:
    """The `Shape` of a decoded scrape (JSON wrappers such as `{"data": …}` are looked through)."""
    if isinstance(data, str) and is_creators_csv(data):
        return Shape.CREATOR_VIDEOS_CSV
    root, base = _unwrap(data)
    return _detect(root, base, "<input>")


# --- Shape detection ------------------------------------------------------------------------

_WRAPPERS = ("data", "items", "result", "body")
_FLAT_KEY_RE = re.compile(r"^(authorMeta|musicMeta|videoMeta)[./]")
_WEB_ITEM_KEYS = {"author", "desc", "stats", "statsV2", "video", "music", "createTime"}


def _unwrap(data: Any) -> tuple[Any, tuple[Key, ...]]:
    """Look through API envelopes (`{"data": …}`, TikTok's SSR `__DEFAULT_SCOPE__`)."""
    base: tuple[Key, ...] = ()
    for _ in range(4):
        if not isinstance(data, dict) or _dict_shape(data) is not None:
            break
        scope = data.get("__DEFAULT_SCOPE__")
        if isinstance(scope, dict):
            for page in ("webapp.user-detail", "webapp.video-detail"):
                if isinstance(scope.get(page), dict):
                    return scope[page], (*base, "__DEFAULT_SCOPE__", page)
        wrapper = next((k for k in _WRAPPERS if isinstance(data.get(k), dict | list)), None)
        if wrapper is None:
            break
        data, base = data[wrapper], (*base, wrapper)
    return data, base


def _dict_shape(data: dict[str, Any]) -> Shape | None:
    has_profile = isinstance(data.get("userInfo"), dict)
    has_items = isinstance(data.get("itemList"), list)
    if has_profile and has_items:
        return Shape.WEB_COMBINED
    if has_profile:
        return Shape.WEB_PROFILE
    if has_items:
        return Shape.WEB_ITEMS
    if isinstance(data.get("collector"), list):
        return Shape.SCRAPER_COLLECTOR
    if isinstance(data.get("itemInfo"), dict) and isinstance(
        data["itemInfo"].get("itemStruct"), dict
    ):
        return Shape.WEB_ITEM
    if isinstance(data.get("itemStruct"), dict):
        return Shape.WEB_ITEM
    if "id" in data and "authorMeta" in data:
        return Shape.APIFY_ITEMS
    if "id" in data and _is_flat(data):
        return Shape.APIFY_FLAT
    if "id" in data and len(_WEB_ITEM_KEYS & data.keys()) >= 2:
        return Shape.WEB_ITEM
    return None


def _is_flat(item: dict[str, Any]) -> bool:
    """A flattened Apify row: `"authorMeta.name"` (JSON export) or `"authorMeta/name"` (CSV)."""
    return any(_FLAT_KEY_RE.match(key) for key in item)


def _detect(root: Any, base: tuple[Key, ...], source: str) -> Shape:
    if isinstance(root, dict):
        shape = _dict_shape(root)
        if shape is not None:
            if shape == Shape.WEB_PROFILE:
                _check_status(Node(root, source, base))
            return shape
        keys = ", ".join(sorted(map(str, root))[:8]) or "none"
        raise ScrapeError(
            f"unknown scrape shape (top-level keys: {keys})", path=source, json_path=render(base)
        )
    if isinstance(root, list):
        first = next(iter(root), None)
        if first is None:
            return Shape.APIFY_ITEMS  # an empty dataset: a profile without videos
        if isinstance(first, dict):
            if _is_flat(first):
                return Shape.APIFY_FLAT
            if "authorMeta" in first:
                return Shape.APIFY_ITEMS
            if "id" in first and len(_WEB_ITEM_KEYS & first.keys()) >= 2:
                return Shape.WEB_ITEMS
        raise ScrapeError(
            "unknown scrape shape (a list whose items are neither TikTok nor Apify videos)",
            path=source,
            json_path=render((*base, 0)),
        )
    raise ScrapeError(
        f"unknown scrape shape (a JSON {type(root).__name__}, expected an object or a list)",
        path=source,
        json_path=render(base),
    )


def render(keys: tuple[Key, ...]) -> str:
    return Node(None, "", keys).path()


def _check_status(node: Node) -> None:
    """TikTok answers an unknown or banned user with a non-zero statusCode and an empty user."""
    status = node.get("statusCode")
    if status not in (None, 0, "0") and not node.has("userInfo", "user", "id"):
        message = node.text("statusMsg", "status_msg") or "no user in the response"
        node.fail(("statusCode",), f"TikTok returned statusCode {status}: {message}")


def _too_big(size: int, limit: int) -> str:
    return f"file is {human_size(size)}, over the {human_size(limit)} limit"


def _scraped_at(node: Node) -> datetime | None:
    """When TikTok answered (`extra.now`, ms) or when our own combined file says it was made."""
    for keys in (("scrapedAt",), ("scraped_at",), ("extra", "now")):
        try:
            value = parse_time(node.get(*keys))
        except ValueError:
            continue
        if value is not None:
            return value
    return None


def _scraped_at_from_name(source_name: str) -> datetime | None:
    """npm tiktok-scraper names its files `<handle>_<Date.now()>.json`."""
    match = re.search(r"_(\d{13})$", Path(source_name).stem)
    return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC) if match else None


# --- Assembly -----------------------------------------------------------------------------------


def _fill(primary: Any, secondary: Any) -> Any:
    """`primary` with its missing (None) fields taken from `secondary`."""
    missing = {
        f.name: getattr(secondary, f.name)
        for f in fields(primary)
        if getattr(primary, f.name) is None and getattr(secondary, f.name) is not None
    }
    return replace(primary, **missing) if missing else primary


@dataclass
class _Builder:
    shape: Shape
    source: str
    scraped_at: datetime | None = None
    profile_id: str | None = None
    authors: dict[str, AuthorRecord] = field(default_factory=dict)
    music: dict[str, MusicRecord] = field(default_factory=dict)
    videos: dict[str, VideoRecord] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add_author(self, author: AuthorRecord, *, authoritative: bool = False) -> None:
        known = self.authors.get(author.external_id)
        if known is None:
            self.authors[author.external_id] = author
        elif authoritative:
            self.authors[author.external_id] = _fill(author, known)
        else:
            self.authors[author.external_id] = _fill(known, author)

    def add_item(self, parsed: ParsedItem) -> None:
        video_id = parsed.video.external_id
        if video_id in self.videos:
            self.warnings.append(f"video {video_id} appears more than once; the first was kept")
            return
        self.videos[video_id] = parsed.video
        self.add_author(parsed.author)
        if parsed.music is not None:
            known = self.music.get(parsed.music.external_id)
            self.music[parsed.music.external_id] = (
                parsed.music if known is None else _fill(known, parsed.music)
            )
        if parsed.warning:
            self.warnings.append(parsed.warning)

    def result(self) -> ScrapeResult:
        if not self.videos and self.profile_id is None:
            self.warnings.append("the scrape holds no videos")
        return ScrapeResult(
            shape=str(self.shape),
            scraped_at=self.scraped_at,
            authors=list(self.authors.values()),
            videos=list(self.videos.values()),
            music=list(self.music.values()),
            warnings=self.warnings,
            profile_external_id=self.profile_id,
        )
