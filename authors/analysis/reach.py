"""Reach: the profile's own counts and the creator tier."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .inputs import ProfileInput

# Creator tiers by followers, lower bound inclusive, the one place these thresholds live. They
# follow the issue (mid-tier from 100k) rather than Mediakix's 50k split: the 4-tier industry
# scheme puts the micro/macro line at 100k, and a 100k-500k "mid" band keeps both readable.
TIERS: tuple[tuple[str, int], ...] = (
    ("nano", 0),
    ("micro", 10_000),
    ("mid", 100_000),
    ("macro", 500_000),
    ("mega", 1_000_000),
)


def tier_for_followers(followers: int | None) -> str | None:
    """The tier name, or None when the follower count is unknown."""
    if followers is None or followers < 0:
        return None
    name = TIERS[0][0]
    for tier, lower in TIERS:
        if followers >= lower:
            name = tier
    return name


@dataclass(frozen=True)
class ReachMetrics:
    followers: int | None
    following: int | None
    likes_total: int | None
    video_count: int | None
    tier: str | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def reach_metrics(profile: ProfileInput) -> ReachMetrics:
    return ReachMetrics(
        followers=profile.followers,
        following=profile.following,
        likes_total=profile.likes_total,
        video_count=profile.video_count,
        tier=tier_for_followers(profile.followers),
    )
