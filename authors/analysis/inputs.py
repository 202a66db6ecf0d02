"""Plain input records for the profile analysis.

The parser (`musicrec.platforms.tiktok`) and the services layer build these from scrape results
or stored rows; the analysis never sees the ORM. Counts arrive as ints already, but any of them
may be None when the scraper did not report it (old tiktok-scraper feeds have no save counts,
some Apify runs drop the author's totals), so every consumer treats None as "unknown", never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from musicrec.core.descriptors import Descriptor, Label


def require_aware(value: datetime, what: str) -> datetime:
    """Reject naive datetimes: gaps and spans across time zones would silently be wrong."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got {value!r}")
    return value


@dataclass(frozen=True)
class ProfileInput:
    """The creator's profile counts as the platform reports them."""

    followers: int | None = None
    following: int | None = None
    likes_total: int | None = None
    video_count: int | None = None
    is_private: bool = False
    verified: bool = False


@dataclass(frozen=True)
class MusicKey:
    """Which sound a video used. `id` is the platform's music id; titles are not unique."""

    id: str = ""
    title: str = ""
    artist: str = ""
    is_original: bool = False


@dataclass(frozen=True)
class VideoInput:
    """One video with its latest stats and whatever analysis exists for it.

    `music_descriptor` describes the sound used (from music features), `content` the video itself
    (from the video content analysis), `category` the content category label with its confidence.
    """

    external_id: str
    posted_at: datetime
    views: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    hashtags: Sequence[str] = ()
    music: MusicKey | None = None
    music_descriptor: Descriptor | None = None
    content: Descriptor | None = None
    category: Label | None = None

    def __post_init__(self) -> None:
        require_aware(self.posted_at, f"VideoInput({self.external_id}).posted_at")


@dataclass(frozen=True)
class SnapshotInput:
    """The creator's counts at one moment; two or more of them give growth."""

    taken_at: datetime
    followers: int | None = None
    likes_total: int | None = None

    def __post_init__(self) -> None:
        require_aware(self.taken_at, "SnapshotInput.taken_at")
