"""Influencer profile analysis: pure functions on plain data (no ORM).

`analyze_author(profile, videos, snapshots, now=...)` returns an `AuthorMetrics` whose
`to_dict()` is what the API and the stored `AuthorAnalysis` carry; `METRIC_FORMULAS` names the
formula behind each field. docs/metrics.md explains every metric for marketers and integrators.
"""

from .cadence import VIRAL_MULTIPLIER, CadenceMetrics
from .content_signals import (
    REACH_TAG_STEMS,
    REACH_TAG_SUFFIXES,
    CategoryShare,
    ContentSignals,
    HashtagUse,
    is_reach_tag,
    normalise_hashtag,
    reach_tag_key,
)
from .engagement import (
    EngagementMetrics,
    PerformanceMetrics,
    interactions,
    video_engagement_rate,
)
from .formulas import METRIC_FORMULAS
from .growth import GrowthMetrics
from .inputs import MusicKey, ProfileInput, SnapshotInput, VideoInput
from .metrics import (
    ANALYSIS_VERSION,
    STATUS_LABELS,
    STATUS_NO_RECENT_VIDEOS,
    STATUS_NO_VIDEOS,
    STATUS_NO_VIEWS,
    STATUS_OK,
    STATUS_PRIVATE,
    AuthorMetrics,
    analyze_author,
)
from .music_habits import MIN_VIDEOS_FOR_LIFT, ArtistUse, AttributeLift, MusicHabits, TrackUse
from .profile import ContentProfile, blend_tempo, content_profile
from .reach import TIERS, ReachMetrics, tier_for_followers
from .window import DEFAULT_WINDOW_DAYS, DEFAULT_WINDOW_VIDEOS, AnalysisWindow

__all__ = [
    "ANALYSIS_VERSION",
    "DEFAULT_WINDOW_DAYS",
    "DEFAULT_WINDOW_VIDEOS",
    "METRIC_FORMULAS",
    "MIN_VIDEOS_FOR_LIFT",
    "REACH_TAG_STEMS",
    "REACH_TAG_SUFFIXES",
    "STATUS_LABELS",
    "STATUS_NO_RECENT_VIDEOS",
    "STATUS_NO_VIDEOS",
    "STATUS_NO_VIEWS",
    "STATUS_OK",
    "STATUS_PRIVATE",
    "TIERS",
    "VIRAL_MULTIPLIER",
    "AnalysisWindow",
    "ArtistUse",
    "AttributeLift",
    "AuthorMetrics",
    "CadenceMetrics",
    "CategoryShare",
    "ContentProfile",
    "ContentSignals",
    "EngagementMetrics",
    "GrowthMetrics",
    "HashtagUse",
    "MusicHabits",
    "MusicKey",
    "PerformanceMetrics",
    "ProfileInput",
    "ReachMetrics",
    "SnapshotInput",
    "TrackUse",
    "VideoInput",
    "analyze_author",
    "blend_tempo",
    "content_profile",
    "interactions",
    "is_reach_tag",
    "normalise_hashtag",
    "reach_tag_key",
    "tier_for_followers",
    "video_engagement_rate",
]
