"""Recommendation use cases: runs and feedback, the Spotify-compatible answer, the evaluation."""

from .compat import SpotifyParamError, genre_seeds, spotify_recommendations
from .runs import (
    ENGINE_VERSION,
    TargetMissing,
    author_default_weights,
    author_engine_target,
    feedback_record,
    has_content,
    parse_brief,
    parse_filters,
    parse_weights,
    recommendation_generate,
    video_fields,
)

__all__ = [
    "ENGINE_VERSION",
    "SpotifyParamError",
    "TargetMissing",
    "author_default_weights",
    "author_engine_target",
    "feedback_record",
    "genre_seeds",
    "has_content",
    "parse_brief",
    "parse_filters",
    "parse_weights",
    "recommendation_generate",
    "spotify_recommendations",
    "video_fields",
]
