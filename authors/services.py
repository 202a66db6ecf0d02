"""Profile analysis use cases: turn stored rows into the pure inputs, run it, store the result.

`author_analyze` is what the pipeline calls after an ingest and what the worker task, the admin
action, the API and `manage.py analyze_authors` run. The figures themselves come from the pure
`authors.analysis` package; `authors.selectors.author_inputs` reads the rows that feed it and
this module runs the analysis and stores its result. The rows read:

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
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
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
    analyze_author,
)
from authors.models import Author, AuthorAnalysis
from musicrec.core.jobs import BatchSummary, job_create, job_enqueue
from musicrec.core.models import AnalysisStatus, Job

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
    inputs = selectors.author_inputs(author=author)
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
