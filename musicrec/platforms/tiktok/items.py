"""One video item of either family (TikTok web `itemStruct`, Apify/tiktok-scraper) as records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from musicrec.platforms.tiktok.music import read_music
from musicrec.platforms.tiktok.records import AuthorRecord, MusicRecord, VideoRecord
from musicrec.platforms.tiktok.values import Node, web_url


@dataclass(frozen=True)
class ParsedItem:
    """What one item yields before the scrape-wide deduplication."""

    video: VideoRecord
    author: AuthorRecord
    music: MusicRecord | None
    warning: str | None


# --- TikTok web shape -----------------------------------------------------------------------


def web_profile(node: Node) -> AuthorRecord:
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
        avatar_url=web_url(user.text("avatarLarger", "avatarMedium", "avatarThumb")),
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


def web_item(item: Node, profile: AuthorRecord | None) -> ParsedItem:
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
        for text in _list(sticker.get("stickerText"))
        if isinstance(text, str)
    ]
    video = item.child("video")
    music = read_music(
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
        hashtags=clean_hashtags(tags),
        mentions=_mentions(mentions),
        sticker_text=tuple(dict.fromkeys(s.strip() for s in stickers if s.strip())),
        posted_at=item.time("createTime"),
        duration_s=video.number("duration"),
        width=_int(video.number("width")),
        height=_int(video.number("height")),
        url=video_url(item.text("webVideoUrl"), author.handle, video_id),
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
    return ParsedItem(record, author, music.record, music.warning)


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


def apify_item(item: Node) -> ParsedItem:
    if not isinstance(item.value, dict):
        item.fail((), "a video must be a JSON object")
    video_id = item.require_id("id")
    meta = item.child("authorMeta")
    author = AuthorRecord(
        external_id=meta.require_id("id", what="author id"),
        handle=meta.text("name", "uniqueId"),
        display_name=meta.text("nickName", "nickname"),
        bio=meta.text("signature"),
        avatar_url=web_url(meta.text("originalAvatarUrl", "avatar")),
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
    music = read_music(
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
        hashtags=clean_hashtags(tags),
        mentions=_mentions(mentions),
        posted_at=posted_at,
        duration_s=video.number("duration"),
        width=_int(video.number("width")),
        height=_int(video.number("height")),
        url=video_url(item.text("webVideoUrl"), author.handle, video_id),
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
    return ParsedItem(record, author, music.record, music.warning)


# --- Small helpers ------------------------------------------------------------------------------


def clean_hashtags(values: Iterable[Any]) -> tuple[str, ...]:
    """Lower-case, without '#', de-duplicated with the first occurrence's position kept."""
    cleaned = (str(v).strip().lstrip("#").strip().lower() for v in values if v is not None)
    return tuple(dict.fromkeys(tag for tag in cleaned if tag))


def _mentions(values: Iterable[Any]) -> tuple[str, ...]:
    cleaned = (str(v).strip().lstrip("@").strip() for v in values if v is not None)
    return tuple(dict.fromkeys(handle for handle in cleaned if handle))


def video_url(given: str | None, handle: str | None, video_id: str) -> str | None:
    """The post's page: the scrape's URL when it is an http(s) one, else TikTok's own address.

    Anything else (`javascript:…`, `data:…`) is dropped here, so it is never stored or shown.
    """
    if url := web_url(given):
        return url
    if not handle:
        return None
    return f"https://www.tiktok.com/@{quote(handle, safe='')}/video/{quote(video_id, safe='')}"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _language(code: str | None) -> str | None:
    return None if code in (None, "un", "und") else code


# Larger than any video frame: a broken value, not a size (and past a 32-bit column).
_MAX_DIMENSION = 65_535


def _int(value: float | None) -> int | None:
    """A frame width or height in pixels; None when unknown or impossibly large."""
    return None if value is None or value > _MAX_DIMENSION else round(value)
