"""Services for Job rows: every background use case reports its progress through these.

Progress writes go through `.update()` on the one row, outside any surrounding transaction's
rows, so a long task can report while it works and a failure still leaves a readable record.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from musicrec.core.models import Job

logger = logging.getLogger(__name__)

ProgressFn = Callable[[int, str], None]


def job_create(
    *,
    kind: str,
    target_type: str = "",
    target_id: str | int = "",
    target_label: str = "",
    created_by: Any = None,
) -> Job:
    job = Job(
        kind=kind,
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label[:255],
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
    )
    job.full_clean()
    job.save()
    return job


def job_enqueue(job: Job, func: str, *args: Any, **kwargs: Any) -> None:
    """Queue `func(job_id, *args)` on a worker once the current transaction commits.

    Workers must never see a Job (or the rows it points at) that is not committed yet.
    """
    from django_q.tasks import async_task

    def _send() -> None:
        task_id = async_task(func, job.pk, *args, task_name=f"job-{job.pk}", **kwargs)
        if isinstance(task_id, str):
            Job.objects.filter(pk=job.pk, task_id="").update(task_id=task_id[:64])

    transaction.on_commit(_send)


def job_start(job_id: int, message: str = "Started") -> Job:
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), message=message[:255], progress=0
    )
    return Job.objects.get(pk=job_id)


def job_progress(job_id: int, progress: int, message: str = "") -> None:
    Job.objects.filter(pk=job_id).update(
        progress=max(0, min(100, int(progress))), message=message[:255]
    )


def job_progress_fn(job_id: int, *, start: int = 0, end: int = 100) -> ProgressFn:
    """A callback that maps a step's own 0-100 onto the [start, end] slice of the job."""

    def report(percent: int, message: str) -> None:
        job_progress(job_id, start + (end - start) * max(0, min(100, percent)) // 100, message)

    return report


def job_finish(
    job_id: int,
    *,
    counts: dict[str, Any] | None = None,
    message: str = "Done",
    problems: list[str] | None = None,
) -> None:
    status = Job.Status.PARTIAL if problems else Job.Status.SUCCEEDED
    Job.objects.filter(pk=job_id).update(
        status=status,
        progress=100,
        message=message[:255],
        counts=counts or {},
        error="\n".join(problems or []),
        finished_at=timezone.now(),
    )


def job_fail(job_id: int, error: str, *, counts: dict[str, Any] | None = None) -> None:
    logger.warning("job %s failed: %s", job_id, error)
    fields: dict[str, Any] = {
        "status": Job.Status.FAILED,
        "error": error,
        "message": error.splitlines()[0][:255] if error else "Failed",
        "finished_at": timezone.now(),
    }
    if counts is not None:
        fields["counts"] = counts
    Job.objects.filter(pk=job_id).update(**fields)


@dataclass
class BatchSummary:
    """What a batch step did: per-item failures are recorded and the batch goes on."""

    done: int = 0
    failed: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)

    def as_counts(self) -> dict[str, int]:
        return {"done": self.done, "failed": self.failed, "skipped": self.skipped}
