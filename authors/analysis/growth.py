"""Growth between the earliest and latest stat snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from .inputs import SnapshotInput
from .numeric import amount, percent, rounded, safe_div

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class GrowthMetrics:
    """Absent (None), never zero, when fewer than two snapshots carry the count: one snapshot
    says nothing about growth, and a 0 would read as "stalled"."""

    snapshot_count: int
    growth_span_days: float | None
    followers_gained: int | None
    followers_gained_per_day: float | None
    followers_growth_pct: float | None
    likes_gained: int | None
    likes_gained_per_day: float | None
    likes_growth_pct: float | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _change(
    snapshots: Sequence[SnapshotInput], count: str
) -> tuple[int | None, float | None, float | None, float | None]:
    """(gained, gained per day, growth %, span days) from the first to the last snapshot that
    reports `count`."""
    points = sorted(
        ((s.taken_at, getattr(s, count)) for s in snapshots if getattr(s, count) is not None),
        key=lambda p: p[0],
    )
    if len(points) < 2:
        return None, None, None, None
    (start_at, start), (end_at, end) = points[0], points[-1]
    span_days = (end_at - start_at).total_seconds() / SECONDS_PER_DAY
    if span_days <= 0:
        return None, None, None, None
    gained = end - start
    pct = safe_div(gained, start)
    return gained, gained / span_days, None if pct is None else pct * 100, span_days


def growth_metrics(snapshots: Sequence[SnapshotInput]) -> GrowthMetrics:
    followers = _change(snapshots, "followers")
    likes = _change(snapshots, "likes_total")
    span = followers[3] if followers[3] is not None else likes[3]
    return GrowthMetrics(
        snapshot_count=len(snapshots),
        growth_span_days=rounded(span, 2),
        followers_gained=followers[0],
        followers_gained_per_day=amount(followers[1]),
        followers_growth_pct=percent(followers[2]),
        likes_gained=likes[0],
        likes_gained_per_day=amount(likes[1]),
        likes_growth_pct=percent(likes[2]),
    )
