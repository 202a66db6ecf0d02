"""Popularity percentile, usage growth and the early-trend flag of tracks, from stored history.

The formulas are `music.trends` (explained in docs/music-signals.md); this module reads their
inputs from MusicSource and MusicSnapshot rows and stores the results on MusicFeatures:

- **popularity_percentile**, within the catalogue (original sounds are not ranked): the track's
  Spotify popularity percentile among catalogue tracks with a known Spotify popularity (a
  Spotify source's: the API's, or the imported Spotify dataset's; else a catalogue source's);
  for a track without one, its TikTok-usage percentile among catalogue tracks with a known
  usage. The two are not averaged: Spotify's figure is the broader audience, TikTok usage
  stands in only where Spotify says nothing.
- **usage_growth_7d / 28d, trend_acceleration**: `usage_trend` over the TikTok usage snapshots
  of the track's main TikTok sound (the one used most); None without enough history.
- **early_trend**: `early_trend` from the popularity snapshots of its Spotify/catalogue sources
  and a current chart run (dated chart ranks, the latest within CHART_MAX_AGE), against the
  track's TikTok usage (summed over its TikTok sounds) and its usage percentile in the
  catalogue. The reason, usage and percentiles go to `detail["trend"]`.

Everything is read with a handful of flat queries and only rows whose figures changed are
written, so the nightly refresh of a whole catalogue stays cheap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from music import trends
from music.models import Music, MusicFeatures, MusicSnapshot, MusicSource
from musicrec.core.models import AnalysisStatus, Platform
from musicrec.core.versions import CATALOGUE, data_changed

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
# The oldest usage or popularity point any signal looks at (28 days back, 7 days tolerance,
# measured from a "now" point that may itself be 2 days old), with a day to spare.
HISTORY_WINDOW = trends.WINDOW_28D + trends.TOLERANCE_28D + trends.CURRENT_MAX_AGE + timedelta(1)
_POPULARITY_PLATFORMS = (Platform.SPOTIFY, Platform.CATALOGUE)
CHUNK = 5_000


@dataclass
class _Source:
    pk: int
    platform: str
    popularity: int | None
    usage_count: int | None
    last_seen_at: datetime | None
    usage: list[tuple[datetime, int | None]] = field(default_factory=list)
    popularity_points: list[tuple[datetime, float]] = field(default_factory=list)
    chart: list[tuple[datetime, int]] = field(default_factory=list)


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _in_scope(queryset: QuerySet, lookup: str, ids: Sequence[int] | None) -> Iterator[QuerySet]:
    """The queryset over every row (ids None) or in chunks of ids, within SQL parameter limits."""
    if ids is None:
        yield queryset
        return
    for chunk in _chunks(ids):
        yield queryset.filter(**{f"{lookup}__in": chunk})


def _catalogue_signals() -> tuple[dict[int, float], dict[int, int]]:
    """Spotify popularity and summed TikTok usage of every catalogue track (one query)."""
    popularity: dict[int, tuple[int, float]] = {}  # music_id -> (preference, value)
    usage: dict[int, int] = {}
    rows = MusicSource.objects.filter(music__is_original_sound=False).values_list(
        "music_id", "platform", "popularity", "usage_count"
    )
    for music_id, platform, pop, count in rows.iterator(chunk_size=CHUNK):
        if platform in _POPULARITY_PLATFORMS and pop is not None:
            preference = 0 if platform == Platform.SPOTIFY else 1
            if music_id not in popularity or preference < popularity[music_id][0]:
                popularity[music_id] = (preference, float(pop))
        if platform == Platform.TIKTOK and count is not None:
            usage[music_id] = usage.get(music_id, 0) + int(count)
    return {k: v for k, (_, v) in popularity.items()}, usage


def _percentiles(values: dict[int, float]) -> dict[int, float]:
    ids = list(values)
    ranked = trends.popularity_percentile([values[i] for i in ids])
    return {i: p for i, p in zip(ids, ranked, strict=True) if p is not None}


def _load_history(
    music_ids: Sequence[int] | None, now: datetime
) -> tuple[dict[int, bool], dict[int, list[_Source]]]:
    """Tracks in scope (id -> is original) and their sources with the history that matters."""
    originals: dict[int, bool] = {}
    for part in _in_scope(Music.objects.order_by(), "pk", music_ids):
        originals.update(part.values_list("pk", "is_original_sound").iterator(chunk_size=CHUNK))
    sources: dict[int, _Source] = {}
    by_music: dict[int, list[_Source]] = defaultdict(list)
    columns = ("pk", "music_id", "platform", "popularity", "usage_count", "last_seen_at")
    for part in _in_scope(MusicSource.objects.order_by(), "music_id", music_ids):
        for pk, music_id, platform, pop, count, seen in part.values_list(*columns).iterator(
            chunk_size=CHUNK
        ):
            if music_id in originals:
                sources[pk] = _Source(pk, platform, pop, count, seen)
                by_music[music_id].append(sources[pk])
    recent = Q(taken_at__gte=now - HISTORY_WINDOW) | Q(chart_rank__isnull=False)
    snapshots = MusicSnapshot.objects.filter(recent, taken_at__lte=now).order_by()
    columns = ("source_id", "taken_at", "popularity", "usage_count", "chart_rank")
    for part in _in_scope(snapshots, "source__music_id", music_ids):
        for source_id, taken_at, pop, count, rank in part.values_list(*columns).iterator(
            chunk_size=CHUNK
        ):
            source = sources.get(source_id)
            if source is None:
                continue
            if count is not None:
                source.usage.append((taken_at, count))
            if pop is not None:
                source.popularity_points.append((taken_at, float(pop)))
            if rank is not None:
                source.chart.append((taken_at, rank))
    return originals, by_music


def _chart_presence(sources: Sequence[_Source], now: datetime) -> trends.ChartPresence | None:
    """A current chart run: peak rank and the number of chart weeks, from dated chart ranks."""
    ranked = [point for s in sources for point in s.chart]
    if not ranked or now - max(t for t, _ in ranked) > CHART_MAX_AGE:
        return None
    weeks = {t.isocalendar()[:2] for t, _ in ranked}
    return trends.ChartPresence(min(rank for _, rank in ranked), len(weeks))


def _usage_points(source: _Source) -> list[tuple[datetime, int | None]]:
    if not source.usage and source.usage_count is not None and source.last_seen_at is not None:
        return [(source.last_seen_at, source.usage_count)]
    return source.usage


def _track_trend(
    sources: Sequence[_Source],
    *,
    now: datetime,
    popularity_pct: float | None,
    usage_pct: float | None,
    spotify_popularity: float | None,
) -> dict[str, Any]:
    tiktok = [s for s in sources if s.platform == Platform.TIKTOK]
    known = [s.usage_count for s in tiktok if s.usage_count is not None]
    usage = sum(known) if known else None
    main = max(tiktok, key=lambda s: (s.usage_count or 0, s.pk), default=None)
    trend = trends.usage_trend(_usage_points(main), now=now) if main else None
    charted = [s for s in sources if s.platform in _POPULARITY_PLATFORMS]
    flag = trends.early_trend(
        popularity_series=[p for s in charted for p in s.popularity_points],
        chart=_chart_presence(charted, now),
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
            "spotify_popularity": spotify_popularity,
            "tiktok_usage": usage,
            "tiktok_usage_percentile": usage_pct,
            "usage_now": trend.usage_now if trend else None,
            "pct_7d": trend.pct_7d if trend else None,
            "early_trend_reason": flag.reason,
        },
    }


def _write(rows: list[tuple[Any, ...]]) -> None:
    """UPDATE the trend columns of many rows in one executemany: Django's bulk_update builds a
    CASE expression per column and row, which costs a minute on a full catalogue."""
    if not rows:
        return
    fields = [MusicFeatures._meta.get_field(name) for name in TREND_FIELDS]
    table = connection.ops.quote_name(MusicFeatures._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    sql = f"UPDATE {table} SET {assignments} WHERE {connection.ops.quote_name('id')} = %s"
    params = [
        [f.get_db_prep_save(value, connection) for f, value in zip(fields, row[1:], strict=True)]
        + [row[0]]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def music_trends_refresh(
    *, music_ids: Sequence[int] | None = None, now: datetime | None = None
) -> int:
    """Recompute popularity percentile, usage growth, acceleration and early trend.

    Returns the number of tracks refreshed. Percentiles are always ranked over the whole
    catalogue, also when only some `music_ids` are refreshed. Tracks without a features row get
    one (status "empty": nothing measured yet). Rows whose figures did not change are not
    written.
    """
    now = now or timezone.now()
    ids = None if music_ids is None else sorted(set(music_ids))
    if ids == []:
        return 0
    popularity, usage = _catalogue_signals()
    popularity_pct = _percentiles(popularity)
    usage_pct = _percentiles({k: float(v) for k, v in usage.items()})
    originals, sources = _load_history(ids, now)
    computed = {
        music_id: _track_trend(
            sources.get(music_id, []),
            now=now,
            popularity_pct=(
                None if original else popularity_pct.get(music_id, usage_pct.get(music_id))
            ),
            usage_pct=None if original else usage_pct.get(music_id),
            spotify_popularity=popularity.get(music_id),
        )
        for music_id, original in originals.items()
    }
    scope = sorted(computed)

    with transaction.atomic():
        existing: set[int] = set()
        for part in _in_scope(MusicFeatures.objects.order_by(), "music_id", scope):
            existing.update(part.values_list("music_id", flat=True))
        missing = [
            MusicFeatures(
                music_id=music_id,
                status=AnalysisStatus.EMPTY,
                feature_source=MusicFeatures.FeatureSource.NONE,
            )
            for music_id in scope
            if music_id not in existing
        ]
        MusicFeatures.objects.bulk_create(missing, batch_size=CHUNK // 5)
        changed: list[tuple[Any, ...]] = []
        # Locked while read and rewritten, so a concurrent analysis's detail is not lost.
        for part in _in_scope(MusicFeatures.objects.select_for_update(), "music_id", scope):
            for pk, music_id, *stored in part.values_list("pk", "music_id", *TREND_FIELDS):
                values = computed[music_id]
                detail = {**(stored[-1] or {}), "trend": values["trend"]}
                row = (*(values[name] for name in TREND_FIELDS[:-1]), detail)
                if tuple(stored[:-1]) != row[:-1] or stored[-1] != detail:
                    changed.append((pk, *row))
        _write(changed)
        if missing or changed:
            data_changed(CATALOGUE)
    return len(computed)
