"""Jobs never stay queued or running forever (issue 14): the sweep and the post_execute hook.

In-process, in sync mode: the rules of `musicrec.core.job_sweep` on Jobs in each state, with
django-q's own records (Task results, the broker's queue) made as the cluster makes them, and a
re-queued task actually run again. A real cluster meets the same cases in test_worker_failures.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Schedule, Task
from django_q.signing import SignedPackage
from django_q.tasks import async_task

from music.models import MusicFeatures
from music.tests.factories import MusicSourceFactory
from musicrec.core.job_sweep import GRACE, job_sweep, job_task_ended, task_reason
from musicrec.core.jobs import job_run_batch, job_task_name
from musicrec.core.models import Job
from musicrec.core.synth import render_music, write_audio
from musicrec.core.tests.factories import JobFactory

pytestmark = pytest.mark.django_db

TIMEOUT_RESULT = (
    "Task exceeded maximum timeout value (600 seconds) : Traceback (most recent call last):\n"
    '  File "/srv/musicrec/.venv/lib/python3.11/site-packages/django_q/worker.py", line 97\n'
    "django_q.exceptions.TimeoutException: Task exceeded maximum timeout value (600 seconds)"
)


def _job(status: str, *, task_id: str = "task-1", ago: float = 0, **fields) -> Job:
    """A Job as its task left it, `ago` seconds after it started (or was queued)."""
    spec = {"func": "music.tasks.music_analyze_task", "args": [[1]], "kwargs": {"force": True}}
    job = JobFactory(status=status, task_id=task_id, task=fields.pop("task", spec), **fields)
    when = timezone.now() - timedelta(seconds=ago)
    Job.objects.filter(pk=job.pk).update(
        created_at=when, started_at=when if status == Job.Status.RUNNING else None
    )
    job.refresh_from_db()
    return job


def _task_record(job: Job, *, success: bool, result: str) -> None:
    """django-q's record of the job's task, as the cluster's monitor saves it."""
    now = timezone.now()
    Task.objects.create(
        id=job.task_id, name=job_task_name(job.pk), func=job.task["func"], started=now,
        stopped=now, success=success, result=result,
    )  # fmt: skip


def _later(seconds: float) -> timezone.datetime:
    return timezone.now() + timedelta(seconds=seconds)


def test_setup_schedules_installs_the_sweep_every_minute():
    out = StringIO()
    call_command("setup_schedules", stdout=out)  # idempotent: music/tests/test_tasks.py

    schedule = Schedule.objects.get(name="jobs-sweep")
    assert schedule.func == "musicrec.core.tasks.job_sweep_task"
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (
        Schedule.MINUTES, 1, -1,
    )  # fmt: skip
    assert schedule.next_run <= timezone.now()  # due at once
    assert "Created schedule 'jobs-sweep': musicrec.core.tasks.job_sweep_task every 1 minute" in (
        out.getvalue()
    )


def test_the_scheduled_task_runs_the_sweep(settings):
    job = _job(Job.Status.QUEUED, task_id="", ago=GRACE.total_seconds() + 5)

    async_task("musicrec.core.tasks.job_sweep_task")  # sync mode: runs here, result stored

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert Task.objects.get(func="musicrec.core.tasks.job_sweep_task").result == {
        "failed": [job.pk], "requeued": [], "watching": [],
    }  # fmt: skip


# --- 1. The task ended without ending its Job --------------------------------------------------


def test_a_task_past_its_time_limit_fails_its_job_without_a_traceback():
    job = _job(Job.Status.RUNNING, ago=601)
    _task_record(job, success=False, result=TIMEOUT_RESULT)

    summary = job_sweep()

    job.refresh_from_db()
    assert summary.failed == [job.pk]
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert job.error == "Stopped: the task ran past its time limit of 600 s (Q_TIMEOUT)."
    assert job.message == job.error


def test_the_post_execute_hook_fails_the_job_at_once():
    job = _job(Job.Status.RUNNING)

    job_task_ended({"name": job_task_name(job.pk), "success": False, "result": TIMEOUT_RESULT})

    job.refresh_from_db()
    assert (job.status, job.error) == (
        Job.Status.FAILED, "Stopped: the task ran past its time limit of 600 s (Q_TIMEOUT).",
    )  # fmt: skip


def test_the_hook_leaves_ended_jobs_and_other_tasks_alone():
    done = _job(Job.Status.SUCCEEDED)
    running = _job(Job.Status.RUNNING)

    job_task_ended({"name": job_task_name(done.pk), "success": False, "result": "boom"})
    job_task_ended({"name": job_task_name(running.pk), "success": True, "result": None})
    job_task_ended({"name": "author-analysis-7", "success": False, "result": "boom"})

    assert Job.objects.get(pk=done.pk).status == Job.Status.SUCCEEDED
    assert Job.objects.get(pk=running.pk).status == Job.Status.RUNNING


@pytest.mark.parametrize(
    ("success", "result", "reason"),
    [
        (False, "division by zero : Traceback (most recent call last):\n  File \"/x.py\"",
         "The task failed: division by zero"),
        (False, "", "The task failed: no reason recorded"),
        (True, None, "The task ended without finishing its job."),
    ],
)  # fmt: skip
def test_task_reason_is_one_line(success, result, reason):
    assert task_reason(success, result) == reason


# --- 2. The worker died mid-task ---------------------------------------------------------------


def test_a_job_whose_worker_died_is_queued_again_and_ends_once(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_LOCAL_ROOTS = [tmp_path]
    clip = tmp_path / "clip.wav"
    write_audio(clip, render_music(bpm=120, key="A", mode="minor", seconds=4.0), 22050)
    music = MusicSourceFactory(audio_url=str(clip)).music
    spec = {"func": "music.tasks.music_analyze_task", "args": [[music.pk]], "kwargs": {}}
    job = _job(Job.Status.RUNNING, task="lost-in-a-killed-worker", ago=0, task_id="t")
    Job.objects.filter(pk=job.pk).update(task=spec, progress=40)

    # Within the time limit the worker may still be at it: nothing happens.
    assert job_sweep(now=_later(settings.Q_CLUSTER["timeout"])).requeued == []
    with django_capture_on_commit_callbacks(execute=True):  # sync mode: the task runs again
        summary = job_sweep(now=_later(settings.Q_CLUSTER["timeout"] + GRACE.total_seconds() + 1))

    job.refresh_from_db()
    assert summary.requeued == [job.pk]
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.task == {**spec, "attempt": 2}
    assert job.task_id not in ("", "t")
    assert MusicFeatures.objects.filter(music=music).count() == 1
    assert Job.objects.count() == 1  # the same Job, not a new one


def test_a_job_whose_worker_died_too_often_fails():
    job = _job(Job.Status.RUNNING, ago=10_000)
    Job.objects.filter(pk=job.pk).update(task={**job.task, "attempt": 3})

    summary = job_sweep()

    job.refresh_from_db()
    assert summary.failed == [job.pk]
    assert job.error == (
        "The worker stopped before finishing (killed, out of memory or restarted) 3 times. "
        "Start it again."
    )


def test_a_job_the_broker_still_holds_is_left_to_the_broker():
    """The ORM broker keeps a taken task until it is acknowledged, and presents it again."""
    job = _job(Job.Status.RUNNING, ago=10_000)
    broker = get_broker()
    payload = SignedPackage.dumps({"id": job.task_id, "name": job_task_name(job.pk)})
    broker.enqueue(payload)
    try:
        summary = job_sweep()
    finally:
        if hasattr(broker.connection, "lrem"):  # Redis (CI): leave nothing for the next cluster
            broker.connection.lrem(broker.list_key, 0, payload)

    assert summary.as_dict() == {"failed": [], "requeued": [], "watching": []}
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING


# --- 3. and 4. Queued, and never started -------------------------------------------------------


def test_a_job_that_never_reached_the_queue_fails_after_a_minute():
    fresh = _job(Job.Status.QUEUED, task_id="", ago=10)
    stale = _job(Job.Status.QUEUED, task_id="", ago=GRACE.total_seconds() + 1)

    summary = job_sweep()

    assert summary.failed == [stale.pk]
    assert Job.objects.get(pk=fresh.pk).status == Job.Status.QUEUED
    assert Job.objects.get(pk=stale.pk).error == (
        "Could not be queued: it never reached the task queue. Start it again."
    )


def test_a_job_whose_task_left_the_queue_and_never_ran_fails_with_the_likely_cause(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 60, "workers": 2}
    job = _job(Job.Status.QUEUED, ago=3600)

    first = job_sweep()
    # A cluster holds at most 5 tasks (its pusher's and a queue of workers²) for 2 workers:
    # 3 tasks of up to 60 s each may come before this one.
    within = job_sweep(now=_later(3 * 60 + GRACE.total_seconds() - 5))
    past = job_sweep(now=_later(3 * 60 + GRACE.total_seconds() + 5))

    job.refresh_from_db()
    assert first.watching == within.watching == [job.pk]
    assert past.failed == [job.pk] and job.status == Job.Status.FAILED
    assert "DJANGO_SECRET_KEY differs" in job.error and "BadSignature" in job.error


# --- What users read ---------------------------------------------------------------------------


def test_job_errors_carry_no_server_paths(tmp_path):
    job = JobFactory()
    missing = tmp_path / "uploads" / "scrape.json"

    def batch(**_: object):
        missing.read_bytes()

    with pytest.raises(FileNotFoundError):
        job_run_batch(job.pk, batch, label="Tracks", start="Starting")

    job.refresh_from_db()
    assert job.error == "FileNotFoundError: [Errno 2] No such file or directory: 'scrape.json'"
    assert str(tmp_path) not in job.message
