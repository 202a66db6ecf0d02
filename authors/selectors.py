"""Reads of creators and their stored profile analyses, shared by the API, admin and commands.

A creator's figures on lists come from their TikTok account: the most recently scraped one when
an Author has several (an old handle and a new one, say). The same rule picks the account the
profile analysis reads (`author_inputs`, which turns a creator's rows into the pure inputs of
`authors.analysis`; the rules are in `authors.services`), so lists and analyses agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OrderBy,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from authors.analysis import MusicKey, ProfileInput, SnapshotInput, VideoInput
from authors.models import Author, AuthorAnalysis, AuthorSource
from music.models import Music, MusicFeatures, MusicSource
from musicrec.core.descriptors import Descriptor, Label
from musicrec.core.models import AnalysisStatus, Platform
from musicrec.core.relations import related_or_none
from videos.models import Video, VideoContentAnalysis, VideoMusic, VideoSource

# Freshest row first: never-scraped rows (no date) last, then the newest row.
LATEST_SCRAPE_FIRST: tuple[OrderBy | str, ...] = (
    F("last_scraped_at").desc(nulls_last=True),
    "-pk",
)
# Biggest creators first, unknown reach (artists, unscraped rows) after them, then by name.
DEFAULT_ORDERING: tuple[OrderBy | str, ...] = (
    F("followers").desc(nulls_last=True),
    "name",
    "pk",
)


def _account_value(field: str) -> Subquery:
    accounts = AuthorSource.objects.filter(
        author=OuterRef("pk"), platform=Platform.TIKTOK
    ).order_by(*LATEST_SCRAPE_FIRST)
    return Subquery(accounts.values(field)[:1])


def normalise_handle(handle: str) -> str:
    """A handle as stored: without surrounding spaces and the leading "@"."""
    return handle.strip().lstrip("@").strip()


def author_list_filter(
    queryset: QuerySet[Author],
    *,
    search: str | None = None,
    tier: str | None = None,
    category: str | None = None,
) -> QuerySet[Author]:
    """Narrow an `author_list` queryset; the API's FilterSet applies the same rules.

    `search` matches the name, any account's handle or display name (case-insensitive, "@"
    ignored); `tier` and `category` match the stored analysis (its main content category).
    """
    if search and (text := normalise_handle(search)):
        accounts = AuthorSource.objects.filter(author=OuterRef("pk")).filter(
            Q(handle__icontains=text) | Q(display_name__icontains=text)
        )
        queryset = queryset.filter(Q(name__icontains=text) | Exists(accounts))
    if tier:
        queryset = queryset.filter(analysis__tier=tier)
    if category:
        queryset = queryset.filter(analysis__top_category=category)
    return queryset


def author_list(
    *,
    search: str | None = None,
    tier: str | None = None,
    category: str | None = None,
    is_creator: bool | None = None,
    ordering: Sequence[OrderBy | str] | None = DEFAULT_ORDERING,
) -> QuerySet[Author]:
    """Authors annotated with their TikTok handle, followers and verified flag and with the
    stored analysis's key figures, so a list row needs no further query.

    Annotations: handle, followers, verified (from the TikTok account), tier,
    engagement_rate_by_views, videos_per_week, top_category, analysis_status, analyzed_at
    (null when not analysed yet).
    """
    queryset = Author.objects.annotate(
        handle=_account_value("handle"),
        followers=_account_value("followers"),
        verified=_account_value("verified"),
        tier=F("analysis__tier"),
        engagement_rate_by_views=F("analysis__engagement_rate_by_views"),
        videos_per_week=F("analysis__videos_per_week"),
        top_category=F("analysis__top_category"),
        analysis_status=F("analysis__status"),
        analyzed_at=F("analysis__analyzed_at"),
    )
    if is_creator is not None:
        queryset = queryset.filter(is_creator=is_creator)
    queryset = author_list_filter(queryset, search=search, tier=tier, category=category)
    if ordering:
        queryset = queryset.order_by(*ordering)
    return queryset


def _every_account() -> Prefetch:
    return Prefetch(
        "sources", queryset=AuthorSource.objects.order_by("platform", *LATEST_SCRAPE_FIRST)
    )


def author_detail_list() -> QuerySet[Author]:
    """`author_list` rows with every account and the full stored analysis loaded."""
    return author_list(ordering=None).select_related("analysis").prefetch_related(_every_account())


def author_get(author_id: int) -> Author | None:
    return author_detail_list().filter(pk=author_id).first()


def author_page_get(author_id: int) -> Author | None:
    """One author as their dashboard page reads them: every account and the stored analysis,
    without the list's annotations (their subqueries cost more to build than to run)."""
    queryset = Author.objects.select_related("analysis").prefetch_related(_every_account())
    return queryset.filter(pk=author_id).first()


def author_get_by_handle(handle: str) -> Author | None:
    """The author with an account of this handle: case-insensitive, "@" optional; a TikTok
    account wins over another platform's, then the most recently scraped one."""
    wanted = normalise_handle(handle)
    if not wanted:
        return None
    author_id = (
        AuthorSource.objects.filter(handle__iexact=wanted)
        .annotate(
            not_tiktok=Case(
                When(platform=Platform.TIKTOK, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("not_tiktok", *LATEST_SCRAPE_FIRST)
        .values_list("author_id", flat=True)
        .first()
    )
    return author_get(author_id) if author_id is not None else None


# --- the creator page ---------------------------------------------------------------------------


def author_track_pages(
    author_id: int, tracks: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """{(title, artist): Music id} for the listed tracks among the sounds of the creator's
    videos, matched by title and artist as the analysis names them (the lowest id wins
    when two tracks share both)."""
    titles = {title for title, _ in tracks}
    if not titles:
        return {}
    used = (
        Music.objects.filter(video_links__video__author_id=author_id, title__in=titles)
        .values_list("title", "artist_name", "pk")
        .distinct()
        .order_by("pk")
    )
    pages: dict[tuple[str, str], int] = {}
    for title, artist, pk in used:
        pages.setdefault((title or "", artist or ""), pk)
    return pages


def author_analysis_get(author_id: int) -> AuthorAnalysis | None:
    return AuthorAnalysis.objects.select_related("author").filter(author_id=author_id).first()


def creator_count() -> int:
    return Author.objects.filter(is_creator=True).count()


# --- the profile analysis's inputs ---------------------------------------------------------------

# A category label stored without a confidence (set by a curator, say) is taken as certain.
UNSTATED_CATEGORY_CONFIDENCE = 1.0


@dataclass
class AuthorInputs:
    """The pure analysis inputs for one creator, plus what the loader had to leave out."""

    profile: ProfileInput
    videos: list[VideoInput]
    snapshots: list[SnapshotInput]
    notes: list[str] = field(default_factory=list)


def _weights(value: Any) -> dict[str, float]:
    """A JSON weights column as {label: weight}; anything malformed counts as no weights."""
    if not isinstance(value, dict):
        return {}
    return {
        str(k): float(v)
        for k, v in value.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }


def _descriptor_or_none(descriptor: Descriptor) -> Descriptor | None:
    numbers = (
        descriptor.tempo_bpm,
        descriptor.energy,
        descriptor.valence,
        descriptor.arousal,
        descriptor.danceability,
    )
    if all(v is None for v in numbers) and not descriptor.genres and not descriptor.moods:
        return None
    return descriptor


def music_descriptor(features: MusicFeatures | None) -> Descriptor | None:
    """The track's point in the shared space, or None when nothing usable is stored.

    A failed analysis may still carry catalogue values from before, but a failure means the row
    is not trusted, so it contributes nothing.
    """
    if features is None or features.status == AnalysisStatus.FAILED:
        return None
    return _descriptor_or_none(
        Descriptor(
            tempo_bpm=features.tempo_bpm,
            energy=features.energy,
            valence=features.valence,
            arousal=features.arousal,
            danceability=features.danceability,
            genres=_weights(features.genres),
            moods=_weights(features.moods),
        )
    )


def content_descriptor(analysis: VideoContentAnalysis | None) -> Descriptor | None:
    """What the video itself shows and sounds like. Moods come from the stored detail (the
    analysis's full mood weights) and fall back to the top mood alone."""
    if analysis is None or analysis.status == AnalysisStatus.FAILED:
        return None
    detail = analysis.detail if isinstance(analysis.detail, dict) else {}
    moods = _weights(detail.get("moods"))
    if not moods and analysis.top_mood:
        moods = {analysis.top_mood: 1.0}
    return _descriptor_or_none(
        Descriptor(
            tempo_bpm=analysis.tempo_bpm,
            energy=analysis.energy,
            valence=analysis.valence,
            arousal=analysis.arousal,
            danceability=analysis.danceability,
            moods=moods,
        )
    )


def content_category(analysis: VideoContentAnalysis | None) -> Label | None:
    if analysis is None or analysis.status == AnalysisStatus.FAILED or not analysis.category:
        return None
    confidence = analysis.category_confidence
    return Label(
        value=analysis.category,
        source=analysis.category_source or "unknown",
        confidence=UNSTATED_CATEGORY_CONFIDENCE if confidence is None else confidence,
    )


def music_key(music: Music) -> MusicKey:
    """The sound as the analysis keys it: TikTok's music id, as the platform reports it."""
    tiktok_ids = [s.external_id for s in getattr(music, "tiktok_sources", [])]
    return MusicKey(
        id=tiktok_ids[0] if tiktok_ids else "",
        title=music.title or "",
        artist=music.artist_name or "",
        is_original=music.is_original_sound,
    )


def author_analysis_videos(author_id: int) -> QuerySet[Video]:
    """Every video of the author with what the analysis reads, in a fixed number of queries:
    the videos (+ content analysis), their TikTok posts, their primary sounds (+ music and
    features), and those sounds' TikTok ids."""
    primary_links = (
        VideoMusic.objects.filter(is_primary=True)
        .select_related("music", "music__features")
        .prefetch_related(
            Prefetch(
                "music__sources",
                queryset=MusicSource.objects.filter(platform=Platform.TIKTOK).order_by("pk"),
                to_attr="tiktok_sources",
            )
        )
        .order_by("pk")
    )
    return (
        Video.objects.filter(author_id=author_id)
        .select_related("content_analysis")
        .prefetch_related(
            Prefetch(
                "sources",
                queryset=VideoSource.objects.filter(platform=Platform.TIKTOK).order_by(
                    *LATEST_SCRAPE_FIRST
                ),
                to_attr="tiktok_sources",
            ),
            Prefetch("music_links", queryset=primary_links, to_attr="primary_links"),
        )
        .order_by("posted_at", "pk")
    )


def _video_input(video: Video, post: VideoSource) -> VideoInput:
    links = getattr(video, "primary_links", [])
    music = links[0].music if links else None
    analysis = related_or_none(video, "content_analysis")
    return VideoInput(
        external_id=post.external_id,
        posted_at=video.posted_at,
        views=post.views,
        likes=post.likes,
        comments=post.comments,
        shares=post.shares,
        saves=post.saves,
        hashtags=tuple(str(t) for t in (video.hashtags or []) if t),
        music=music_key(music) if music is not None else None,
        music_descriptor=music_descriptor(related_or_none(music, "features")) if music else None,
        content=content_descriptor(analysis),
        category=content_category(analysis),
    )


def author_inputs(*, author: Author) -> AuthorInputs:
    """Load one creator's rows and turn them into the pure analysis inputs."""
    account: AuthorSource | None = (
        AuthorSource.objects.filter(author=author, platform=Platform.TIKTOK)
        .order_by(*LATEST_SCRAPE_FIRST)
        .prefetch_related("snapshots")
        .first()
    )
    notes: list[str] = []
    if account is None:
        profile = ProfileInput()
        snapshots: list[SnapshotInput] = []
        notes.append("No TikTok account linked: profile counts and growth are empty.")
    else:
        profile = ProfileInput(
            followers=account.followers,
            following=account.following,
            likes_total=account.likes_total,
            video_count=account.video_count,
            is_private=account.is_private,
            verified=account.verified,
        )
        snapshots = [
            SnapshotInput(taken_at=s.taken_at, followers=s.followers, likes_total=s.likes_total)
            for s in account.snapshots.all()
        ]

    videos: list[VideoInput] = []
    ads = undated = 0
    for video in author_analysis_videos(author.pk):
        posts = getattr(video, "tiktok_sources", [])
        if not posts:
            continue  # not a TikTok post: not part of this account's feed
        post = posts[0]
        if post.is_ad:
            ads += 1
        elif video.posted_at is None:
            undated += 1
        else:
            videos.append(_video_input(video, post))
    if ads:
        notes.append(f"{ads} ad{'s' if ads != 1 else ''} left out: paid reach is not organic.")
    if undated:
        notes.append(
            f"{undated} video{'s' if undated != 1 else ''} without a posting date left out."
        )
    return AuthorInputs(profile=profile, videos=videos, snapshots=snapshots, notes=notes)
