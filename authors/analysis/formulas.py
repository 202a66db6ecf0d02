"""The human formula behind every metric, keyed by its `to_dict()` field name.

The dashboard shows these next to the figures and the API documents them, so a marketer can see
which convention a rate follows (vendors disagree: by views or by followers, with or without
saves, over 30 posts or 2 months).
"""

from __future__ import annotations

METRIC_FORMULAS: dict[str, str] = {
    # reach
    "followers": "followers reported by the platform",
    "following": "accounts the creator follows",
    "likes_total": "total likes received on all videos (platform count)",
    "video_count": "videos on the profile (platform count)",
    "tier": "by followers: nano < 10k ≤ micro < 100k ≤ mid < 500k ≤ macro < 1M ≤ mega",
    # window
    "videos_analysed": "videos in the window: the latest N videos posted in the last D days",
    # performance
    "videos_with_views": "window videos with a known view count",
    "mean_views": "mean of views per video over the window",
    "median_views": "median of views per video over the window",
    "mean_likes": "mean of likes per video over the window",
    "median_likes": "median of likes per video over the window",
    "mean_comments": "mean of comments per video over the window",
    "median_comments": "median of comments per video over the window",
    "mean_shares": "mean of shares per video over the window",
    "median_shares": "median of shares per video over the window",
    "mean_saves": "mean of saves per video over the window",
    "median_saves": "median of saves per video over the window",
    # engagement
    "engagement_rate_by_views": "median over videos of (likes + comments + shares + saves) / views",
    "engagement_rate_by_followers": (
        "mean (likes + comments + shares + saves) per video / followers"
    ),
    "like_rate_by_views": "median over videos of likes / views",
    "comment_rate_by_views": "median over videos of comments / views",
    "share_rate_by_views": "median over videos of shares / views",
    "save_rate_by_views": "median over videos of saves / views",
    "views_to_followers": "median views per video / followers",
    "mean_interactions_per_video": "mean of (likes + comments + shares + saves) per video",
    # cadence and virality
    "videos_per_week": (
        "videos in the window / weeks since the day cut-off, or (videos − 1) / weeks since the "
        "oldest analysed video when the window starts at a video"
    ),
    "median_gap_days": "median of the days between consecutive posts",
    "gap_cv": "standard deviation / mean of the days between consecutive posts",
    "regularity": "1 / (1 + gap_cv): 1 = clockwork, 0.5 = random, lower = bursty",
    "viral_threshold_views": "3 × median views per video",
    "viral_hits": "videos with views > 3 × median views",
    "viral_hit_share": "videos with views > 3 × median views / videos with views",
    "views_trend_log_slope_per_week": "least-squares slope of ln(1 + views) against weeks",
    "views_trend_pct_per_week": "(e^slope − 1) × 100: % change in views per week along the trend",
    # growth
    "snapshot_count": "stat snapshots available",
    "growth_span_days": "days from the first to the last snapshot",
    "followers_gained": "followers at last snapshot − followers at first snapshot",
    "followers_gained_per_day": "followers gained / days between first and last snapshot",
    "followers_growth_pct": "followers gained / followers at first snapshot × 100",
    "likes_gained": "total likes at last snapshot − total likes at first snapshot",
    "likes_gained_per_day": "likes gained / days between first and last snapshot",
    "likes_growth_pct": "likes gained / total likes at first snapshot × 100",
    # content
    "top_hashtags": "hashtags by videos using them / window videos, generic reach tags excluded",
    "reach_tag_video_share": "videos with a generic reach tag (#fyp, #foryou, …) / window videos",
    "top_categories": "sum of label confidence per category / sum of all label confidence",
    "videos_with_category": "window videos with a content category label",
    # music
    "videos_with_music": "window videos with a known sound",
    "original_sound_share": "videos on original sounds / videos with a known sound",
    "catalogue_share": "videos on catalogue tracks / videos with a known sound",
    "top_tracks": "catalogue tracks by number of window videos using them",
    "top_artists": "artists of catalogue tracks by number of window videos",
    "videos_with_music_descriptor": "window videos whose sound has a music descriptor",
    "genre_mix": "mean over videos of the sound's genre weights",
    "mood_mix": "mean over videos of the sound's mood weights",
    "tempo_band_mix": "videos per tempo band of the sound / videos with a known tempo",
    "attribute_lift": (
        "median engagement rate by views of videos whose sound has the value / the creator's "
        "median; not given for fewer than 3 videos"
    ),
    # content profile
    "content_profile": (
        "engagement-weighted blend of video content analyses and music descriptors (half each), "
        "weight = video engagement rate / median, clipped to 0.25–4"
    ),
    "consistency": (
        "0–1 agreement per attribute: 1 − 2 × weighted std (numbers), mean resultant length of "
        "octave-folded log2 tempo (tempo), exp(−Jensen–Shannon divergence) (genre and mood weights)"
    ),
}
