"""Consistency and virality: how often and how regularly a creator posts, how often a video
breaks out, and whether views are rising or falling across the window."""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from .inputs import VideoInput
from .numeric import amount, median_or_none, rate, rounded, safe_div
from .window import BASIS_DAY_LIMIT, AnalysisWindow

SECONDS_PER_DAY = 86_400.0
VIRAL_MULTIPLIER = 3.0  # a viral hit has more than 3x the creator's median views
MIN_GAPS_FOR_REGULARITY = 2  # one gap has no spread
MIN_VIDEOS_FOR_TREND = 3  # a line through two points says nothing about a trend
MIN_RATE_SPAN_DAYS = 1.0  # two posts an hour apart are not "168 a week"


@dataclass(frozen=True)
class CadenceMetrics:
    videos_per_week: float | None
    median_gap_days: float | None
    gap_cv: float | None
    regularity: float | None
    viral_threshold_views: float | None
    viral_hits: int | None
    viral_hit_share: float | None
    views_trend_log_slope_per_week: float | None
    views_trend_pct_per_week: float | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def posting_gaps_days(videos: Sequence[VideoInput]) -> list[float]:
    """Days between consecutive posts, oldest first."""
    times = sorted(v.posted_at for v in videos)
    return [(b - a).total_seconds() / SECONDS_PER_DAY for a, b in itertools.pairwise(times)]


def regularity_from_gaps(gaps: Sequence[float]) -> tuple[float | None, float | None]:
    """(coefficient of variation of the gaps, regularity = 1 / (1 + CV)).

    CV = population std / mean of the gaps: 0 for clockwork posting, about 1 for posting at
    random moments (a Poisson process), above 1 for bursts and long silences. 1 / (1 + CV) maps
    that to 0-1 with 1 = perfectly regular and 0.5 = random.
    """
    if len(gaps) < MIN_GAPS_FOR_REGULARITY:
        return None, None
    cv = safe_div(statistics.pstdev(gaps), statistics.fmean(gaps))
    if cv is None:
        return None, None
    return cv, 1.0 / (1.0 + cv)


def views_trend_slope(videos: Sequence[VideoInput]) -> float | None:
    """Least-squares slope of ln(1 + views) against posting time in weeks.

    The log makes the slope a growth rate (0.1 ~ +10 % views per week) so one viral video moves
    it far less than it would move a slope of raw views; the +1 keeps zero-view videos usable.
    """
    points = [
        (v.posted_at.timestamp() / (7 * SECONDS_PER_DAY), math.log1p(v.views))
        for v in videos
        if v.views is not None and v.views >= 0
    ]
    if len(points) < MIN_VIDEOS_FOR_TREND:
        return None
    mean_t = statistics.fmean(t for t, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    covariance = sum((t - mean_t) * (y - mean_y) for t, y in points)
    return safe_div(covariance, spread)


def cadence_metrics(
    window: AnalysisWindow, videos: Sequence[VideoInput], *, feed_seen: bool = True
) -> CadenceMetrics:
    """`feed_seen=False` (no videos at all) leaves the posting rate empty rather than 0: an empty
    feed may be a private or failed scrape, not a creator who stopped posting."""
    return CadenceMetrics(
        videos_per_week=rounded(posting_rate(window, videos) if feed_seen else None, 2),
        **_gap_figures(videos),
        **_viral_figures(videos),
        **_trend_figures(videos),
    )


def posting_rate(window: AnalysisWindow, videos: Sequence[VideoInput]) -> float | None:
    """Videos per week over the window.

    From the day cut-off: n videos / weeks since the cut-off. From the oldest video: that video
    only marks where the span begins, so the rate is (n - 1) / weeks since it, and needs two
    videos and a span of at least a day.
    """
    if window.window_start is None:
        return None
    span_days = (window.window_end - window.window_start).total_seconds() / SECONDS_PER_DAY
    if window.window_start_basis == BASIS_DAY_LIMIT:
        return safe_div(len(videos), span_days / 7) if span_days > 0 else None
    if len(videos) < 2 or span_days < MIN_RATE_SPAN_DAYS:
        return None
    return (len(videos) - 1) / (span_days / 7)


def _gap_figures(videos: Sequence[VideoInput]) -> dict[str, float | None]:
    gaps = posting_gaps_days(videos)
    gap_cv, regularity = regularity_from_gaps(gaps)
    return {
        "median_gap_days": rounded(median_or_none(gaps), 2),
        "gap_cv": rounded(gap_cv, 3),
        "regularity": rounded(regularity, 3),
    }


def _viral_figures(videos: Sequence[VideoInput]) -> dict[str, float | int | None]:
    """Hits over 3x the median; undefined when the median is 0 (every view would be "viral")."""
    views = [v.views for v in videos if v.views is not None]
    median_views = median_or_none(views)
    threshold = VIRAL_MULTIPLIER * median_views if median_views else None
    hits = sum(1 for x in views if x > threshold) if threshold is not None else None
    return {
        "viral_threshold_views": amount(threshold),
        "viral_hits": hits,
        "viral_hit_share": rate(safe_div(hits, len(views))),
    }


def _trend_figures(videos: Sequence[VideoInput]) -> dict[str, float | None]:
    slope = views_trend_slope(videos)
    return {
        "views_trend_log_slope_per_week": rounded(slope, 4),
        "views_trend_pct_per_week": rounded(None if slope is None else math.expm1(slope) * 100, 2),
    }
