"""Popularity percentile, usage trend and early-trend flag on hand-computed values."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from music.trends import (
    ChartPresence,
    Trend,
    early_trend,
    popularity_percentile,
    usage_trend,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


# --- popularity_percentile -------------------------------------------------------------------


def test_popularity_percentile_averages_ties_and_keeps_none() -> None:
    # known values sorted: 10 (rank 1), 20 and 20 (ranks 2 and 3 -> 2.5), 30 (rank 4); n = 4
    # percentile = (rank - 1) / 3
    result = popularity_percentile([10, None, 30, 20, 20, float("nan")])

    assert result == [0.0, None, 1.0, 0.5, 0.5, None]


def test_popularity_percentile_small_inputs() -> None:
    assert popularity_percentile([]) == []
    assert popularity_percentile([None, 7]) == [None, 0.5]
    assert popularity_percentile([3, 3, 3]) == [0.5, 0.5, 0.5]
    assert popularity_percentile([0, 50, 100]) == [0.0, 0.5, 1.0]


# --- usage_trend -------------------------------------------------------------------------------


def test_usage_trend_growth_acceleration_and_percent() -> None:
    snapshots = [
        (days_ago(30), 250),  # 1.5 d from the 28-day target (28.5 d ago): chosen
        (days_ago(20), 600),  # 8.5 d from it: outside the 7-day tolerance
        (days_ago(9), 800),  # 1.5 d from the 7-day target (7.5 d ago)
        (days_ago(7), 1000),  # 0.5 d from it: closest, chosen
        (days_ago(0.5), 4400),  # the current snapshot
        (NOW + timedelta(days=1), 99_999),  # in the future: ignored
    ]

    trend = usage_trend(snapshots, now=NOW)

    assert trend.usage_now == 4400
    assert trend.growth_7d == pytest.approx(math.log(4401 / 1001))  # 1.48083
    assert trend.growth_28d == pytest.approx(math.log(4401 / 251))  # 2.86413
    assert trend.acceleration == pytest.approx(1.48083 - 2.86413 / 4, abs=1e-4)  # 0.76480
    assert trend.pct_7d == pytest.approx(340.0)  # "up 340% in 7 days"


def test_usage_trend_from_zero_has_growth_but_no_percentage() -> None:
    trend = usage_trend([(days_ago(7), 0), (NOW, 5)], now=NOW)

    assert trend.growth_7d == pytest.approx(math.log(6))  # ln((5 + 1) / (0 + 1))
    assert trend.pct_7d is None
    assert trend.growth_28d is None and trend.acceleration is None


def test_usage_trend_minimum_history_is_five_days_for_7d() -> None:
    assert usage_trend([(days_ago(5), 100), (NOW, 150)], now=NOW).growth_7d == pytest.approx(
        math.log(151 / 101)
    )
    assert usage_trend([(days_ago(4.9), 100), (NOW, 150)], now=NOW).growth_7d is None


def test_usage_trend_minimum_history_is_21_days_for_28d() -> None:
    trend = usage_trend([(days_ago(21), 100), (days_ago(7), 120), (NOW, 150)], now=NOW)
    short = usage_trend([(days_ago(20.9), 100), (days_ago(7), 120), (NOW, 150)], now=NOW)

    assert trend.growth_28d == pytest.approx(math.log(151 / 101))
    assert trend.acceleration == pytest.approx(math.log(151 / 121) - math.log(151 / 101) / 4)
    assert short.growth_28d is None


def test_usage_trend_none_without_recent_or_enough_history() -> None:
    empty = Trend(None, None, None, None, None)

    assert usage_trend([], now=NOW) == empty
    assert usage_trend([(days_ago(3), 10), (days_ago(10), 5)], now=NOW) == empty  # stale
    assert usage_trend([(days_ago(1), 10), (days_ago(2), None)], now=NOW) == Trend(
        10, None, None, None, None
    )


# --- early_trend -----------------------------------------------------------------------------


def test_early_trend_popularity_rise_while_rare_on_tiktok() -> None:
    flag, reason = early_trend(
        popularity_series=[(days_ago(40), 50), (days_ago(28), 52), (days_ago(1), 64)],
        tiktok_usage=1200,
        tiktok_usage_percentile=0.18,
        now=NOW,
    )

    assert flag is True
    assert reason == (
        "Spotify popularity up from 52 to 64 in 27 days while rare on TikTok "
        "(used in 1,200 videos, 18th percentile)"
    )


def test_early_trend_new_chart_entry_not_yet_on_tiktok() -> None:
    result = early_trend(
        chart=ChartPresence(peak_rank=45, weeks_on_chart=3),
        tiktok_usage=None,
        tiktok_usage_percentile=None,
    )

    assert result.flag is True
    assert result.reason == (
        "New on Spotify's weekly top 200 (3 weeks, peak #45) while rare on TikTok "
        "(not used there yet)"
    )


def test_early_trend_not_flagged_when_already_common_on_tiktok() -> None:
    flag, reason = early_trend(
        chart=ChartPresence(peak_rank=1, weeks_on_chart=1),
        tiktok_usage=9000,
        tiktok_usage_percentile=0.8,
    )

    assert flag is False
    assert reason == (
        "New on Spotify's weekly top 200 (1 week, peak #1), but already common on TikTok "
        "(used in 9,000 videos, 80th percentile)"
    )


def test_early_trend_threshold_edges() -> None:
    rising = [(days_ago(28), 40), (NOW, 45)]  # exactly +5 points: rising

    assert early_trend(
        popularity_series=rising, tiktok_usage=10, tiktok_usage_percentile=0.249, now=NOW
    ).flag
    # the 25th percentile itself is no longer rare
    assert not early_trend(
        popularity_series=rising, tiktok_usage=10, tiktok_usage_percentile=0.25, now=NOW
    ).flag
    # +4 points is not a rise
    flag, reason = early_trend(
        popularity_series=[(days_ago(28), 40), (NOW, 44)],
        tiktok_usage=0,
        tiktok_usage_percentile=None,
        now=NOW,
    )
    assert (flag, reason) == (False, "Not rising on Spotify (TikTok: not used there yet)")


def test_early_trend_needs_fresh_popularity_and_a_recent_chart_run() -> None:
    stale = [(days_ago(60), 30), (days_ago(30), 60)]  # the latest point is 30 days old

    assert not early_trend(
        popularity_series=stale, tiktok_usage=None, tiktok_usage_percentile=None, now=NOW
    ).flag
    assert not early_trend(
        chart=ChartPresence(peak_rank=1, weeks_on_chart=37),
        tiktok_usage=None,
        tiktok_usage_percentile=None,
    ).flag
    assert not early_trend(
        chart=ChartPresence(peak_rank=150, weeks_on_chart=2),
        tiktok_usage=None,
        tiktok_usage_percentile=None,
    ).flag


def test_early_trend_unknown_percentile_is_not_flagged() -> None:
    flag, reason = early_trend(
        chart=ChartPresence(peak_rank=10, weeks_on_chart=2),
        tiktok_usage=300,
        tiktok_usage_percentile=None,
    )

    assert flag is False
    assert reason.endswith(
        "but its TikTok usage cannot be ranked (used in 300 videos, percentile unknown)"
    )
