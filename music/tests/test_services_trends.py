"""music.services.trends: percentiles over the catalogue, growth and early trend from snapshots."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from music.models import MusicFeatures
from music.services.trends import music_trends_refresh
from music.tests.factories import (
    MusicFactory,
    MusicFeaturesFactory,
    MusicSnapshotFactory,
    MusicSourceFactory,
)
from musicrec.core.models import AnalysisStatus, Platform

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def _catalogue_track(popularity: int | None = None, usage: int | None = None, **music: object):
    track = MusicFactory(**music)
    if popularity is not None:
        MusicSourceFactory(
            music=track, platform=Platform.CATALOGUE, popularity=popularity, usage_count=None
        )
    if usage is not None:
        MusicSourceFactory(music=track, platform=Platform.TIKTOK, usage_count=usage)
    return track


def _usage_history(music, counts_by_days_ago: dict[int, int]):
    source = MusicSourceFactory(
        music=music,
        platform=Platform.TIKTOK,
        usage_count=counts_by_days_ago[min(counts_by_days_ago)],
    )
    for days_ago, count in counts_by_days_ago.items():
        MusicSnapshotFactory(
            source=source, taken_at=NOW - timedelta(days=days_ago), usage_count=count
        )
    return source


def _features(music) -> MusicFeatures:
    return MusicFeatures.objects.get(music=music)


def test_music_trends_refresh_ranks_spotify_popularity_then_tiktok_usage():
    low = _catalogue_track(popularity=10, usage=50_000)
    mid = _catalogue_track(popularity=50)
    high = _catalogue_track(popularity=90, usage=10)
    tiktok_only = _catalogue_track(usage=1_000)
    unknown = _catalogue_track()
    original = _catalogue_track(usage=9_999_999, is_original_sound=True)

    assert music_trends_refresh(now=NOW) == 6

    assert _features(low).popularity_percentile == 0.0
    assert _features(mid).popularity_percentile == 0.5
    assert _features(high).popularity_percentile == 1.0
    # No Spotify figure: its TikTok usage percentile among the three catalogue tracks used there.
    assert _features(tiktok_only).popularity_percentile == 0.5
    assert _features(unknown).popularity_percentile is None
    assert _features(original).popularity_percentile is None  # not a catalogue track
    assert _features(low).detail["trend"]["tiktok_usage_percentile"] == 1.0


def test_music_trends_refresh_prefers_the_spotify_api_to_the_catalogue_figure():
    track = _catalogue_track(popularity=95)
    MusicSourceFactory(music=track, platform=Platform.SPOTIFY, popularity=5, usage_count=None)
    other = _catalogue_track(popularity=50)
    music_trends_refresh(now=NOW)
    assert _features(track).popularity_percentile == 0.0
    assert _features(other).popularity_percentile == 1.0
    assert _features(track).detail["trend"]["spotify_popularity"] == 5.0


def test_music_trends_refresh_ranks_over_the_whole_catalogue_for_a_subset():
    tracks = [_catalogue_track(popularity=p) for p in (10, 20, 30, 40, 50)]
    assert music_trends_refresh(music_ids=[tracks[3].pk], now=NOW) == 1
    assert _features(tracks[3]).popularity_percentile == 0.75
    assert not MusicFeatures.objects.filter(music=tracks[0]).exists()


def test_music_trends_refresh_usage_growth_and_acceleration():
    track = MusicFactory()
    _usage_history(track, {0: 1_600, 7: 400, 28: 100})

    music_trends_refresh(now=NOW)

    features = _features(track)
    growth_7d, growth_28d = math.log(1601 / 401), math.log(1601 / 101)
    assert features.usage_growth_7d == pytest.approx(growth_7d)
    assert features.usage_growth_28d == pytest.approx(growth_28d)
    assert features.trend_acceleration == pytest.approx(growth_7d - growth_28d / 4)
    assert features.detail["trend"]["pct_7d"] == pytest.approx(300.0)
    assert features.detail["trend"]["usage_now"] == 1_600


def test_music_trends_refresh_leaves_growth_absent_without_history():
    one_snapshot = MusicFactory()
    _usage_history(one_snapshot, {0: 500})
    short = MusicFactory()
    _usage_history(short, {0: 500, 7: 100})  # a week, not four

    music_trends_refresh(now=NOW)

    first = _features(one_snapshot)
    assert (first.usage_growth_7d, first.usage_growth_28d, first.trend_acceleration) == (None,) * 3
    second = _features(short)
    assert second.usage_growth_7d == pytest.approx(math.log(501 / 101))
    assert second.usage_growth_28d is None and second.trend_acceleration is None


def test_music_trends_refresh_flags_a_track_rising_on_spotify_and_rare_on_tiktok():
    for usage in (5_000, 8_000, 12_000, 20_000):
        _catalogue_track(popularity=60, usage=usage)
    rising = _catalogue_track(usage=40)
    source = MusicSourceFactory(
        music=rising, platform=Platform.SPOTIFY, popularity=64, usage_count=None
    )
    MusicSnapshotFactory(source=source, taken_at=NOW - timedelta(days=27), popularity=52)
    MusicSnapshotFactory(source=source, taken_at=NOW - timedelta(days=1), popularity=64)
    common = _catalogue_track(usage=30_000)
    common_source = MusicSourceFactory(
        music=common, platform=Platform.SPOTIFY, popularity=70, usage_count=None
    )
    MusicSnapshotFactory(source=common_source, taken_at=NOW - timedelta(days=28), popularity=50)
    MusicSnapshotFactory(source=common_source, taken_at=NOW, popularity=70)

    music_trends_refresh(now=NOW)

    flagged = _features(rising)
    assert flagged.early_trend is True
    assert flagged.detail["trend"]["early_trend_reason"] == (
        "Spotify popularity up from 52 to 64 in 26 days while rare on TikTok "
        "(used in 40 videos, 0th percentile)"
    )
    assert _features(common).early_trend is False
    assert "already common on TikTok" in _features(common).detail["trend"]["early_trend_reason"]


def test_music_trends_refresh_counts_a_new_chart_run_from_chart_snapshots():
    _catalogue_track(popularity=40, usage=1_000)
    charting = _catalogue_track()
    source = MusicSourceFactory(music=charting, platform=Platform.CATALOGUE, usage_count=None)
    for weeks_ago, rank in ((2, 80), (1, 45), (0, 60)):
        MusicSnapshotFactory(
            source=source, taken_at=NOW - timedelta(weeks=weeks_ago), chart_rank=rank
        )
    stale = _catalogue_track()
    old = MusicSourceFactory(music=stale, platform=Platform.CATALOGUE, usage_count=None)
    MusicSnapshotFactory(source=old, taken_at=NOW - timedelta(weeks=10), chart_rank=5)

    music_trends_refresh(now=NOW)

    assert _features(charting).early_trend is True
    assert "(3 weeks, peak #45)" in _features(charting).detail["trend"]["early_trend_reason"]
    assert _features(stale).early_trend is False


def test_music_trends_refresh_creates_rows_and_keeps_analysis_detail():
    analysed = MusicFeaturesFactory(detail={"tempo_candidates": [60.0, 240.0]}, status="ok")
    bare = MusicFactory()

    music_trends_refresh(now=NOW)

    analysed.refresh_from_db()
    assert analysed.detail["tempo_candidates"] == [60.0, 240.0]
    assert analysed.tempo_bpm == 120.0
    assert "trend" in analysed.detail
    created = _features(bare)
    assert created.status == AnalysisStatus.EMPTY
    assert created.feature_source == MusicFeatures.FeatureSource.NONE


def test_music_trends_refresh_with_nothing_to_do():
    assert music_trends_refresh(music_ids=[], now=NOW) == 0


def test_music_trends_refresh_writes_only_changed_rows():
    steady = _catalogue_track(popularity=30, usage=100)
    other = _catalogue_track(popularity=60, usage=500)
    music_trends_refresh(now=NOW)

    with CaptureQueriesContext(connection) as unchanged:
        music_trends_refresh(now=NOW)
    assert not [q for q in unchanged.captured_queries if q["sql"].startswith("UPDATE")]

    MusicFeatures.objects.filter(music=steady).update(popularity_percentile=0.99)
    music_trends_refresh(now=NOW)
    assert _features(steady).popularity_percentile == 0.0
    assert _features(other).popularity_percentile == 1.0
