"""The analysed window: which videos the per-video metrics cover."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .inputs import VideoInput

DEFAULT_WINDOW_VIDEOS = 30  # HypeAuditor's "latest 30 posts"
DEFAULT_WINDOW_DAYS = 90  # about Modash's "last 2 months", rounded up to a quarter
BASIS_DAY_LIMIT = "day_limit"
BASIS_OLDEST_VIDEO = "oldest_video"


@dataclass(frozen=True)
class AnalysisWindow:
    """The intersection of "the latest `video_limit` videos" and "posted in the last `day_limit`
    days"; either limit may be None (no limit).

    `window_start` is where the posting-rate span begins and `window_start_basis` says why:
    "day_limit" when the day cut-off bounds the window and the feed reaches back past it (a
    creator who posted 3 videos in 90 days posts 3 per 90 days, however recent they are);
    "oldest_video" when the window starts at a video, because the video limit cut it there or
    because the feed we were given does not reach back to the cut-off (a new account, or a
    scrape that fetched only the latest posts), so nothing is known about the time before it.
    """

    video_limit: int | None
    day_limit: int | None
    videos_analysed: int
    window_start: datetime | None
    window_start_basis: str | None
    window_end: datetime

    def to_dict(self) -> dict[str, object]:
        return {
            "video_limit": self.video_limit,
            "day_limit": self.day_limit,
            "videos_analysed": self.videos_analysed,
            "window_start": self.window_start.isoformat() if self.window_start else None,
            "window_start_basis": self.window_start_basis,
            "window_end": self.window_end.isoformat(),
        }


def select_window(
    videos: Sequence[VideoInput],
    *,
    now: datetime,
    window_videos: int | None,
    window_days: int | None,
) -> tuple[AnalysisWindow, list[VideoInput]]:
    """The window and its videos, newest first.

    A video listed twice (re-scraped) counts once; the last occurrence wins because callers pass
    the freshest stats last.
    """
    if window_videos is not None and window_videos < 1:
        raise ValueError("window_videos must be at least 1 (or None for no limit)")
    if window_days is not None and window_days < 1:
        raise ValueError("window_days must be at least 1 (or None for no limit)")
    unique = {video.external_id: video for video in videos}
    newest_first = sorted(unique.values(), key=lambda v: v.posted_at, reverse=True)
    cutoff = now - timedelta(days=window_days) if window_days is not None else None
    recent = [v for v in newest_first if cutoff is None or v.posted_at >= cutoff]
    count_binding = window_videos is not None and len(recent) > window_videos
    selected = recent[:window_videos] if count_binding else recent
    feed_reaches_cutoff = cutoff is not None and len(recent) < len(newest_first)
    if cutoff is not None and not count_binding and (feed_reaches_cutoff or not selected):
        start, basis = cutoff, BASIS_DAY_LIMIT
    elif selected:
        start, basis = selected[-1].posted_at, BASIS_OLDEST_VIDEO
    else:
        start, basis = None, None
    window = AnalysisWindow(
        video_limit=window_videos,
        day_limit=window_days,
        videos_analysed=len(selected),
        window_start=start,
        window_start_basis=basis,
        window_end=now,
    )
    return window, selected
