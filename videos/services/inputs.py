"""What a video's content analysis reads, and whether a stored analysis is still current.

Loading is three queries per batch of videos (`video_analysis_queryset`); every helper here
then works on the prefetched rows without touching the database.
"""

from __future__ import annotations

import hashlib
import json

from django.db.models import Prefetch, QuerySet

from music.features import FEATURES_VERSION
from music.models import Music, MusicFeatures
from musicrec.core.descriptors import Label
from musicrec.core.models import AnalysisStatus
from musicrec.core.relations import related_or_none
from videos.content import CONTENT_VERSION, SoundMetadata
from videos.models import Video, VideoContentAnalysis, VideoMusic, VideoSource
from videos.selectors import POST_ORDER

# The content analysis and the soundtrack features it embeds: a change to either redoes it.
ANALYSIS_VERSION = f"{CONTENT_VERSION}/{FEATURES_VERSION}"


class MediaState:
    """What happened to a video's media, stored in `detail["media"]["state"]`."""

    ANALYSED = "analysed"
    NONE = "none"  # no media link in the scrape (a slideshow, a stripped export)
    UNAVAILABLE = "unavailable"  # expired signed URL, deleted post, missing file
    UNDECODABLE = "undecodable"  # fetched, but not a video we can read
    FETCH_ERROR = "fetch error"  # refused, too large, timed out: worth another try


# --- Loading -----------------------------------------------------------------------------------


def video_analysis_queryset() -> QuerySet[Video]:
    """Videos with everything the analysis reads, in three queries per batch: the videos with
    their stored analysis, their posts, and their sounds with track features (primary first)."""
    links = VideoMusic.objects.select_related("music", "music__features").order_by(
        "-is_primary", "pk"
    )
    return Video.objects.select_related("content_analysis").prefetch_related(
        Prefetch("sources", queryset=VideoSource.objects.order_by(*POST_ORDER), to_attr="posts"),
        Prefetch("music_links", queryset=links, to_attr="sound_links"),
    )


def _posts(video: Video) -> list[VideoSource]:
    """The video's posts in `POST_ORDER`: TikTok first, then the most recently scraped."""
    posts = getattr(video, "posts", None)
    return posts if posts is not None else list(video.sources.order_by(*POST_ORDER))


def media_references(video: Video) -> list[str]:
    """The video file URLs or paths of its posts, in the order they are tried."""
    return list(dict.fromkeys(p.media_url.strip() for p in _posts(video) if p.media_url.strip()))


def sticker_text(video: Video) -> str:
    """On-screen sticker text kept in the post's raw scrape item (web API `stickersOnItem`)."""
    texts: list[str] = []
    for post in _posts(video):
        raw = post.raw if isinstance(post.raw, dict) else {}
        for sticker in raw.get("stickersOnItem") or []:
            if isinstance(sticker, dict):
                texts += [t for t in sticker.get("stickerText") or [] if isinstance(t, str)]
    return " ".join(dict.fromkeys(t.strip() for t in texts if t.strip()))


def primary_sound(video: Video) -> Music | None:
    links = getattr(video, "sound_links", None)
    if links is None:
        links = list(video.music_links.select_related("music").order_by("-is_primary", "pk"))
    return links[0].music if links else None


def sound_metadata(music: Music | None) -> SoundMetadata | None:
    """The sound's stored music analysis as the content fusion reads it; None when the track
    has no features or its last analysis failed (a failed row is not trusted)."""
    features: MusicFeatures | None = related_or_none(music, "features") if music else None
    if music is None or features is None or features.status == AnalysisStatus.FAILED:
        return None
    genres = features.genres if isinstance(features.genres, dict) else {}
    genre = None
    if features.genre:
        confidence = features.genre_confidence
        genre = Label(
            value=features.genre,
            source=features.genre_source or "unknown",
            confidence=1.0 if confidence is None else float(confidence),
        )
    sound = SoundMetadata(
        music_id=music.pk,
        title=str(music),
        feature_source=features.feature_source,
        tempo_bpm=features.tempo_bpm,
        energy=features.energy,
        valence=features.valence,
        arousal=features.arousal,
        danceability=features.danceability,
        key=features.key or None,
        mode=features.mode or None,
        speechiness=features.speechiness,
        genre=genre,
        genres={str(k): float(v) for k, v in genres.items() if isinstance(v, int | float)},
    )
    return sound if sound.has_descriptor or sound.genres else None


# --- Deciding what to redo ---------------------------------------------------------------------


def fingerprint(value: object) -> str:
    """A short stable hash of JSON-able data (links, text), to notice when inputs change."""
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def inputs_digest(video: Video, sticker: str, music: Music | None) -> str:
    """Fingerprint of what the analysis reads besides the file: text and the sound's analysis."""
    features = related_or_none(music, "features") if music else None
    sound = None
    if music is not None:
        sound = [
            music.pk,
            getattr(features, "version", None),
            getattr(features, "analyzed_at", None),
        ]
    return fingerprint([video.caption, list(video.hashtags or []), sticker, sound])


def is_current(analysis: VideoContentAnalysis | None, *, inputs: str, references: str) -> bool:
    """Whether a stored analysis needs no new run (the rules: `videos.services`)."""
    if analysis is None or analysis.pk is None:
        return False
    if analysis.version != ANALYSIS_VERSION or analysis.status == AnalysisStatus.FAILED:
        return False
    media = (analysis.detail or {}).get("media") or {}
    if media.get("inputs") != inputs:
        return False
    if media.get("state") == MediaState.ANALYSED:
        return True
    return media.get("state") != MediaState.FETCH_ERROR and media.get("references") == references
