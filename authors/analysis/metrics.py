"""The profile analysis entry point: `analyze_author` and its result, `AuthorMetrics`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .cadence import CadenceMetrics, cadence_metrics
from .content_signals import ContentSignals, content_signals
from .engagement import (
    EngagementMetrics,
    PerformanceMetrics,
    engagement_metrics,
    performance_metrics,
)
from .growth import GrowthMetrics, growth_metrics
from .inputs import ProfileInput, SnapshotInput, VideoInput, require_aware
from .music_habits import MusicHabits, music_habits
from .profile import ContentProfile, content_profile
from .reach import ReachMetrics, reach_metrics
from .window import DEFAULT_WINDOW_DAYS, DEFAULT_WINDOW_VIDEOS, AnalysisWindow, select_window

# Bump when a formula or a default changes, so stored analyses can be told apart and re-run.
ANALYSIS_VERSION = "1"

STATUS_OK = "ok"
STATUS_PRIVATE = "private_account"
STATUS_NO_VIDEOS = "no_videos"
STATUS_NO_RECENT_VIDEOS = "no_recent_videos"
STATUS_NO_VIEWS = "no_views"
STATUS_LABELS: dict[str, str] = {
    STATUS_OK: "ok",
    STATUS_PRIVATE: "private account",
    STATUS_NO_VIDEOS: "no videos",
    STATUS_NO_RECENT_VIDEOS: "no videos in the window",
    STATUS_NO_VIEWS: "no views yet",
}


@dataclass(frozen=True)
class AuthorMetrics:
    analysis_version: str
    status: str
    notes: list[str]
    window: AnalysisWindow
    reach: ReachMetrics
    performance: PerformanceMetrics
    engagement: EngagementMetrics
    cadence: CadenceMetrics
    growth: GrowthMetrics
    content: ContentSignals
    music: MusicHabits
    content_profile: ContentProfile

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: plain dicts, lists, strings, rounded floats, ISO 8601 datetimes."""
        return {
            "analysis_version": self.analysis_version,
            "status": self.status,
            "status_label": self.status_label,
            "notes": list(self.notes),
            "window": self.window.to_dict(),
            "reach": self.reach.to_dict(),
            "performance": self.performance.to_dict(),
            "engagement": self.engagement.to_dict(),
            "cadence": self.cadence.to_dict(),
            "growth": self.growth.to_dict(),
            "content": self.content.to_dict(),
            "music": self.music.to_dict(),
            "content_profile": self.content_profile.to_dict(),
        }


def _status(
    profile: ProfileInput, videos: Sequence[VideoInput], window: Sequence[VideoInput]
) -> str:
    if profile.is_private:
        return STATUS_PRIVATE
    if not videos:
        return STATUS_NO_VIDEOS
    if not window:
        return STATUS_NO_RECENT_VIDEOS
    if not any(v.views for v in window):
        return STATUS_NO_VIEWS
    return STATUS_OK


def _notes(
    profile: ProfileInput,
    videos: Sequence[VideoInput],
    window_videos: Sequence[VideoInput],
    window: AnalysisWindow,
    snapshots: Sequence[SnapshotInput],
) -> list[str]:
    """Plain sentences for the dashboard saying why a figure is empty or how it was computed."""
    notes = []
    if profile.is_private:
        notes.append("Private account: its videos and their stats are not visible.")
    if not videos:
        notes.append("No videos to analyse: per-video figures are empty.")
    elif not window_videos:
        notes.append(f"No videos in the last {window.day_limit} days: per-video figures are empty.")
    elif not any(v.views for v in window_videos):
        notes.append("No views yet on the analysed videos: view-based rates are empty.")
    if profile.followers is None:
        notes.append("Follower count unknown: follower-based figures and the tier are empty.")
    elif profile.followers == 0:
        notes.append("No followers: follower-based ratios are undefined.")
    missing_saves = sum(1 for v in window_videos if v.saves is None)
    if window_videos and missing_saves:
        notes.append(
            f"Saves not reported for {missing_saves} of {len(window_videos)} videos: "
            "they count as 0 in interactions."
        )
    if len(snapshots) < 2:
        notes.append("Growth needs at least two stat snapshots.")
    return notes


def analyze_author(
    profile: ProfileInput,
    videos: Sequence[VideoInput],
    snapshots: Sequence[SnapshotInput],
    *,
    now: datetime,
    window_videos: int | None = DEFAULT_WINDOW_VIDEOS,
    window_days: int | None = DEFAULT_WINDOW_DAYS,
) -> AuthorMetrics:
    """Every profile metric for one creator, computed from plain data.

    `now` is passed in, never read from the clock, so an analysis is reproducible and tests are
    exact. Undefined figures are None and `status`/`notes` say why; nothing raises on an empty
    or private profile.
    """
    require_aware(now, "now")
    window, selected = select_window(
        videos, now=now, window_videos=window_videos, window_days=window_days
    )
    return AuthorMetrics(
        analysis_version=ANALYSIS_VERSION,
        status=_status(profile, videos, selected),
        notes=_notes(profile, videos, selected, window, snapshots),
        window=window,
        reach=reach_metrics(profile),
        performance=performance_metrics(selected),
        engagement=engagement_metrics(profile, selected),
        cadence=cadence_metrics(window, selected, feed_seen=bool(videos)),
        growth=growth_metrics(snapshots),
        content=content_signals(selected),
        music=music_habits(selected),
        content_profile=content_profile(selected),
    )
