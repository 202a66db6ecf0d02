"""Profile analysis use cases: turn stored rows into the pure inputs, run it, store the result.

`author_analyze` is what the pipeline calls after an ingest and what the worker task, the admin
action, the API and `manage.py analyze_authors` run. The figures themselves come from the pure
`authors.analysis` package; this module only decides which rows feed it:

- the creator's TikTok account (the most recently scraped one when there are several) gives the
  profile counts and the stat snapshots;
- their videos that have a TikTok post give the per-video stats (latest counts on the post),
  hashtags and posting time; the primary sound (`VideoMusic.is_primary`) with its stored
  `MusicFeatures` and the video's `VideoContentAnalysis` add the descriptors and the category;
- ads (`VideoSource.is_ad`) are left out: a paid placement's reach is bought, so it would
  inflate views and engagement and says nothing about the creator's organic audience;
- pinned posts stay in and count by their posting date like any other post. Pinning only changes
  the order a profile shows them in, and the window is chosen by date, so an old pinned hit is
  never pulled into the window because it is pinned, and a recent pinned post is a real post;
- videos without a posting date cannot be placed in the window and are left out (a note says so).

Loading takes a fixed number of queries whatever the number of videos (prefetching); the test
suite asserts it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from authors import selectors
from authors.analysis import (
    ANALYSIS_VERSION,
    STATUS_NO_RECENT_VIDEOS,
    STATUS_NO_VIDEOS,
    STATUS_NO_VIEWS,
    STATUS_OK,
    STATUS_PRIVATE,
    AuthorMetrics,
    MusicKey,
    ProfileInput,
    SnapshotInput,
    VideoInput,
    analyze_author,
)
from authors.models import Author, AuthorAnalysis, AuthorSource
from music.models import Music, MusicFeatures, MusicSource
from musicrec.core.descriptors import Descriptor, Label
from musicrec.core.jobs import BatchSummary, job_create, job_enqueue
from musicrec.core.models import AnalysisStatus, Job, Platform
from musicrec.core.relations import related_or_none
from videos.models import Video, VideoContentAnalysis, VideoMusic, VideoSource

logger = logging.getLogger(__name__)

ProgressFn = Callable[[int, str], None]

# The pure analysis explains *why* figures are missing; the stored status says how complete the
# analysis is: nothing to analyse, some figures only, or everything the data allows.
STATUS_TO_ANALYSIS_STATUS: dict[str, str] = {
    STATUS_OK: AnalysisStatus.OK,
    STATUS_PRIVATE: AnalysisStatus.EMPTY,
    STATUS_NO_VIDEOS: AnalysisStatus.EMPTY,
    STATUS_NO_RECENT_VIDEOS: AnalysisStatus.PARTIAL,
    STATUS_NO_VIEWS: AnalysisStatus.PARTIAL,
}
# A category label stored without a confidence (set by a curator, say) is taken as certain.
UNSTATED_CATEGORY_CONFIDENCE = 1.0


@dataclass
class AuthorInputs:
    """The pure analysis inputs for one creator, plus what the loader had to leave out."""

    profile: ProfileInput
    videos: list[VideoInput]
    snapshots: list[SnapshotInput]
    notes: list[str] = field(default_factory=list)


# --- reading the rows -------------------------------------------------------------------------


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


def _videos_queryset(author_id: int):
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
                    *selectors.LATEST_SCRAPE_FIRST
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
        .order_by(*selectors.LATEST_SCRAPE_FIRST)
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
    for video in _videos_queryset(author.pk):
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


# --- storing the result -----------------------------------------------------------------------


def analysis_columns(metrics: AuthorMetrics) -> dict[str, Any]:
    """The typed columns lists sort and filter by, copied from the result they summarise."""
    categories = metrics.content.top_categories
    profile = metrics.content_profile
    return {
        "tier": metrics.reach.tier or "",
        "followers": metrics.reach.followers,
        "videos_analysed": metrics.window.videos_analysed,
        "median_views": metrics.performance.median_views,
        "engagement_rate_by_views": metrics.engagement.engagement_rate_by_views,
        "engagement_rate_by_followers": metrics.engagement.engagement_rate_by_followers,
        "videos_per_week": metrics.cadence.videos_per_week,
        "viral_hit_share": metrics.cadence.viral_hit_share,
        "followers_gained_per_day": metrics.growth.followers_gained_per_day,
        "original_sound_share": metrics.music.original_sound_share,
        "top_category": categories[0].category if categories else "",
        "profile_tempo_bpm": profile.tempo_bpm,
        "profile_energy": profile.energy,
        "profile_valence": profile.valence,
        "profile_arousal": profile.arousal,
        "profile_danceability": profile.danceability,
    }


def author_analysis_store(
    *, author: Author, metrics: AuthorMetrics, analyzed_at: datetime, notes: Sequence[str] = ()
) -> AuthorAnalysis:
    """Write (or overwrite) the creator's one AuthorAnalysis row.

    `metrics` holds `to_dict()` exactly as the pure analysis returned it; the `notes` column adds
    what the loader left out (ads, undated videos) to the analysis's own notes.
    """
    values: dict[str, Any] = {
        "status": STATUS_TO_ANALYSIS_STATUS[metrics.status],
        "version": ANALYSIS_VERSION,
        "analyzed_at": analyzed_at,
        "metrics": metrics.to_dict(),
        "notes": [*metrics.notes, *notes],
        **analysis_columns(metrics),
    }
    AuthorAnalysis(author=author, **values).clean_fields(exclude=["author"])
    # update_or_create runs in its own transaction and locks the row, so two workers analysing
    # the same creator cannot interleave; the loser of a race on a first insert updates instead.
    analysis, _ = AuthorAnalysis.objects.update_or_create(author=author, defaults=values)
    return analysis


def author_analyze(*, author_id: int, now: datetime | None = None) -> AuthorAnalysis:
    """Compute and store one creator's profile analysis; raises Author.DoesNotExist.

    `now` fixes the analysis clock (the window end). It defaults to the creator's latest scrape:
    the figures describe the creator as the data last saw them, so an analysis re-run months
    later (or on the demo set) does not empty its 90-day window just because time passed. With
    no snapshot at all it is the current time. A creator with no videos, no views or a private
    account gets an analysis that says so.
    """
    author = Author.objects.get(pk=author_id)
    inputs = author_inputs(author=author)
    if now is None:
        now = max((s.taken_at for s in inputs.snapshots), default=None) or timezone.now()
    metrics = analyze_author(
        inputs.profile,
        inputs.videos,
        inputs.snapshots,
        now=now,
        window_videos=settings.AUTHOR_WINDOW_VIDEOS,
        window_days=settings.AUTHOR_WINDOW_DAYS,
    )
    return author_analysis_store(
        author=author, metrics=metrics, analyzed_at=now, notes=inputs.notes
    )


def author_analyze_many(
    *,
    author_ids: Sequence[int],
    progress: ProgressFn | None = None,
    now: datetime | None = None,
) -> BatchSummary:
    """Analyse several creators; one creator's failure is recorded and the batch goes on."""
    summary = BatchSummary()
    total = len(author_ids)
    for index, author_id in enumerate(author_ids):
        try:
            author_analyze(author_id=author_id, now=now)
        except Author.DoesNotExist:
            summary.skipped += 1
            summary.problems.append(f"author {author_id}: no longer exists")
        except Exception as exc:
            logger.exception("profile analysis of author %s failed", author_id)
            summary.failed += 1
            summary.problems.append(f"author {author_id}: {type(exc).__name__}: {exc}")
        else:
            summary.done += 1
        if progress is not None:
            progress((index + 1) * 100 // total, f"Analysed {index + 1} of {total} profiles")
    return summary


# --- background work ----------------------------------------------------------------------------


def author_analysis_enqueue(*, author_id: int) -> None:
    """Recompute the creator's analysis on a worker once the current transaction commits.

    Called when their data changed (an ingest, their videos' content analyses finishing), so the
    worker must see the committed rows.
    """
    from django_q.tasks import async_task

    transaction.on_commit(
        lambda: async_task(
            "authors.tasks.author_analyze_task",
            author_id,
            task_name=f"author-analysis-{author_id}",
        )
    )


def author_analysis_job_enqueue(*, author_ids: Sequence[int], user: Any = None) -> Job:
    """A Job that analyses these creators on a worker; the API answers with it (202)."""
    ids = [int(i) for i in author_ids]
    label = ""
    if len(ids) == 1:
        author = Author.objects.filter(pk=ids[0]).only("name").first()
        label = author.name if author is not None else ""
    job = job_create(
        kind=Job.Kind.AUTHOR_ANALYSIS,
        target_type="author" if len(ids) == 1 else "authors",
        target_id=ids[0] if len(ids) == 1 else ",".join(map(str, ids))[:128],
        target_label=label or f"{len(ids)} creators",
        created_by=user,
    )
    job_enqueue(job, "authors.tasks.author_analyze_many_task", ids)
    return job
