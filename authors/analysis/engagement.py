"""Per-video performance and engagement over the analysed window.

TikTok engagement is measured against views first (every vendor that publishes a TikTok ER
divides by views; followers see only a fraction of a creator's videos), so the by-views rate is
the primary figure and the by-followers rate is kept for comparison with Instagram-style reports.
Medians are used where one viral video would otherwise drag a mean far from the typical video.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from .inputs import ProfileInput, VideoInput
from .numeric import amount, known, mean_or_none, median_or_none, rate, safe_div

COUNT_FIELDS: tuple[str, ...] = ("views", "likes", "comments", "shares", "saves")


def interactions(video: VideoInput) -> int | None:
    """likes + comments + shares + saves; a missing count adds nothing (old feeds lack saves),
    but a video with none of them known has no interaction figure at all."""
    parts = [video.likes, video.comments, video.shares, video.saves]
    if all(p is None for p in parts):
        return None
    return sum(p for p in parts if p is not None)


def video_engagement_rate(video: VideoInput) -> float | None:
    """(likes + comments + shares + saves) / views for one video; None without views."""
    if not video.views or video.views < 0:
        return None
    return safe_div(interactions(video), video.views)


def median_engagement_rate(videos: Sequence[VideoInput]) -> float | None:
    return median_or_none(known(video_engagement_rate(v) for v in videos))


@dataclass(frozen=True)
class PerformanceMetrics:
    """Mean and median of each count over the window, over the videos where it is known."""

    videos_with_views: int
    mean_views: float | None
    median_views: float | None
    mean_likes: float | None
    median_likes: float | None
    mean_comments: float | None
    median_comments: float | None
    mean_shares: float | None
    median_shares: float | None
    mean_saves: float | None
    median_saves: float | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def performance_metrics(videos: Sequence[VideoInput]) -> PerformanceMetrics:
    values: dict[str, object] = {}
    for name in COUNT_FIELDS:
        counts = known(getattr(v, name) for v in videos)
        values[f"mean_{name}"] = amount(mean_or_none(counts))
        values[f"median_{name}"] = amount(median_or_none(counts))
    values["videos_with_views"] = sum(1 for v in videos if v.views is not None)
    return PerformanceMetrics(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class EngagementMetrics:
    """Rates are fractions (0.0831 = 8.31 %); each is named by its formula in METRIC_FORMULAS."""

    engagement_rate_by_views: float | None
    engagement_rate_by_followers: float | None
    like_rate_by_views: float | None
    comment_rate_by_views: float | None
    share_rate_by_views: float | None
    save_rate_by_views: float | None
    views_to_followers: float | None
    mean_interactions_per_video: float | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _median_rate_by_views(videos: Sequence[VideoInput], count: str) -> float | None:
    rates = [
        getattr(v, count) / v.views
        for v in videos
        if v.views and v.views > 0 and getattr(v, count) is not None
    ]
    return median_or_none(rates)


def engagement_metrics(profile: ProfileInput, videos: Sequence[VideoInput]) -> EngagementMetrics:
    followers = profile.followers
    mean_interactions = mean_or_none(known(interactions(v) for v in videos))
    median_views = median_or_none(known(v.views for v in videos))
    return EngagementMetrics(
        engagement_rate_by_views=rate(median_engagement_rate(videos)),
        engagement_rate_by_followers=rate(safe_div(mean_interactions, followers)),
        like_rate_by_views=rate(_median_rate_by_views(videos, "likes")),
        comment_rate_by_views=rate(_median_rate_by_views(videos, "comments")),
        share_rate_by_views=rate(_median_rate_by_views(videos, "shares")),
        save_rate_by_views=rate(_median_rate_by_views(videos, "saves")),
        views_to_followers=rate(safe_div(median_views, followers)),
        mean_interactions_per_video=amount(mean_interactions),
    )
