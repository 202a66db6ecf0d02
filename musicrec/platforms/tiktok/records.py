"""The plain records a scrape becomes; services store these, never scraper JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

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
    CREATOR_VIDEOS_CSV = "creator_videos_csv"  # user_name, vid_id, …: one row per video


# An account known only by its handle (the creators CSV has no numeric user id) gets "@handle"
# as its external id: it can never collide with TikTok's numeric ids, and the ingest swaps it for
# the numeric id as soon as a scrape carrying both is stored (musicrec.ingest.identity).
HANDLE_KEY_PREFIX = "@"


def handle_key(handle: str) -> str:
    """The stand-in external id of an account known only by its handle (case-insensitive)."""
    return HANDLE_KEY_PREFIX + handle.strip().lstrip("@").casefold()


def is_handle_key(external_id: str) -> bool:
    return external_id.startswith(HANDLE_KEY_PREFIX)


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
