"""Reads for recommendations: the creator, video and feedback a request needs, and stored runs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery

from authors.analysis import VideoInput
from authors.models import Author, AuthorSource
from music.models import Music, MusicSource
from musicrec.core.models import AnalysisStatus, Platform
from videos.models import Video, VideoContentAnalysis, VideoMusic, VideoSource

from .models import Feedback, RecommendationItem, RecommendationRun

# Spotify ids are 22 base-62 characters.
SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")


def _tiktok_account(field: str) -> Subquery:
    accounts = AuthorSource.objects.filter(author=OuterRef("pk"), platform=Platform.TIKTOK)
    ordered = accounts.order_by(F("last_scraped_at").desc(nulls_last=True), "-pk")
    return Subquery(ordered.values(field)[:1])


def author_for_recommendation(
    *, author_id: int | None = None, handle: str | None = None
) -> Author | None:
    """The creator with their stored analysis and TikTok handle and followers, in one query.

    By id, or by handle (case-insensitive, "@" optional, any platform's account).
    """
    queryset = Author.objects.select_related("analysis").annotate(
        handle=_tiktok_account("handle"), followers=_tiktok_account("followers")
    )
    if author_id is not None:
        return queryset.filter(pk=author_id).first()
    wanted = (handle or "").strip().lstrip("@").strip()
    if not wanted:
        return None
    matches = AuthorSource.objects.filter(handle__iexact=wanted).values("author_id")
    return queryset.filter(pk__in=matches).order_by("pk").first()


def video_for_recommendation(video_id: int) -> Video | None:
    return Video.objects.select_related("content_analysis").filter(pk=video_id).first()


@dataclass(frozen=True)
class CreatorMusic:
    """The music a creator used: every linked track (excluded from their recommendations) and,
    per TikTok post, its main sound's track with the post's stats (the own-history input)."""

    used: set[int]
    posts: list[tuple[int | None, VideoInput]]


def creator_music(author_id: int) -> CreatorMusic:
    """Every track linked to the creator's videos, and each of their TikTok posts (dated, no ads)
    with its main sound's track, in two queries. Original sounds count as no track in the posts
    (they are never recommended); `profile_targets.best_used_tracks` reads the posts through the
    profile analysis's own engagement rate."""
    used: set[int] = set()
    primary: dict[int, int] = {}
    links = VideoMusic.objects.filter(video__author_id=author_id).values_list(
        "video_id", "music_id", "is_primary", "music__is_original_sound"
    )
    for video_id, music_id, is_primary, original in links:
        used.add(music_id)
        if is_primary and not original:
            primary[video_id] = music_id
    rows = VideoSource.objects.filter(
        platform=Platform.TIKTOK,
        is_ad=False,
        video__author_id=author_id,
        video__posted_at__isnull=False,
    ).values_list(
        "video_id",
        "external_id",
        "video__posted_at",
        "views",
        "likes",
        "comments",
        "shares",
        "saves",
    )
    posts = [
        (
            primary.get(video_id),
            VideoInput(
                external_id=external_id,
                posted_at=posted_at,
                views=views,
                likes=likes,
                comments=comments,
                shares=shares,
                saves=saves,
            ),
        )
        for video_id, external_id, posted_at, views, likes, comments, shares, saves in rows
    ]
    return CreatorMusic(used=used, posts=posts)


def creator_videos_analysed(author_id: int) -> bool:
    """Whether any of the creator's videos has a content analysis that did not fail: their
    videos were read, whatever they gave."""
    return (
        VideoContentAnalysis.objects.filter(video__author_id=author_id)
        .exclude(status=AnalysisStatus.FAILED)
        .exists()
    )


def creator_posts_words(author_id: int) -> list[tuple[datetime, list[str], str]]:
    """(posted at, hashtags, caption) of each of the creator's dated TikTok posts (no ads), in
    one query: the posting days and words the crowd components read."""
    return list(
        Video.objects.filter(
            author_id=author_id,
            posted_at__isnull=False,
            sources__platform=Platform.TIKTOK,
            sources__is_ad=False,
        )
        .distinct()
        .order_by("posted_at", "pk")
        .values_list("posted_at", "hashtags", "caption")
    )


def feedback_ids(author_id: int) -> tuple[set[int], set[int]]:
    """(kept, rejected) track ids of a creator, in one query."""
    kept: set[int] = set()
    rejected: set[int] = set()
    rows = Feedback.objects.filter(author_id=author_id).values_list("music_id", "verdict")
    for music_id, verdict in rows:
        (kept if verdict == Feedback.Verdict.KEEP else rejected).add(music_id)
    return kept, rejected


def run_list() -> QuerySet[RecommendationRun]:
    """Runs, newest first, with their creator (and TikTok accounts as `tiktok_accounts`), video
    and items (with music and its artist) loaded: three queries for any number of runs."""
    items = RecommendationItem.objects.select_related("music", "music__artist").order_by("rank")
    accounts = AuthorSource.objects.filter(platform=Platform.TIKTOK).order_by(
        F("last_scraped_at").desc(nulls_last=True), "-pk"
    )
    return (
        RecommendationRun.objects.select_related("author", "video", "created_by")
        .prefetch_related(
            Prefetch("items", queryset=items),
            Prefetch("author__sources", queryset=accounts, to_attr="tiktok_accounts"),
        )
        .order_by("-created_at", "-pk")
    )


def run_get(run_id: int) -> RecommendationRun | None:
    return run_list().filter(pk=run_id).first()


def run_item_get(*, run_id: int, item_id: int) -> RecommendationItem | None:
    """An item of a run (None when the item is not part of that run)."""
    return (
        RecommendationItem.objects.select_related("run", "music")
        .filter(pk=item_id, run_id=run_id)
        .first()
    )


def music_ids_for_spotify_tracks(spotify_ids: Iterable[str]) -> dict[str, int]:
    """Our track for each Spotify track id we know (Spotify or imported-catalogue sources)."""
    wanted = [i for i in spotify_ids if SPOTIFY_ID.match(i)]
    if not wanted:
        return {}
    rows = MusicSource.objects.filter(
        platform__in=(Platform.SPOTIFY, Platform.CATALOGUE), external_id__in=wanted
    ).values_list("external_id", "music_id")
    return dict(rows)


def author_ids_for_spotify_artists(spotify_ids: Iterable[str]) -> dict[str, int]:
    """Our artist for each Spotify artist id we know (Spotify accounts of authors)."""
    wanted = [i for i in spotify_ids if SPOTIFY_ID.match(i)]
    if not wanted:
        return {}
    rows = AuthorSource.objects.filter(
        platform=Platform.SPOTIFY, external_id__in=wanted
    ).values_list("external_id", "author_id")
    return dict(rows)


def music_for_tracks(music_ids: Iterable[int]) -> dict[int, Music]:
    """Tracks with their sources, for the Spotify-shaped answer (two queries)."""
    sources = MusicSource.objects.order_by("platform", "pk")
    rows = Music.objects.filter(pk__in=list(music_ids)).prefetch_related(
        Prefetch("sources", queryset=sources)
    )
    return {m.pk: m for m in rows}
