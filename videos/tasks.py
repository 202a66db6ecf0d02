"""django-q2 entry points of the videos app: take ids, call one service, report on the Job."""

from __future__ import annotations

from collections.abc import Sequence

from musicrec.core.jobs import job_run_batch
from videos import services


def video_analyze_task(job_id: int, video_ids: Sequence[int], force: bool = False) -> dict:
    """Analyze the videos' content under a Job (queued by `video_analysis_enqueue`); per-video
    failures are listed and the Job ends by the batch rule (`musicrec.core.jobs.batch_status`)."""
    return job_run_batch(
        job_id,
        services.video_analyze_many,
        label="Videos",
        start="Analysing videos",
        video_ids=list(video_ids),
        force=force,
    )
