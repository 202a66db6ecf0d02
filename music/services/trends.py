"""Popularity percentile, usage growth and the early-trend flag of tracks, from stored history.

The formulas are `music.trends` (explained in docs/music-signals.md); this module reads their
inputs from MusicSource and MusicSnapshot rows and stores the results on MusicFeatures:

- **popularity_percentile**, within the catalogue (original sounds are not ranked): the track's
  Spotify popularity percentile among catalogue tracks with a known Spotify popularity (the
  Spotify source's, else the imported catalogue's, which is Spotify's popularity when the
  dataset was collected); for a track without one, its TikTok-usage percentile among catalogue
  tracks with a known usage. The two are not averaged: Spotify's figure is the broader audience,
  TikTok usage stands in only where Spotify says nothing.
- **usage_growth_7d / 28d, trend_acceleration**: `usage_trend` over the TikTok usage snapshots of
  the track's main TikTok sound (the one used most); None without enough history.
- **early_trend**: `early_trend` from the Spotify/catalogue popularity snapshots and a recent
  chart run, against the track's TikTok usage (summed over its TikTok sounds) and its usage
  percentile in the catalogue. The reason, usage and percentiles go to `detail["trend"]`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from music import trends
from music.models import Music, MusicFeatures, MusicSnapshot, MusicSource
from musicrec.core.models import AnalysisStatus, Platform

TREND_FIELDS: tuple[str, ...] = (
    "popularity_percentile",
    "usage_growth_7d",
    "usage_growth_28d",
    "trend_acceleration",
    "early_trend",
    "detail",
)
# A chart run counts as current only while the chart still lists the track (weekly chart,
# one missed week allowed).
CHART_MAX_AGE = timedelta(days=14)
_POPULARITY_PLATFORMS = (Platform.SPOTIFY, Platform.CATALOGUE)
BATCH_SIZE = 500


def _catalogue_signals() -> tuple[dict[int, float], dict[int, int]]:
    """Spotify popularity and summed TikTok usage of every catalogue track (one query)."""
    popularity: dict[int, tuple[int, float]] = {}  # music_id -> (preference, value)
    usage: dict[int, int] = {}
    rows = MusicSource.objects.filter(music__is_original_sound=False).values_list(
        "music_id", "platform", "popularity", "usage_count"
    )
    for music_id, platform, pop, count in rows:
        if platform in _POPULARITY_PLATFORMS and pop is not None:
            preference = 0 if platform == Platform.SPOTIFY else 1  # live API beats the dataset
            if music_id not in popularity or preference < popularity[music_id][0]:
                popularity[music_id] = (preference, float(pop))
        if platform == Platform.TIKTOK and count is not None:
            usage[music_id] = usage.get(music_id, 0) + int(count)
    return {k: v for k, (_, v) in popularity.items()}, usage


def _percentiles(values: dict[int, float]) -> dict[int, float]:
    ids = list(values)
    ranked = trends.popularity_percentile([values[i] for i in ids])
    return {i: p for i, p in zip(ids, ranked, strict=True) if p is not None}


def _chart_presence(
    snapshots: Iterable[MusicSnapshot], sources: Iterable[MusicSource], now: datetime
) -> trends.ChartPresence | None:
    """A current chart run from dated chart ranks, else from an imported chart summary."""
    ranked = [s for s in snapshots if s.chart_rank is not None and s.taken_at <= now]
    if ranked and now - max(s.taken_at for s in ranked) <= CHART_MAX_AGE:
        weeks = {s.taken_at.isocalendar()[:2] for s in ranked}
        return trends.ChartPresence(min(s.chart_rank for s in ranked), len(weeks))
    for source in sources:
        raw = source.raw if isinstance(source.raw, dict) else {}
        peak, weeks = raw.get("peak_rank"), raw.get("weeks_on_chart")
        seen = source.last_seen_at
        if peak and weeks and seen is not None and now - seen <= CHART_MAX_AGE:
            return trends.ChartPresence(int(peak), int(weeks))
    return None


def _usage_points(source: MusicSource) -> list[tuple[datetime, int | None]]:
    points = [(s.taken_at, s.usage_count) for s in source.snapshots.all()]
    if not points and source.usage_count is not None and source.last_seen_at is not None:
        points = [(source.last_seen_at, source.usage_count)]
    return points


def _main_tiktok_source(sources: Sequence[MusicSource]) -> MusicSource | None:
    tiktok = [s for s in sources if s.platform == Platform.TIKTOK]
    return max(tiktok, key=lambda s: (s.usage_count or 0, s.pk), default=None)


def _track_trend(
    music: Music,
    *,
    now: datetime,
    popularity_pct: float | None,
    usage_pct: float | None,
    spotify_popularity: float | None,
) -> dict[str, Any]:
    sources = list(music.sources.all())
    counts = [s.usage_count for s in sources if s.platform == Platform.TIKTOK]
    usage = sum(c for c in counts if c is not None) if any(c is not None for c in counts) else None
    main = _main_tiktok_source(sources)
    trend = trends.usage_trend(_usage_points(main), now=now) if main else None
    popularity_sources = [s for s in sources if s.platform in _POPULARITY_PLATFORMS]
    snapshots = [snap for s in popularity_sources for snap in s.snapshots.all()]
    series = [(s.taken_at, float(s.popularity)) for s in snapshots if s.popularity is not None]
    flag = trends.early_trend(
        popularity_series=series,
        chart=_chart_presence(snapshots, popularity_sources, now),
        tiktok_usage=usage,
        tiktok_usage_percentile=usage_pct,
        now=now,
    )
    return {
        "popularity_percentile": popularity_pct,
        "usage_growth_7d": trend.growth_7d if trend else None,
        "usage_growth_28d": trend.growth_28d if trend else None,
        "trend_acceleration": trend.acceleration if trend else None,
        "early_trend": flag.flag,
        "trend": {
            "refreshed_at": now.isoformat(),
            "spotify_popularity": spotify_popularity,
            "tiktok_usage": usage,
            "tiktok_usage_percentile": usage_pct,
            "usage_now": trend.usage_now if trend else None,
            "pct_7d": trend.pct_7d if trend else None,
            "early_trend_reason": flag.reason,
        },
    }


def music_trends_refresh(
    *, music_ids: Sequence[int] | None = None, now: datetime | None = None
) -> int:
    """Recompute popularity percentile, usage growth, acceleration and early trend; rows updated.

    Percentiles are always ranked over the whole catalogue, also when only some `music_ids` are
    refreshed. Tracks without a features row get one (status "empty": nothing measured yet).
    """
    now = now or timezone.now()
    popularity, usage = _catalogue_signals()
    popularity_pct = _percentiles(popularity)
    usage_pct = _percentiles({k: float(v) for k, v in usage.items()})

    scope = Music.objects.prefetch_related("sources__snapshots").order_by("pk")
    if music_ids is not None:
        scope = scope.filter(pk__in=list(music_ids))
    computed: dict[int, dict[str, Any]] = {}
    for music in scope.iterator(chunk_size=BATCH_SIZE):
        catalogue = not music.is_original_sound
        computed[music.pk] = _track_trend(
            music,
            now=now,
            popularity_pct=(
                popularity_pct.get(music.pk, usage_pct.get(music.pk)) if catalogue else None
            ),
            usage_pct=usage_pct.get(music.pk) if catalogue else None,
            spotify_popularity=popularity.get(music.pk),
        )
    if not computed:
        return 0

    with transaction.atomic():
        existing = set(
            MusicFeatures.objects.filter(music_id__in=computed).values_list("music_id", flat=True)
        )
        MusicFeatures.objects.bulk_create(
            [
                MusicFeatures(
                    music_id=music_id,
                    status=AnalysisStatus.EMPTY,
                    feature_source=MusicFeatures.FeatureSource.NONE,
                )
                for music_id in computed
                if music_id not in existing
            ],
            batch_size=BATCH_SIZE,
        )
        # Locked while they are rewritten, so a concurrent analysis's detail is not lost.
        rows = list(
            MusicFeatures.objects.select_for_update()
            .filter(music_id__in=computed)
            .only("pk", "music_id", "detail")
        )
        for row in rows:
            values = computed[row.music_id]
            for name in TREND_FIELDS[:-1]:
                setattr(row, name, values[name])
            row.detail = {**(row.detail or {}), "trend": values["trend"]}
        MusicFeatures.objects.bulk_update(rows, TREND_FIELDS, batch_size=BATCH_SIZE)
    return len(rows)
