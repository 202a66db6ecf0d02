"""TikTok scrape results in any of the shapes we meet, turned into plain typed records.

Three families exist in the wild (research note scrape-formats §1-3): TikTok's own web JSON
(`userInfo` for a profile, `itemList[]` / `itemStruct` for videos), the Apify
`clockworks/tiktok-scraper` dataset (flat items with `authorMeta` / `musicMeta` / `videoMeta`,
also exported with dotted keys), and its ancestor, the npm `tiktok-scraper`
(`{"collector": [...]}`).
`parse_scrape` detects which one it holds and returns the same records for all of them, so the
services that store them never look at scraper JSON. Nothing here touches the database.

Decisions worth knowing:
- Counts prefer the exact `statsV2` / `authorStatsV2` strings over the rounded ints in `stats`;
  a profile's own stats (`userInfo`) win over the copies repeated in each video.
- Music is keyed by its TikTok id, never its title: "original sound" is the title of most sounds.
- A sound is original when TikTok flags it so (`original` / `musicOriginal`), unless it carries
  label metadata (`isCopyrighted`, an album, a Spotify mapping): those are licensed tracks that
  happen to be uploaded as originals. Without the flag, the localized "original sound" titles
  decide. An original sound belongs to the creator who made it: `owner_handle` is the video
  author's handle when the sound's author is that creator, and None when the video reuses
  somebody else's original sound (their handle is not in the item, only their nickname).
- A music stub (`id: ""` and nothing but a title) is dropped with a warning; music that has real
  fields but no id is an error, because it cannot be stored without one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from musicrec.core.sizes import human_size
from musicrec.platforms.scrape_values import Key, Node, ScrapeError, parse_time, unflatten

__all__ = [
    "AuthorRecord",
    "MusicRecord",
    "ScrapeError",
    "ScrapeResult",
    "Shape",
    "VideoRecord",
    "detect_shape",
    "parse_scrape",
    "parse_scrape_bytes",
    "parse_scrape_file",
]

PLATFORM = "tiktok"
SPOTIFY_DSP_PLATFORM = 3  # `tt2dsp.tt_to_dsp_song_infos[].platform`: 1 Apple Music, 3 Spotify


class Shape(StrEnum):
    """The scrape shapes `detect_shape` recognises."""

    WEB_PROFILE = "tiktok_web_profile"  # {"userInfo": {user, stats, statsV2}}
    WEB_ITEMS = "tiktok_web_items"  # {"itemList": [itemStruct…]} or a bare list of itemStructs
    WEB_COMBINED = "tiktok_web_combined"  # {"userInfo": …, "itemList": […]}: our own files
    WEB_ITEM = "tiktok_web_item"  # one itemStruct, bare or in itemInfo.itemStruct
    APIFY_ITEMS = "apify_items"  # [ {authorMeta, musicMeta, videoMeta, …} ]
    APIFY_FLAT = "apify_flat"  # [ {"authorMeta.name": …, …} ] (flattened export)
    SCRAPER_COLLECTOR = "tiktok_scraper_collector"  # {"collector": [ … ]} (npm tiktok-scraper)


# --- Records --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AuthorRecord:
    """A TikTok account as the scrape describes it; counts are None when the scrape lacks them."""

    platform: str = PLATFORM
    external_id: str
    handle: str | None = None
    display_name: str | None = None
    bio: str | None = None
    avatar_url: str | None = None
    verified: bool | None = None
    is_private: bool | None = None
    region: str | None = None
    followers: int | None = None
    following: int | None = None
    likes_total: int | None = None
    video_count: int | None = None
    likes_given: int | None = None
    sec_uid: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, kw_only=True)
class MusicRecord:
    """A TikTok sound. `usage_count` is the sound's own video count when the scrape has it."""

    platform: str = PLATFORM
    external_id: str
    title: str | None = None
    artist_name: str | None = None
    album: str | None = None
    duration_s: float | None = None
    is_original: bool = False
    play_url: str | None = None
    cover_url: str | None = None
    owner_handle: str | None = None
    spotify_id: str | None = None
    usage_count: int | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, kw_only=True)
class VideoRecord:
    """One post. Media and cover URLs are signed and expire: keep `url` as the stable address."""

    platform: str = PLATFORM
    external_id: str
    author_external_id: str
    caption: str = ""
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    sticker_text: tuple[str, ...] = ()
    posted_at: datetime | None = None
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    url: str | None = None
    media_url: str | None = None
    cover_url: str | None = None
    views: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    music_external_id: str | None = None
    is_ad: bool = False
    is_pinned: bool = False
    is_slideshow: bool = False
    language: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class ScrapeResult:
    """Everything one scrape holds, deduplicated: authors and music by id, videos by id."""

    shape: str
    scraped_at: datetime | None
    authors: list[AuthorRecord]
    videos: list[VideoRecord]
    music: list[MusicRecord]
    warnings: list[str] = field(default_factory=list)
    profile_external_id: str | None = None

    def author(self, handle_or_id: str) -> AuthorRecord | None:
        """The author with this handle (case-insensitive, "@" optional) or external id."""
        wanted = handle_or_id.strip().lstrip("@").lower()
        for author in self.authors:
            if author.external_id == wanted or (author.handle or "").lower() == wanted:
                return author
        return None

    def main_author(self) -> AuthorRecord | None:
        """The scraped profile: the `userInfo` author, else the author of most videos."""
        if self.profile_external_id is not None:
            return next(a for a in self.authors if a.external_id == self.profile_external_id)
        if not self.videos:
            return self.authors[0] if self.authors else None
        counts: dict[str, int] = {}
        for video in self.videos:
            counts[video.author_external_id] = counts.get(video.author_external_id, 0) + 1
        top = max(counts, key=lambda author_id: counts[author_id])
        return next(a for a in self.authors if a.external_id == top)


# --- Entry points ---------------------------------------------------------------------------


def parse_scrape(data: Any, *, source_name: str = "<input>") -> ScrapeResult:
    """Parse decoded scrape JSON of any supported shape; raises ScrapeError naming the JSON path."""
    root, base = _unwrap(data)
    shape = _detect(root, base, source_name)
    builder = _Builder(shape=shape, source=source_name)
    node = Node(root, source_name, base)
    if shape in (Shape.WEB_PROFILE, Shape.WEB_ITEMS, Shape.WEB_COMBINED) and isinstance(root, dict):
        builder.scraped_at = _scraped_at(node)
        profile = None
        if "userInfo" in root:
            profile = _web_profile(node)
            builder.add_author(profile, authoritative=True)
            builder.profile_id = profile.external_id
        for item in node.items("itemList"):
            builder.add_item(_web_item(item, profile))
    elif shape == Shape.WEB_ITEMS:
        for item in node.items():
            builder.add_item(_web_item(item, None))
    elif shape == Shape.WEB_ITEM:
        builder.scraped_at = _scraped_at(node)
        if "itemInfo" in root:
            item = node.child("itemInfo", "itemStruct")
        elif "itemStruct" in root:
            item = node.child("itemStruct")
        else:
            item = node
        builder.add_item(_web_item(item, None))
    elif shape == Shape.SCRAPER_COLLECTOR:
        for item in node.items("collector"):
            builder.add_item(_apify_item(item))
    elif isinstance(root, dict):  # a single Apify item, nested or flat
        builder.add_item(_apify_item(_apify_node(root, source_name, base)))
    else:
        for index, raw_item in enumerate(root):
            builder.add_item(_apify_item(_apify_node(raw_item, source_name, (*base, index))))
    if builder.scraped_at is None:
        builder.scraped_at = _scraped_at_from_name(source_name)
    return builder.result()


def _apify_node(raw_item: Any, source: str, base: tuple[Key, ...]) -> Node:
    if isinstance(raw_item, dict) and _is_flat(raw_item):
        nested, origin = unflatten(raw_item)
        return Node(nested, source, base, (), origin)
    return Node(raw_item, source, base)


def parse_scrape_bytes(raw: bytes, *, source_name: str = "<input>", max_bytes: int) -> ScrapeResult:
    """Decode and parse a scrape file's bytes; the size is checked before anything is decoded."""
    if len(raw) > max_bytes:
        raise ScrapeError(_too_big(len(raw), max_bytes), path=source_name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScrapeError(
            f"not JSON: not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start})",
            path=source_name,
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScrapeError(
            f"not JSON: {error.msg} at line {error.lineno} column {error.colno}",
            path=source_name,
        ) from None
    return parse_scrape(data, source_name=source_name)


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
    """The `Shape` of decoded scrape JSON (wrappers such as `{"data": …}` are looked through)."""
    root, base = _unwrap(data)
    return _detect(root, base, "<input>")


# --- Shape detection ------------------------------------------------------------------------

_WRAPPERS = ("data", "items", "result", "body")
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
    return any(key.startswith(("authorMeta.", "authorMeta/", "musicMeta.")) for key in item)


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


# --- TikTok web shape -----------------------------------------------------------------------


def _web_profile(node: Node) -> AuthorRecord:
    return _web_author(
        node.child("userInfo", "user"),
        node.child("userInfo", "statsV2"),
        node.child("userInfo", "stats"),
        raw=node.get("userInfo") or {},
    )


def _web_author(user: Node, exact: Node, rounded: Node, *, raw: dict[str, Any]) -> AuthorRecord:
    def count(*names: str) -> int | None:
        value = exact.count(*((name,) for name in names))
        return value if value is not None else rounded.count(*((name,) for name in names))

    return AuthorRecord(
        external_id=user.require_id("id"),
        handle=user.text("uniqueId"),
        display_name=user.text("nickname"),
        bio=user.text("signature"),
        avatar_url=user.text("avatarLarger", "avatarMedium", "avatarThumb"),
        verified=user.flag("verified"),
        is_private=user.flag("privateAccount"),
        region=user.text("region"),
        followers=count("followerCount"),
        following=count("followingCount"),
        likes_total=count("heartCount", "heart"),
        video_count=count("videoCount"),
        likes_given=count("diggCount"),
        sec_uid=user.text("secUid"),
        raw=raw,
    )


def _web_item(item: Node, profile: AuthorRecord | None) -> _Parsed:
    if not isinstance(item.value, dict):
        item.fail((), "a video must be a JSON object")
    video_id = item.require_id("id")
    author = _web_item_author(item, profile)
    tags = [challenge.get("title") for challenge in item.items("challenges")]
    mentions: list[Any] = []
    extras = [*item.items("textExtra")]
    for content in item.items("contents"):
        extras.extend(content.items("textExtra"))
    for extra in extras:
        if extra.get("type") in (1, "1"):
            tags.append(extra.get("hashtagName"))
        elif extra.text("userUniqueId"):
            mentions.append(extra.get("userUniqueId"))
    stickers = [
        text
        for sticker in item.items("stickersOnItem")
        for text in (sticker.get("stickerText") or [])
        if isinstance(text, str)
    ]
    video = item.child("video")
    music = _music(
        item.child("music"),
        author,
        video_id,
        id_key="id",
        title="title",
        artist="authorName",
        album="album",
        original="original",
        covers=("coverLarge", "coverMedium", "coverThumb"),
    )
    record = VideoRecord(
        external_id=video_id,
        author_external_id=author.external_id,
        caption=item.text("desc") or "",
        hashtags=_hashtags(tags),
        mentions=_mentions(mentions),
        sticker_text=tuple(dict.fromkeys(s.strip() for s in stickers if s.strip())),
        posted_at=item.time("createTime"),
        duration_s=video.number("duration"),
        width=_int(video.number("width")),
        height=_int(video.number("height")),
        url=_video_url(item.text("webVideoUrl"), author.handle, video_id),
        media_url=video.text(
            "playAddr",
            "downloadAddr",
            ("PlayAddrStruct", "UrlList", 0),
            ("bitrateInfo", 0, "PlayAddr", "UrlList", 0),
        ),
        cover_url=video.text("originCover", "cover"),
        views=item.count(("statsV2", "playCount"), ("stats", "playCount")),
        likes=item.count(("statsV2", "diggCount"), ("stats", "diggCount")),
        comments=item.count(("statsV2", "commentCount"), ("stats", "commentCount")),
        shares=item.count(("statsV2", "shareCount"), ("stats", "shareCount")),
        saves=item.count(("statsV2", "collectCount"), ("stats", "collectCount")),
        music_external_id=music.record.external_id if music.record else None,
        is_ad=bool(item.flag("isAd")),
        is_pinned=bool(item.flag("isPinnedItem") or item.flag("isPinned")),
        is_slideshow=bool(item.get("imagePost")),
        language=_language(item.text("textLanguage")),
        raw=item.value,
    )
    return _Parsed(record, author, music.record, music.warning)


def _web_item_author(item: Node, profile: AuthorRecord | None) -> AuthorRecord:
    raw_author = item.get("author")
    if isinstance(raw_author, dict):
        return _web_author(
            item.child("author"),
            item.child("authorStatsV2"),
            item.child("authorStats"),
            raw=raw_author,
        )
    if isinstance(raw_author, str) and raw_author.strip():
        # SIGI_STATE's ItemModule keeps only the handle here and the id beside it.
        return AuthorRecord(
            external_id=item.require_id("authorId", what="author id"),
            handle=raw_author.strip(),
            raw={"uniqueId": raw_author},
        )
    if profile is not None:
        return profile
    item.fail(("author", "id"), "missing author id")


# --- Apify / tiktok-scraper shape -----------------------------------------------------------


def _apify_item(item: Node) -> _Parsed:
    if not isinstance(item.value, dict):
        item.fail((), "a video must be a JSON object")
    video_id = item.require_id("id")
    meta = item.child("authorMeta")
    author = AuthorRecord(
        external_id=meta.require_id("id", what="author id"),
        handle=meta.text("name", "uniqueId"),
        display_name=meta.text("nickName", "nickname"),
        bio=meta.text("signature"),
        avatar_url=meta.text("originalAvatarUrl", "avatar"),
        verified=meta.flag("verified"),
        is_private=meta.flag("privateAccount"),
        region=meta.text("region"),
        followers=meta.count(("fans",), ("followers",)),
        following=meta.count(("following",)),
        likes_total=meta.count(("heart",)),
        video_count=meta.count(("video",)),
        likes_given=meta.count(("digg",)),
        sec_uid=meta.text("secUid"),
        raw=meta.value if isinstance(meta.value, dict) else {},
    )
    tags = [
        tag.get("name") if isinstance(tag.value, dict) else tag.value
        for tag in item.items("hashtags")
    ]
    mentions = [m.value for m in item.items("mentions")]
    mentions += [m.get("userUniqueId") or m.get("name") for m in item.items("detailedMentions")]
    video = item.child("videoMeta")
    music = _music(
        item.child("musicMeta"),
        author,
        video_id,
        id_key="musicId",
        title="musicName",
        artist="musicAuthor",
        album="musicAlbum",
        original="musicOriginal",
        covers=(
            "coverLarge",
            "coverMediumUrl",
            "coverMedium",
            "originalCoverMediumUrl",
            "coverThumb",
        ),
    )
    posted_at = item.time("createTime")
    if posted_at is None:
        posted_at = item.time("createTimeISO")
    record = VideoRecord(
        external_id=video_id,
        author_external_id=author.external_id,
        caption=item.text("text") or "",
        hashtags=_hashtags(tags),
        mentions=_mentions(mentions),
        posted_at=posted_at,
        duration_s=video.number("duration"),
        width=_int(video.number("width")),
        height=_int(video.number("height")),
        url=_video_url(item.text("webVideoUrl"), author.handle, video_id),
        media_url=item.text(
            ("mediaUrls", 0), ("videoMeta", "downloadAddr"), "videoUrl", "videoUrlNoWaterMark"
        ),
        cover_url=item.text(
            ("videoMeta", "originalCoverUrl"),
            ("videoMeta", "coverUrl"),
            ("covers", "origin"),
            ("covers", "default"),
        ),
        views=item.count(("playCount",)),
        likes=item.count(("diggCount",)),
        comments=item.count(("commentCount",)),
        shares=item.count(("shareCount",)),
        saves=item.count(("collectCount",)),
        music_external_id=music.record.external_id if music.record else None,
        is_ad=bool(item.flag("isAd")),
        is_pinned=bool(item.flag("isPinned") or item.flag("isPinnedItem")),
        is_slideshow=bool(item.flag("isSlideshow") or item.get("slideshowImageLinks")),
        language=_language(item.text("textLanguage")),
        raw=item.value,
    )
    return _Parsed(record, author, music.record, music.warning)


# --- Music ------------------------------------------------------------------------------------

# "original sound" in the languages seen in the samples and TikTok's UI; only consulted when a
# scrape omits the original flag.
_ORIGINAL_SOUND_TITLES = (
    "original sound",
    "sonido original",
    "som original",
    "son original",
    "suono originale",
    "origineel geluid",
    "originalton",
    "orijinal ses",
    "оригинальный звук",
    "оригінальний звук",
    "dźwięk oryginalny",
    "sunet original",
    "originální zvuk",
    "eredeti hang",
    "πρωτότυπος ήχος",
    "الصوت الأصلي",
    "צליל מקורי",
    "原声",
    "原聲",
    "オリジナル楽曲",
    "오리지널 사운드",
    "nhạc nền",
    "suara asli",
    "เสียงต้นฉบับ",
    "tunog orihinal",
)
_ORIGINAL_TITLE_RE = re.compile(
    r"^\s*(" + "|".join(re.escape(t) for t in _ORIGINAL_SOUND_TITLES) + r")\b", re.IGNORECASE
)


def is_original_sound_title(title: str | None) -> bool:
    """Whether a title is TikTok's "original sound - <creator>" in one of its languages."""
    return bool(title and _ORIGINAL_TITLE_RE.match(title))


@dataclass(frozen=True)
class _MusicResult:
    record: MusicRecord | None
    warning: str | None = None


def _music(
    music: Node,
    author: AuthorRecord,
    video_id: str,
    *,
    id_key: str,
    title: str,
    artist: str,
    album: str,
    original: str,
    covers: tuple[str, ...],
) -> _MusicResult:
    if not isinstance(music.value, dict) or not music.value:
        return _MusicResult(None)
    music_id = music.ident(id_key)
    title_text = music.text(title)
    artist_text = music.text(artist)
    album_text = music.text(album)
    play_url = music.text("playUrl")
    duration = music.number("duration")
    if music_id is None:
        if artist_text or album_text or play_url or duration:
            music.fail((id_key,), "missing music id")
        return _MusicResult(
            None,
            f"video {video_id}: music without an id ({title_text or 'no title'!r}) was dropped",
        )
    spotify_id = next(
        (
            info.text("song_id")
            for info in music.items("tt2dsp", "tt_to_dsp_song_infos")
            if info.get("platform") in (SPOTIFY_DSP_PLATFORM, str(SPOTIFY_DSP_PLATFORM))
        ),
        None,
    )
    flagged = music.flag(original)
    if flagged is None:
        flagged = is_original_sound_title(title_text)
    licensed = bool(music.flag("isCopyrighted")) or album_text is not None or spotify_id
    is_original = bool(flagged) and not licensed
    owner_handle = None
    if is_original:
        creator_names = {_fold(author.handle), _fold(author.display_name)} - {""}
        suffix = _title_suffix(title_text)
        if not artist_text or _fold(artist_text) in creator_names:
            owner_handle = author.handle
            artist_text = artist_text or suffix or author.display_name or author.handle
        elif suffix and _fold(suffix) in creator_names:
            owner_handle = author.handle
    record = MusicRecord(
        external_id=music_id,
        title=title_text,
        artist_name=artist_text,
        album=album_text,
        duration_s=duration,
        is_original=is_original,
        play_url=play_url,
        cover_url=music.text(*covers),
        owner_handle=owner_handle,
        spotify_id=spotify_id,
        usage_count=music.count(
            ("statsV2", "videoCount"), ("stats", "videoCount"), ("userCount",), ("user_count",)
        ),
        raw=music.value,
    )
    return _MusicResult(record)


def _title_suffix(title: str | None) -> str | None:
    """The creator named in "original sound - <creator>"."""
    if not is_original_sound_title(title):
        return None
    _, _, rest = (title or "").partition(" - ")
    return rest.strip() or None


def _fold(text: str | None) -> str:
    return (text or "").strip().casefold()


# --- Small helpers ------------------------------------------------------------------------------


def _hashtags(values: Iterable[Any]) -> tuple[str, ...]:
    """Lower-case, without '#', de-duplicated with the first occurrence's position kept."""
    cleaned = (str(v).strip().lstrip("#").strip().lower() for v in values if v is not None)
    return tuple(dict.fromkeys(tag for tag in cleaned if tag))


def _mentions(values: Iterable[Any]) -> tuple[str, ...]:
    cleaned = (str(v).strip().lstrip("@").strip() for v in values if v is not None)
    return tuple(dict.fromkeys(handle for handle in cleaned if handle))


def _video_url(web_url: str | None, handle: str | None, video_id: str) -> str | None:
    if web_url:
        return web_url
    return f"https://www.tiktok.com/@{handle}/video/{video_id}" if handle else None


def _language(code: str | None) -> str | None:
    return None if code in (None, "un", "und") else code


def _int(value: float | None) -> int | None:
    return None if value is None else round(value)


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


@dataclass(frozen=True)
class _Parsed:
    video: VideoRecord
    author: AuthorRecord
    music: MusicRecord | None
    warning: str | None


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

    def add_item(self, parsed: _Parsed) -> None:
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
