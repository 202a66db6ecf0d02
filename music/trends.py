"""Popularity and trend signals for tracks, pure: percentiles, usage growth, early-trend flag.

Formulas, thresholds and the minimum history each signal needs are explained for readers in
docs/music-signals.md; the constants below are the single source of those numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

# --- Usage trend windows ----------------------------------------------------------------------

# The latest snapshot must be this fresh to speak for "now".
CURRENT_MAX_AGE = timedelta(days=2)
WINDOW_7D = timedelta(days=7)
TOLERANCE_7D = timedelta(days=2)  # so growth_7d needs >= 5 days of history
WINDOW_28D = timedelta(days=28)
TOLERANCE_28D = timedelta(days=7)  # so growth_28d needs >= 21 days of history

# --- Early trend thresholds -------------------------------------------------------------------

POPULARITY_WINDOW = timedelta(days=28)
POPULARITY_TOLERANCE = timedelta(days=7)
POPULARITY_RISE_POINTS = 5.0  # on Spotify's 0-100 popularity scale
CHART_NEW_WEEKS = 8  # at most this many weeks on the weekly chart counts as a new entry
CHART_TOP_RANK = 100  # ... and it must have peaked in the top half of the top 200
RARE_TIKTOK_PERCENTILE = 0.25  # below this TikTok-usage percentile a track is rare on TikTok


def popularity_percentile(values: Sequence[float | None]) -> list[float | None]:
    """Rank percentile 0-1 of each value among the known ones; ties share their average rank.

    percentile = (average rank - 1) / (n - 1), so the least popular known value is 0 and the
    most popular 1. A lone known value gets 0.5 (nothing to compare with). None and NaN stay None.
    """
    known = sorted(
        (float(v), i) for i, v in enumerate(values) if v is not None and not math.isnan(v)
    )
    result: list[float | None] = [None] * len(values)
    n = len(known)
    if n == 1:
        result[known[0][1]] = 0.5
        return result
    start = 0
    while start < n:
        end = start
        while end + 1 < n and known[end + 1][0] == known[start][0]:
            end += 1
        average_rank = (start + end) / 2 + 1  # 1-based ranks start+1 .. end+1
        for _, index in known[start : end + 1]:
            result[index] = (average_rank - 1) / (n - 1)
        start = end + 1
    return result


# --- Usage trend ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """How a sound's TikTok usage count moved; every figure is None without enough history."""

    usage_now: int | None
    growth_7d: float | None  # ln((u_now + 1) / (u_7d_ago + 1))
    growth_28d: float | None  # ln((u_now + 1) / (u_28d_ago + 1))
    acceleration: float | None  # growth_7d - growth_28d / 4
    pct_7d: float | None  # percentage change over 7 days, for reasons ("up 340% in 7 days")


def _closest(
    points: Sequence[tuple[datetime, float]],
    target: datetime,
    tolerance: timedelta,
    before: datetime,
) -> tuple[datetime, float] | None:
    """The point nearest `target` within `tolerance`, strictly earlier than `before`."""
    candidates = [p for p in points if p[0] < before and abs(p[0] - target) <= tolerance]
    return min(candidates, key=lambda p: abs(p[0] - target), default=None)


def _log_growth(now_value: float, then_value: float) -> float:
    # +1 keeps a sound that went from 0 to a few uses finite, and damps tiny counts.
    return math.log((now_value + 1) / (then_value + 1))


def usage_trend(snapshots: Sequence[tuple[datetime, int | None]], *, now: datetime) -> Trend:
    """Growth of a usage count from dated snapshots (unsorted; None counts and future ones skipped).

    The latest snapshot at or before `now` (no older than 2 days) is "now". growth_7d compares it
    with the snapshot closest to 7 days before it (within +-2 days); growth_28d with the one
    closest to 28 days before it (within +-7 days). acceleration is last week's growth minus the
    average weekly growth of the last four weeks: positive when the sound is speeding up.
    """
    points = sorted((t, float(u)) for t, u in snapshots if u is not None and t <= now)
    if not points or now - points[-1][0] > CURRENT_MAX_AGE:
        return Trend(None, None, None, None, None)
    current_at, current = points[-1]
    week = _closest(points, current_at - WINDOW_7D, TOLERANCE_7D, current_at)
    month = _closest(points, current_at - WINDOW_28D, TOLERANCE_28D, current_at)
    growth_7d = _log_growth(current, week[1]) if week else None
    growth_28d = _log_growth(current, month[1]) if month else None
    acceleration = (
        growth_7d - growth_28d / 4 if growth_7d is not None and growth_28d is not None else None
    )
    pct_7d = 100.0 * (current - week[1]) / week[1] if week and week[1] > 0 else None
    return Trend(
        usage_now=int(current),
        growth_7d=growth_7d,
        growth_28d=growth_28d,
        acceleration=acceleration,
        pct_7d=pct_7d,
    )


# --- Early trend ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartPresence:
    """A track's run on Spotify's weekly top-200 chart."""

    peak_rank: int
    weeks_on_chart: int


class EarlyTrend(NamedTuple):
    flag: bool
    reason: str


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _spotify_rise(
    popularity_series: Sequence[tuple[datetime, float]],
    chart: ChartPresence | None,
    now: datetime | None,
) -> str | None:
    """Why the track counts as rising on Spotify, or None if it does not."""
    points = sorted(popularity_series)
    if points:
        now = now or points[-1][0]
        points = [p for p in points if p[0] <= now]
    if points and now - points[-1][0] <= POPULARITY_TOLERANCE:
        current_at, current = points[-1]
        then = _closest(points, current_at - POPULARITY_WINDOW, POPULARITY_TOLERANCE, current_at)
        if then is not None and current - then[1] >= POPULARITY_RISE_POINTS:
            days = (current_at - then[0]).days
            return f"Spotify popularity up from {then[1]:.0f} to {current:.0f} in {days} days"
    if chart is not None and (
        chart.weeks_on_chart <= CHART_NEW_WEEKS and chart.peak_rank <= CHART_TOP_RANK
    ):
        weeks = f"{chart.weeks_on_chart} week{'s' if chart.weeks_on_chart != 1 else ''}"
        return f"new on Spotify's weekly top 200 ({weeks}, peak #{chart.peak_rank})"
    return None


def early_trend(
    *,
    popularity_series: Sequence[tuple[datetime, float]] = (),
    chart: ChartPresence | None = None,
    tiktok_usage: int | None,
    tiktok_usage_percentile: float | None,
    now: datetime | None = None,
) -> EarlyTrend:
    """Flag a track rising on Spotify while still rare on TikTok, with a reason a marketer reads.

    Rising on Spotify: popularity up by at least 5 points over about 28 days (the latest point
    no older than 7 days), or a new chart run (at most 8 weeks on the chart, peak in the top 100).
    Rare on TikTok: no known TikTok use, or a usage count below the 25th percentile of tracks
    seen on TikTok. The percentile is the caller's (`popularity_percentile` over usage counts).
    """
    rise = _spotify_rise(popularity_series, chart, now)
    if tiktok_usage is None or tiktok_usage == 0:
        detail, rare = "not used there yet", True
    elif tiktok_usage_percentile is None:
        detail, rare = f"used in {tiktok_usage:,} videos, percentile unknown", None
    else:
        rank = _ordinal(round(100 * tiktok_usage_percentile))
        detail = f"used in {tiktok_usage:,} videos, {rank} percentile"
        rare = tiktok_usage_percentile < RARE_TIKTOK_PERCENTILE
    if rise is None:
        return EarlyTrend(False, f"Not rising on Spotify (TikTok: {detail})")
    rise = rise[0].upper() + rise[1:]
    if rare is None:
        return EarlyTrend(False, f"{rise}, but its TikTok usage cannot be ranked ({detail})")
    if not rare:
        return EarlyTrend(False, f"{rise}, but already common on TikTok ({detail})")
    return EarlyTrend(True, f"{rise} while rare on TikTok ({detail})")
