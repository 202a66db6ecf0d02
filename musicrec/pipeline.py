"""Analyse an influencer end to end: fetch or receive the scrape, store it, analyse, profile.

The one use case that spans apps. Two ways in, one Job shape:

- `analyze_influencer_enqueue(handle=...)` or `(author_id=...)` validates the request, creates
  the Job and queues `analyze_influencer` on a worker once the transaction commits;
- `scrape_submit(result)` is the one path for a scrape someone sends (the API's JSON body or
  file, the dashboard's form, the admin's upload page): its parsed rows are stored in the
  request, in one transaction with the Job, which is queued by the creator's id. The broker
  carries ids only, never the scrape (up to SCRAPE_MAX_BYTES of JSON).

The task runs the steps below and reports progress on the Job:

    fetch   0-10   the configured scraper source (by handle only)
    store  10-25   musicrec.ingest.scrape_store, its own transaction (by handle only)
    spotify 25-30  music.services.spotify.music_enrich_many (identity only; skipped without keys)
    music  30-55   music.services.features.music_analyze_many (tracks of the scrape and creator)
    trends 55-60   music.services.trends.music_trends_refresh
    videos 60-90   videos.services.video_analyze_many (the creator's videos)
    profile 90-100 authors.services.author_analyze

Fetching, reading and storing are the job: when one fails the Job is FAILED with a readable
reason and nothing is written. Every later step is best effort: the stored scrape stays, the
other steps still run, and the Job ends PARTIAL with each problem listed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from authors.models import AuthorSource
from music.models import Music, MusicFeatures
from musicrec.core.jobs import (
    BatchSummary,
    ProgressFn,
    job_create,
    job_enqueue,
    job_fail,
    job_finish,
    job_progress,
    job_progress_fn,
    job_start,
)
from musicrec.core.models import Job, Platform
from musicrec.ingest import IngestSummary, scrape_store
from musicrec.platforms.scrapers import ScraperError, get_scraper_source, normalize_handle
from musicrec.platforms.tiktok import AuthorRecord, ScrapeError, ScrapeResult
from videos.models import Video, VideoMusic

logger = logging.getLogger(__name__)

TASK = "musicrec.pipeline.analyze_influencer"
_SCRAPER_SETTINGS = (
    "SCRAPER_SOURCE", "SCRAPER_FILE_DIR", "SCRAPE_MAX_BYTES", "SCRAPER_HTTP_BASE_URL",
    "SCRAPER_HTTP_TOKEN", "SCRAPER_HTTP_ACTOR", "SCRAPER_HTTP_TIMEOUT", "SCRAPER_HTTP_RETRIES",
    "SCRAPER_HTTP_BACKOFF", "SCRAPER_HTTP_RESULTS_PER_PAGE",
)  # fmt: skip


def analyze_influencer_enqueue(
    *,
    handle: str | None = None,
    author_id: int | None = None,
    user: Any = None,
    counts: dict[str, Any] | None = None,
) -> Job:
    """Create the Job and queue the analysis of one influencer, given exactly one of:

    - `handle`: fetched by the worker from the configured scraper source;
    - `author_id`: a creator already stored (an import, a submitted scrape): analysis only.

    `counts` start the Job's figures (a submitted scrape's ingest counts); the task adds its own.
    """
    if (handle is None) == (author_id is None):
        raise ValidationError("Give exactly one of handle or author_id.")
    if handle is not None:
        try:
            handle = normalize_handle(handle)
        except ScraperError as error:
            raise ValidationError({"handle": str(error)}) from None
        target = ("handle", handle, f"@{handle}")
        kwargs: dict[str, Any] = {"handle": handle}
    else:
        label = _author_label(author_id)
        if label is None:
            raise ValidationError({"author_id": f"no creator with id {author_id}"})
        target = ("author", author_id, label)
        kwargs = {"author_id": author_id}
    with transaction.atomic():
        job = job_create(
            kind=Job.Kind.ANALYZE_INFLUENCER,
            target_type=target[0],
            target_id=target[1],
            target_label=target[2],
            created_by=user,
            counts=counts,
        )
        job_enqueue(job, TASK, **kwargs)
    return job


@dataclass(frozen=True)
class SubmittedScrape:
    """What `scrape_submit` did: the rows it stored and the Job analysing the creator (if any)."""

    summary: IngestSummary
    author_id: int
    job: Job | None


def scrape_submit(
    result: ScrapeResult,
    *,
    user: Any = None,
    scraped_at: datetime | None = None,
    analyze: bool = True,
) -> SubmittedScrape:
    """Store a scrape someone sent and queue the analysis of its creator by id.

    The one path for the API, the dashboard and the admin: the rows and the Job are written in
    one transaction (a failure leaves neither), and the worker is handed the creator's id once
    it commits. Counts are dated `scraped_at`, else the scrape's own time, else now: a retried
    Job re-analyses what is stored and never stores a second set of snapshots. Relative media
    paths in a submitted scrape are left out (nothing a user sends is read from our folders).
    """
    main = _target_author(result, None)
    with transaction.atomic():
        summary = scrape_store(result=result, scraped_at=scraped_at)
        author_id = summary.authors_by_scrape_id[main.external_id]
        job = (
            analyze_influencer_enqueue(
                author_id=author_id, user=user, counts={"ingest": summary.as_counts()}
            )
            if analyze
            else None
        )
    return SubmittedScrape(summary=summary, author_id=author_id, job=job)


def analyze_influencer(
    job_id: int, *, handle: str | None = None, author_id: int | None = None
) -> None:
    """The task body (see the module docstring for the steps and their share of progress)."""
    job = job_start(job_id, "Fetching the scrape" if author_id is None else "Starting the analysis")
    counts: dict[str, Any] = dict(job.counts or {})
    music_ids: list[int] = []
    if author_id is None:
        try:
            result = _fetch(handle)
            author = _target_author(result, handle)
        except (ScrapeError, ScraperError) as error:
            job_fail(job_id, f"Could not read the scrape: {error}")
            return
        job_progress(job_id, 10, f"Storing {len(result.videos)} videos")
        try:
            summary = scrape_store(result=result, media_base=_media_base())
        except Exception as error:
            logger.exception("job %s: storing the scrape failed", job_id)
            job_fail(job_id, f"Could not store the scrape: {type(error).__name__}: {error}")
            return
        counts["ingest"] = summary.as_counts()
        music_ids = summary.music_ids
        author_id = summary.authors_by_scrape_id[author.external_id]
    label = _author_label(author_id)
    if label is None:
        job_fail(job_id, f"No creator with id {author_id}.")
        return
    Job.objects.filter(pk=job_id).update(
        target_type="author", target_id=str(author_id), target_label=label[:255]
    )
    job_progress(job_id, 25, "Analysing the music")

    video_ids = list(Video.objects.filter(author_id=author_id).values_list("pk", flat=True))
    used = VideoMusic.objects.filter(video__author_id=author_id).values_list("music_id", flat=True)
    music_ids = sorted({*music_ids, *used})
    problems: list[str] = []
    run = _StepRunner(job_id, counts, problems)
    run("spotify", 25, 30, lambda progress: _spotify_step(music_ids, progress))
    # Matching may merge a sound into the catalogue track of the same ISRC: drop merged ids.
    music_ids = sorted(Music.objects.filter(pk__in=music_ids).values_list("pk", flat=True))
    run("music", 30, 55, lambda progress: _music_step(music_ids, progress))
    run("trends", 55, 60, lambda progress: _trends_step(music_ids))
    run("videos", 60, 90, lambda progress: _videos_step(video_ids, progress))
    run("profile", 90, 100, lambda progress: _profile_step(author_id))
    message = f"Analysed {label}: {len(video_ids)} videos, {_tracks_phrase(music_ids)}"
    if problems:
        message += f" ({len(problems)} problem{'s' if len(problems) > 1 else ''})"
    job_finish(job_id, counts=counts, message=message, problems=problems)


# --- Steps --------------------------------------------------------------------------------------


def _spotify_step(music_ids: list[int], progress: ProgressFn) -> BatchSummary:
    from music.services.spotify import music_enrich_many

    return music_enrich_many(music_ids=music_ids, progress=progress)


def _music_step(music_ids: list[int], progress: ProgressFn) -> BatchSummary:
    from music.services.features import music_analyze_many

    return music_analyze_many(music_ids=music_ids, progress=progress)


def _trends_step(music_ids: list[int]) -> dict[str, int]:
    from music.services.trends import music_trends_refresh

    return {"updated": music_trends_refresh(music_ids=music_ids)}


def _videos_step(video_ids: list[int], progress: ProgressFn) -> BatchSummary:
    from videos.services import video_analyze_many

    # The profile step comes next: no separate profile analysis queued per creator.
    return video_analyze_many(video_ids=video_ids, progress=progress, analyze_authors=False)


def _profile_step(author_id: int) -> dict[str, Any]:
    from authors.services import author_analyze

    analysis = author_analyze(author_id=author_id)
    return {"status": analysis.status, "videos_analysed": analysis.videos_analysed}


class _StepRunner:
    """Runs one best-effort step: its progress slice, its counts, its problems; never raises."""

    def __init__(self, job_id: int, counts: dict[str, Any], problems: list[str]) -> None:
        self.job_id, self.counts, self.problems = job_id, counts, problems

    def __call__(self, name: str, start: int, end: int, step: Callable[[ProgressFn], Any]) -> None:
        job_progress(self.job_id, start, f"Step {name}")
        try:
            outcome = step(job_progress_fn(self.job_id, start=start, end=end))
        except Exception as error:
            logger.exception("job %s: step %s failed", self.job_id, name)
            self.problems.append(f"{name}: {type(error).__name__}: {error}")
            return
        if isinstance(outcome, BatchSummary):
            self.counts[name] = outcome.as_counts()
            self.problems.extend(f"{name}: {problem}" for problem in outcome.problems)
        else:
            self.counts[name] = outcome
        job_progress(self.job_id, end, f"Step {name} done")


# --- Helpers ------------------------------------------------------------------------------------


def _tracks_phrase(music_ids: list[int]) -> str:
    """The tracks part of a finished Job's message, saying how many have features when not all
    do ("13 tracks, none with audio or catalogue features"): "13 tracks" alone read as 13
    analysed tracks for a creators CSV, whose sounds come without audio."""
    described = (
        MusicFeatures.objects.filter(music_id__in=music_ids)
        .exclude(feature_source=MusicFeatures.FeatureSource.NONE)
        .count()
    )
    total = f"{len(music_ids)} track{'s' if len(music_ids) != 1 else ''}"
    if described == len(music_ids):
        return total
    if described == 0:
        return f"{total}, none with audio or catalogue features"
    return f"{total}, {described} with audio or catalogue features"


def _fetch(handle: str | None) -> ScrapeResult:
    if handle is None:
        raise ScraperError("nothing to analyse: give a handle")
    source = get_scraper_source(
        {name: getattr(settings, name) for name in _SCRAPER_SETTINGS if hasattr(settings, name)}
    )
    return source.fetch(handle)


def _target_author(result: ScrapeResult, handle: str | None) -> AuthorRecord:
    """The creator to analyse: the handle asked for, else the scrape's profile."""
    if handle is not None:
        author = result.author(handle)
        if author is None:
            raise ScrapeError(f"the scrape has no author @{handle}")
        return author
    author = result.main_author()
    if author is None:
        raise ScrapeError("the scrape holds no author")
    return author


def _media_base() -> Path | None:
    """Where relative media paths of fetched files live (SCRAPER_MEDIA_BASE), if configured."""
    base = getattr(settings, "SCRAPER_MEDIA_BASE", None)
    return Path(base) if base else None


def _author_label(author_id: int) -> str | None:
    """ "@handle" of the creator's latest TikTok account, else "author <id>"; None when no
    account of that creator is stored."""
    sources = AuthorSource.objects.filter(author_id=author_id)
    handle = (
        sources.filter(platform=Platform.TIKTOK)
        .exclude(handle="")
        .order_by("-last_scraped_at")
        .values_list("handle", flat=True)
        .first()
    )
    if handle:
        return f"@{handle}"
    return f"author {author_id}" if sources.exists() else None
