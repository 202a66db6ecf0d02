"""The catalogue's popularity and trend figures as they stood at an earlier moment.

The temporal evaluation asks what the engine could have recommended *then*, so the figures that
change over time are recomputed from what was dated before the moment; the rest of a track
(its audio features, genre) is a fact about the track and stays. Rules (docs/evaluation.md):

- TikTok usage: the sum over the track's TikTok sounds of each one's latest scraped count at or
  before the moment; a track with no such count uses the number of stored videos that used it
  before the moment (what our own data knew), unknown when that is 0.
- Spotify popularity: the highest latest popularity of its Spotify or catalogue sources at or
  before the moment; unknown without one.
- Usage growth (7 and 28 days) and the early-trend flag: `music.trends` on the points at or
  before the moment only.

Pure: the points come from `catalogue_source.catalogue_points`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from music.trends import early_trend, usage_trend

from .catalogue import CatalogueArrays, mid_rank_percentiles


@dataclass(frozen=True)
class PopularityPoint:
    """One dated figure of one source of a catalogue track."""

    row: int  # catalogue row
    source: int  # source id: counts of one source are a series; several sources add up
    tiktok: bool  # a TikTok sound (usage count) or a Spotify/catalogue source (popularity)
    taken_at: datetime
    usage: int | None = None
    popularity: float | None = None


def catalogue_as_of(
    arrays: CatalogueArrays,
    points: list[PopularityPoint],
    *,
    moment: datetime,
    stored_uses: np.ndarray,
) -> CatalogueArrays:
    """`arrays` with popularity, usage, growth and the early-trend flag as of `moment`.

    `stored_uses[row]` counts the stored videos that used the track before the moment.
    """
    usage_series: dict[int, dict[int, list[tuple[datetime, int]]]] = defaultdict(dict)
    popularity_series: dict[int, dict[int, list[tuple[datetime, float]]]] = defaultdict(dict)
    for p in points:
        if p.taken_at > moment:
            continue
        if p.tiktok and p.usage is not None:
            usage_series[p.row].setdefault(p.source, []).append((p.taken_at, p.usage))
        elif not p.tiktok and p.popularity is not None:
            popularity_series[p.row].setdefault(p.source, []).append((p.taken_at, p.popularity))

    size = arrays.size
    usage = np.where(stored_uses > 0, stored_uses.astype(np.float64), np.nan)
    spotify = np.full(size, np.nan, dtype=np.float32)
    growth_7d = np.full(size, np.nan, dtype=np.float32)
    growth_28d = np.full(size, np.nan, dtype=np.float32)
    early = np.zeros(size, dtype=bool)
    for row, sources in usage_series.items():
        usage[row] = sum(max(series)[1] for series in sources.values())
        if len(sources) == 1:  # growth of a sum of differently dated series would mislead
            trend = usage_trend(next(iter(sources.values())), now=moment)
            growth_7d[row] = np.nan if trend.growth_7d is None else trend.growth_7d
            growth_28d[row] = np.nan if trend.growth_28d is None else trend.growth_28d
    for row, sources in popularity_series.items():
        spotify[row] = max(max(series)[1] for series in sources.values())
    percentile = mid_rank_percentiles(usage)
    for row, sources in popularity_series.items():
        series = max(sources.values(), key=max)
        known = usage[row] if np.isfinite(usage[row]) else None
        flag = early_trend(
            popularity_series=series,
            tiktok_usage=None if known is None else int(known),
            tiktok_usage_percentile=None if known is None else float(percentile[row]),
            now=moment,
        )
        early[row] = flag.flag
    return arrays.with_popularity(
        spotify_popularity=spotify,
        tiktok_usage=usage,
        growth_7d=growth_7d,
        growth_28d=growth_28d,
        early_trend=early,
    )
