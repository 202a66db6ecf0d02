"""Services for Job rows: every background use case reports its progress through these.

Progress writes go through `.update()` on the one row, outside any surrounding transaction's
rows, so a long task can report while it works and a failure still leaves a readable record.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from musicrec.core.errors import public_message
from musicrec.core.models import Job

logger = logging.getLogger(__name__)

ProgressFn = Callable[[int, str], None]
# What a job queued is kept on the row for a retry, up to this size as JSON: ids and flags are a
# few bytes; a whole scrape sent with the request is not worth a second copy in the database.
TASK_SPEC_MAX_CHARS = 64 * 1024


def job_create(
    *,
    kind: str,
    target_type: str = "",
    target_id: str | int = "",
    target_label: str = "",
    created_by: Any = None,
    retry_of: Job | None = None,
    counts: dict[str, Any] | None = None,
) -> Job:
    job = Job(
        kind=kind,
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label[:255],
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
        retry_of=retry_of,
        counts=counts or {},
    )
    job.full_clean()
    job.save()
    return job


def job_enqueue(job: Job, func: str, *args: Any, **kwargs: Any) -> None:
    """Queue `func(job_id, *args)` on a worker once the current transaction commits.

    Workers must never see a Job (or the rows it points at) that is not committed yet. What is
    queued is kept on the Job (`task`) so a curator can retry it if it fails.
    """
    job.task = _task_spec(func, args, kwargs)
    Job.objects.filter(pk=job.pk).update(task=job.task)
    job_send_on_commit(job.pk, func, args, kwargs)


def job_send_on_commit(job_id: int, func: str, args: Sequence[Any], kwargs: dict[str, Any]) -> None:
    """Hand `func(job_id, *args, **kwargs)` to the broker once the transaction commits.

    A broker that cannot be reached (Redis down) fails the Job there and then, with the reason,
    before the error goes on to the caller: a Job nobody queued must not wait as "queued".
    """
    from django_q.conf import Conf
    from django_q.tasks import async_task

    def _send() -> None:
        try:
            task_id = async_task(func, job_id, *args, task_name=job_task_name(job_id), **kwargs)
        except Exception as error:
            if Conf.SYNC:  # no broker: the task ran here, and the error is its own
                raise
            logger.exception("job %s: the task could not be queued", job_id)
            job_fail(
                job_id,
                f"Could not be queued: the task queue is unreachable ({type(error).__name__}).",
            )
            raise
        if isinstance(task_id, str):
            Job.objects.filter(pk=job_id, task_id="").update(task_id=task_id[:64])

    transaction.on_commit(_send)


def job_task_name(job_id: int) -> str:
    """The django-q task name of a Job's task: how a task's record is traced back to its Job."""
    return f"job-{job_id}"


def _task_spec(func: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """{"func", "args", "kwargs"} when they are small JSON; else the function and why not."""
    spec = {"func": func, "args": list(args), "kwargs": kwargs}
    try:
        size = len(json.dumps(spec))
    except (TypeError, ValueError):
        return {"func": "", "queued": func, "not_kept": "the arguments are not JSON"}
    if size > TASK_SPEC_MAX_CHARS:
        return {"func": "", "queued": func, "not_kept": "the scrape was sent with the request"}
    return spec


@transaction.atomic
def job_retry(*, job_id: int, user: Any = None) -> Job:
    """Queue a failed job's work again as a new Job (`retry_of` points back); returns it.

    Refused (ValidationError on "job") unless the job failed, what it queued is known, and it
    was not retried already: a second click must not queue the same work twice.
    """
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        raise ValidationError({"job": f"no job with id {job_id}"})
    if job.status != Job.Status.FAILED:
        raise ValidationError(
            {"job": f"job {job_id} is {job.get_status_display().lower()}: only failed jobs retry"}
        )
    if not job.can_retry:
        reason = (job.task or {}).get("not_kept") or "what it queued was not recorded"
        raise ValidationError({"job": f"job {job_id} cannot be retried: {reason}; start it again"})
    earlier = job.retries.order_by("pk").first()
    if earlier is not None:
        raise ValidationError({"job": f"job {job_id} was already retried as job {earlier.pk}"})
    retry = job_create(
        kind=job.kind,
        target_type=job.target_type,
        target_id=job.target_id,
        target_label=job.target_label,
        created_by=user,
        retry_of=job,
    )
    spec = job.task
    job_enqueue(retry, spec["func"], *spec.get("args", []), **spec.get("kwargs", {}))
    return retry


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
    status: str | None = None,
) -> None:
    """End the job: `status`, or by default partial when there are problems, else succeeded."""
    status = status or (Job.Status.PARTIAL if problems else Job.Status.SUCCEEDED)
    Job.objects.filter(pk=job_id).update(
        status=status,
        progress=100,
        message=public_message(message)[:255],
        counts=counts or {},
        error=public_message("\n".join(problems or [])),
        finished_at=timezone.now(),
    )


def job_fail(
    job_id: int, error: str, *, counts: dict[str, Any] | None = None, message: str = ""
) -> None:
    """End the job failed; its message is `message`, else the error's first line.

    What users read carries no server paths (`public_message`); the log keeps the full text.
    """
    logger.warning("job %s failed: %s", job_id, error)
    error = public_message(error)
    message = public_message(message)
    fields: dict[str, Any] = {
        "status": Job.Status.FAILED,
        "error": error,
        "message": (message or (error.splitlines()[0] if error else "") or "Failed")[:255],
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


def batch_status(summary: BatchSummary) -> str:
    """The one rule every batch job ends by, from its counts:

    - **failed** when nothing succeeded: no item was done and at least one failed;
    - **partial** when some failed: at least one item failed and at least one was done;
    - **succeeded** otherwise: every item was done or skipped. A skip is not a failure: the
      item needed nothing (analysed already, no longer exists, Spotify not configured).

    Whatever the status, every problem line of the batch is listed on the Job.
    """
    if summary.failed and not summary.done:
        return Job.Status.FAILED
    if summary.failed:
        return Job.Status.PARTIAL
    return Job.Status.SUCCEEDED


def job_run_batch(
    job_id: int,
    run: Callable[..., BatchSummary],
    *,
    label: str,
    start: str,
    note: str = "",
    **kwargs: Any,
) -> dict[str, int]:
    """Run one batch service under a Job and end the Job by `batch_status`; returns its counts.

    `run(progress=..., **kwargs)` reports per item on the Job's bar and records each item's
    failure in its summary. `label` names the items in the final message ("Videos: 2 done,
    0 skipped, 1 failed"); `note` replaces the label when the caller knows why the batch does
    little ("Skipped: Spotify is not configured"). If the batch itself raises, the Job fails
    with the exception and the exception goes on to the worker, which records the task failed.
    The task's own arguments stay what was queued, so a failed job can be retried
    (`job_retry`).
    """
    job_start(job_id, start)
    try:
        summary = run(progress=job_progress_fn(job_id), **kwargs)
    except Exception as exc:
        job_fail(job_id, f"{type(exc).__name__}: {exc}")
        raise
    counts = summary.as_counts()
    tally = f"{summary.done} done, {summary.skipped} skipped, {summary.failed} failed"
    message = f"{note} ({tally})" if note else f"{label}: {tally}"
    problems = list(summary.problems)
    if summary.failed and not problems:
        problems = [f"{summary.failed} failed without a recorded reason"]
    status = batch_status(summary)
    if status == Job.Status.FAILED:
        job_fail(
            job_id,
            "\n".join(problems),
            counts=counts,
            message=f"{label}: nothing succeeded ({tally})",
        )
    else:
        job_finish(job_id, counts=counts, message=message, problems=problems, status=status)
    return counts
