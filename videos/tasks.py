"""django-q2 entry points of the videos app: take ids, call one service, report on the Job."""

from __future__ import annotations

from collections.abc import Sequence

from musicrec.core.jobs import job_fail, job_finish, job_progress_fn, job_start
from videos import services


def video_analyze_task(job_id: int, video_ids: Sequence[int], force: bool = False) -> dict:
    """Analyse the videos' content under a Job (queued by `video_analysis_enqueue`).

    Per-video failures end up in the Job's problems (PARTIAL); it fails only when the batch
    itself could not run, or when every video failed.
    """
    job_start(job_id, "Analysing videos")
    try:
        summary = services.video_analyze_many(
            video_ids=list(video_ids), progress=job_progress_fn(job_id), force=force
        )
    except Exception as exc:
        job_fail(job_id, f"{type(exc).__name__}: {exc}")
        raise
    counts = summary.as_counts()
    if summary.failed and not summary.done and not summary.skipped:
        job_fail(job_id, "\n".join(summary.problems), counts=counts)
        return counts
    message = f"{summary.done} analysed, {summary.skipped} skipped, {summary.failed} failed"
    job_finish(job_id, counts=counts, message=message, problems=summary.problems)
    return counts
