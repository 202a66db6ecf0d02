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
from .window import AnalysisWindow

SECONDS_PER_DAY = 86_400.0
VIRAL_MULTIPLIER = 3.0  # a viral hit has more than 3x the creator's median views
MIN_GAPS_FOR_REGULARITY = 2  # one gap has no spread
MIN_VIDEOS_FOR_TREND = 3  # a line through two points says nothing about a trend


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
    span_weeks = None
    if feed_seen and window.window_start is not None:
        span_seconds = (window.window_end - window.window_start).total_seconds()
        span_weeks = span_seconds / (7 * SECONDS_PER_DAY) if span_seconds > 0 else None
    gaps = posting_gaps_days(videos)
    gap_cv, regularity = regularity_from_gaps(gaps)

    views = [v.views for v in videos if v.views is not None]
    median_views = median_or_none(views)
    threshold = VIRAL_MULTIPLIER * median_views if median_views else None
    hits = sum(1 for x in views if x > threshold) if threshold is not None else None

    slope = views_trend_slope(videos)
    return CadenceMetrics(
        videos_per_week=rounded(safe_div(len(videos), span_weeks), 2),
        median_gap_days=rounded(median_or_none(gaps), 2),
        gap_cv=rounded(gap_cv, 3),
        regularity=rounded(regularity, 3),
        viral_threshold_views=amount(threshold),
        viral_hits=hits,
        viral_hit_share=rate(safe_div(hits, len(views))),
        views_trend_log_slope_per_week=rounded(slope, 4),
        views_trend_pct_per_week=rounded(None if slope is None else math.expm1(slope) * 100, 2),
    )
