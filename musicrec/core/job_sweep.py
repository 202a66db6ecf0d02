"""Jobs never stay queued or running forever: end (or queue again) those whose task is gone.

A Job is ended by its own task (`job_finish` / `job_fail`). When the task cannot do that, the
Job would say "queued" or "running" for ever. Two mechanisms close the gap:

- `job_task_ended`, on django-q2's `post_execute` signal, ends the Job of a task that stopped
  without ending it: past its time limit (django-q raises SystemExit in the task, which the
  tasks' `except Exception` does not catch), or failing before our code ran (an import error);
- `job_sweep`, every minute (`manage.py setup_schedules`), decides for each active Job from what
  the worker side recorded:

  1. its task has a result (django-q's Task row) but the Job is not ended -> **failed**, with
     the task's reason (the signal above was missed: the monitor stopped, say);
  2. running past the time limit (Q_TIMEOUT) with no result, and not held by the broker -> the
     worker died mid-task (SIGKILL, out of memory, a machine restart; the Redis broker forgets a
     task once a cluster took it) -> **queued again** as the same Job, up to Q_CLUSTER's
     max_attempts, then **failed**. The ORM broker still holds such a task (locked until
     Q_RETRY) and presents it again itself: the sweep leaves it to it;
  3. queued but never handed to the broker (no task id) for a minute -> **failed** ("could not
     be queued": the broker was down when it was sent);
  4. queued, handed to the broker, no longer in it and never started, for longer than a cluster
     can hold a task before a worker starts it -> **failed**: no worker could load it. A worker
     whose DJANGO_SECRET_KEY differs from the web server's drops such a task ("BadSignature"
     in its log), and nothing else would ever tell the Job.

Error texts carry no server paths (`jobs.job_fail`) and no tracebacks (first line only).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from musicrec.core.job_selectors import ACTIVE_STATUSES
from musicrec.core.jobs import job_fail, job_send_on_commit, job_task_name
from musicrec.core.models import Job

logger = logging.getLogger(__name__)

# Slack for clocks, progress writes and the sweep's own period.
GRACE = timedelta(seconds=60)
_TIMEOUT_TEXT = "Task exceeded maximum timeout value"


@dataclass
class SweepSummary:
    """What one sweep did, by Job id."""

    failed: list[int] = field(default_factory=list)
    requeued: list[int] = field(default_factory=list)
    watching: list[int] = field(default_factory=list)  # missing from the queue, within the limit

    def as_dict(self) -> dict[str, list[int]]:
        return {"failed": self.failed, "requeued": self.requeued, "watching": self.watching}


@dataclass(frozen=True)
class _Limits:
    timeout: timedelta | None  # None: tasks may run for ever (Q_TIMEOUT unset)
    max_attempts: int
    hold: timedelta | None  # the longest a cluster can hold a task before starting it

    @classmethod
    def from_settings(cls) -> _Limits:
        cluster = settings.Q_CLUSTER
        seconds = cluster.get("timeout")
        if not seconds or seconds < 0:
            return cls(None, int(cluster.get("max_attempts") or 1), None)
        workers = max(1, int(cluster.get("workers") or 1))
        # django-q's pusher holds one task and its queue `queue_limit` more (workers² by
        # default) for the cluster's workers, each task taking up to the time limit.
        held = int(cluster.get("queue_limit") or workers**2) + 1
        return cls(
            timedelta(seconds=seconds),
            max(1, int(cluster.get("max_attempts") or 1)),
            timedelta(seconds=math.ceil(held / workers) * seconds),
        )


def job_sweep(*, now: datetime | None = None) -> SweepSummary:
    """Fail or re-queue every active Job whose task is gone (module docstring, rules 1-4)."""
    from django_q.models import Task

    now = now or timezone.now()
    limits = _Limits.from_settings()
    summary = SweepSummary()
    active = list(Job.objects.filter(status__in=ACTIVE_STATUSES).order_by("pk"))
    if not active:
        return summary
    results = {
        task.id: task
        for task in Task.objects.filter(id__in=[job.task_id for job in active if job.task_id])
    }
    held = _held_task_ids()
    for job in active:
        result = results.get(job.task_id)
        if result is not None:
            _fail_if(job, task_reason(result.success, result.result), summary)
        elif job.status == Job.Status.RUNNING:
            _sweep_running(job, now, limits, held, summary)
        elif not job.task_id:
            if job.created_at + GRACE < now:
                reason = "Could not be queued: it never reached the task queue. Start it again."
                _fail_if(job, reason, summary)
        else:
            _sweep_queued(job, now, limits, held, summary)
    if summary.failed or summary.requeued:
        logger.warning("job sweep: %s", summary.as_dict())
    return summary


def job_task_ended(task: dict[str, Any]) -> None:
    """End the Job of a task that failed without ending it (django-q2's post_execute, sent by
    the cluster's monitor once the task's result is saved)."""
    job_id = _job_id(task.get("name"))
    if job_id is None or task.get("success"):
        return
    job = Job.objects.filter(pk=job_id, status__in=ACTIVE_STATUSES).first()
    if job is not None:
        _fail_if(job, task_reason(False, task.get("result")), SweepSummary())


def task_reason(success: bool, result: Any) -> str:
    """Why a task ended without ending its Job, in one line and without a traceback."""
    if success:
        return "The task ended without finishing its job."
    text = str(result or "")
    if text.startswith(_TIMEOUT_TEXT):
        seconds = text[len(_TIMEOUT_TEXT) :].strip(" (").split(" ", 1)[0]
        return f"Stopped: the task ran past its time limit of {seconds} s (Q_TIMEOUT)."
    # django-q stores "<error> : <traceback>": the error is what a user can act on.
    first = text.split(" : Traceback", 1)[0].strip().splitlines()
    return f"The task failed: {first[0] if first else 'no reason recorded'}"


# --- The rules ---------------------------------------------------------------------------------


def _sweep_running(
    job: Job, now: datetime, limits: _Limits, held: set[str] | None, summary: SweepSummary
) -> None:
    if limits.timeout is None or held is None or job.task_id in held:
        return  # no time limit to reason from, or the broker will present the task again
    started = job.started_at or job.created_at
    if started + limits.timeout + GRACE >= now:
        return
    attempt = int((job.task or {}).get("attempt", 1))
    if attempt >= limits.max_attempts or not (job.task or {}).get("func"):
        what = (
            f"{attempt} times"
            if attempt > 1
            else "and what it queued was not kept for a second try"
        )
        _fail_if(
            job,
            "The worker stopped before finishing (killed, out of memory or restarted) "
            f"{what}. Start it again.",
            summary,
            status=Job.Status.RUNNING,
        )
        return
    with transaction.atomic():
        spec = {**job.task, "attempt": attempt + 1}
        updated = Job.objects.filter(
            pk=job.pk, status=Job.Status.RUNNING, task_id=job.task_id
        ).update(
            status=Job.Status.QUEUED,
            task=spec,
            task_id="",
            progress=0,
            message=(
                "Queued again: the worker stopped mid-task "
                f"(attempt {attempt + 1} of {limits.max_attempts})"
            ),
        )
        if updated:
            job_send_on_commit(job.pk, spec["func"], spec.get("args", []), spec.get("kwargs", {}))
            summary.requeued.append(job.pk)


def _sweep_queued(
    job: Job, now: datetime, limits: _Limits, held: set[str] | None, summary: SweepSummary
) -> None:
    if held is None or limits.hold is None:
        return
    spec = dict(job.task or {})
    if job.task_id in held:
        if "missing_since" in spec:  # seen missing once, back now (another cluster's retry)
            spec.pop("missing_since")
            Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(task=spec)
        return
    missing_since = _parse_time(spec.get("missing_since"))
    if missing_since is None:
        # First seen missing: a cluster took it. It may be waiting in that cluster's memory.
        spec["missing_since"] = now.isoformat()
        Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(task=spec)
        summary.watching.append(job.pk)
    elif missing_since + limits.hold + GRACE < now:
        _fail_if(
            job,
            "No worker started it: the task left the queue but never ran. A worker whose "
            "DJANGO_SECRET_KEY differs from the web server's cannot load it (BadSignature in "
            "its log); start it again once they match.",
            summary,
            status=Job.Status.QUEUED,
        )
    else:
        summary.watching.append(job.pk)


def _fail_if(job: Job, reason: str, summary: SweepSummary, *, status: str | None = None) -> None:
    """Fail the Job unless it moved on meanwhile (its task ended it, or a worker started it)."""
    with transaction.atomic():
        current = (
            Job.objects.select_for_update()
            .filter(pk=job.pk, status=status or job.status, task_id=job.task_id)
            .first()
        )
        if current is None:
            return
        job_fail(job.pk, reason)
    summary.failed.append(job.pk)


# --- The broker's side -------------------------------------------------------------------------


def _held_task_ids() -> set[str] | None:
    """Ids of the tasks the broker still holds: waiting, or taken and not acknowledged (ORM).

    None when the broker cannot be listed (not Redis or ORM): rules 2 and 4 then wait for
    nothing and do nothing. A payload this process cannot load is skipped: it is not ours to
    name, and the worker will drop it too.
    """
    from django_q.brokers import get_broker
    from django_q.brokers.orm import ORM
    from django_q.brokers.redis_broker import Redis
    from django_q.signing import SignedPackage

    broker = get_broker()
    payloads: Any
    if isinstance(broker, Redis):
        payloads = broker.connection.lrange(broker.list_key, 0, -1)
    elif isinstance(broker, ORM):
        payloads = (
            broker.get_connection().filter(key=broker.list_key).values_list("payload", flat=True)
        )
    else:
        return None
    ids: set[str] = set()
    for payload in payloads:
        try:
            ids.add(str(SignedPackage.loads(payload)["id"]))
        except Exception:  # BadSignature, a damaged payload: skipped, see the docstring
            continue
    return ids


def _job_id(name: Any) -> int | None:
    prefix = job_task_name(0)[:-1]
    if not isinstance(name, str) or not name.startswith(prefix):
        return None
    number = name[len(prefix) :]
    return int(number) if number.isascii() and number.isdigit() else None


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
