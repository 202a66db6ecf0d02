"""django-q2 entry points of the music app: thin wrappers that report on a Job."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from music.services import features, spotify, trends
from musicrec.core.jobs import BatchSummary, job_fail, job_finish, job_progress_fn, job_start


def _run_batch(job_id: int, start: str, run: Callable[..., BatchSummary], **kwargs: Any) -> dict:
    job_start(job_id, start)
    try:
        summary = run(progress=job_progress_fn(job_id), **kwargs)
    except Exception as exc:
        job_fail(job_id, f"{type(exc).__name__}: {exc}")
        raise
    message = f"{summary.done} done, {summary.skipped} skipped, {summary.failed} failed"
    job_finish(job_id, counts=summary.as_counts(), message=message, problems=summary.problems)
    return summary.as_counts()


def music_analyze_task(job_id: int, music_ids: list[int], force: bool = False) -> dict:
    """Analyse the tracks' audio (features, genre, moods); per-track failures end up in the Job."""
    return _run_batch(
        job_id, "Analysing music", features.music_analyze_many, music_ids=music_ids, force=force
    )


def music_enrich_task(job_id: int, music_ids: list[int]) -> dict:
    """Match the tracks on Spotify; without credentials the Job says it was skipped."""
    if not spotify.spotify_enabled():
        job_start(job_id, "Matching on Spotify")
        summary = spotify.music_enrich_many(music_ids=music_ids)  # logs the reason once
        job_finish(
            job_id,
            counts=summary.as_counts(),
            message="Skipped: Spotify is not configured (SPOTIFY_CLIENT_ID/SECRET)",
        )
        return summary.as_counts()
    return _run_batch(job_id, "Matching on Spotify", spotify.music_enrich_many, music_ids=music_ids)


def music_trends_task() -> int:
    """Nightly: recompute popularity percentiles, usage growth and early-trend flags."""
    return trends.music_trends_refresh()
