"""One rule ends every batch job (`musicrec.core.jobs.batch_status`), whichever app queued it:
failed when nothing succeeded, partial when some failed, succeeded otherwise; every problem
listed. A test per outcome, run through each of the three batch tasks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from authors import tasks as author_tasks
from music import tasks as music_tasks
from musicrec.core import jobs
from musicrec.core.jobs import BatchSummary, batch_status, job_create, job_run_batch
from musicrec.core.models import Job
from videos import tasks as video_tasks

pytestmark = pytest.mark.django_db

# (task, the service it runs, the name of its ids argument, the label of its message)
TASKS = [
    pytest.param(author_tasks.author_analyze_many_task, "authors.services.author_analyze_many",
                 "Profiles", id="authors"),
    pytest.param(video_tasks.video_analyze_task, "videos.services.video_analyze_many", "Videos",
                 id="videos"),
    pytest.param(music_tasks.music_analyze_task, "music.services.features.music_analyze_many",
                 "Tracks", id="music"),
]  # fmt: skip


def fake_batch(summary: BatchSummary) -> Callable[..., BatchSummary]:
    """A batch service that reports half-way and returns `summary`."""

    def run(*, progress: Callable[[int, str], None], **_: Any) -> BatchSummary:
        progress(50, "half-way")
        return summary

    return run


def run_task(monkeypatch, task, service: str, summary: BatchSummary) -> Job:
    monkeypatch.setattr(service, fake_batch(summary))
    job = job_create(kind=Job.Kind.VIDEO_ANALYSIS)
    counts = task(job.pk, [1, 2, 3])
    job.refresh_from_db()
    assert counts == summary.as_counts() == job.counts
    assert job.progress == 100 or job.status == Job.Status.FAILED
    assert job.started_at is not None and job.finished_at is not None
    return job


# (what the batch reports, how its Job ends, its message after the label, its listed problems)
TWO = ["item 1: boom", "item 3: bang"]
OUTCOMES = [
    pytest.param(BatchSummary(done=3), Job.Status.SUCCEEDED, ": 3 done, 0 skipped, 0 failed", "",
                 id="all-done"),
    # Skipped items needed nothing (current already, deleted since): not failures.
    pytest.param(BatchSummary(skipped=3, problems=["item 2: no longer exists"]),
                 Job.Status.SUCCEEDED, ": 0 done, 3 skipped, 0 failed",
                 "item 2: no longer exists", id="nothing-to-do"),
    pytest.param(BatchSummary(done=1, skipped=1, failed=2, problems=TWO),
                 Job.Status.PARTIAL, ": 1 done, 1 skipped, 2 failed", "item 1: boom\nitem 3: bang",
                 id="some-failed"),
    pytest.param(BatchSummary(skipped=1, failed=2, problems=TWO),
                 Job.Status.FAILED, ": nothing succeeded (0 done, 1 skipped, 2 failed)",
                 "item 1: boom\nitem 3: bang", id="nothing-succeeded"),
]  # fmt: skip


@pytest.mark.parametrize(("summary", "status", "message", "error"), OUTCOMES)
@pytest.mark.parametrize(("task", "service", "label"), TASKS)
def test_each_batch_task_ends_its_job_by_the_one_rule(
    monkeypatch, task, service, label, summary, status, message, error
):
    job = run_task(monkeypatch, task, service, summary)
    assert (job.status, job.message, job.error) == (status, label + message, error)


def test_a_failure_without_a_reason_is_still_listed():
    job = job_create(kind=Job.Kind.MUSIC_FEATURES)
    job_run_batch(job.pk, fake_batch(BatchSummary(done=1, failed=1)), label="Tracks", start="Go")
    job.refresh_from_db()
    assert job.status == Job.Status.PARTIAL
    assert job.error == "1 failed without a recorded reason"


def test_a_batch_that_raises_fails_the_job_and_the_task(monkeypatch):
    def broken(**_: Any) -> BatchSummary:
        raise RuntimeError("database went away")

    job = job_create(kind=Job.Kind.MUSIC_FEATURES)
    with pytest.raises(RuntimeError):
        job_run_batch(job.pk, broken, label="Tracks", start="Analysing music")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "RuntimeError: database went away"


def test_a_failed_batch_job_can_be_retried(monkeypatch, django_capture_on_commit_callbacks):
    # The batch rule ends the job; what was queued stays on it, so a curator can retry it.
    summary = BatchSummary(failed=1, problems=["item 1: boom"])
    monkeypatch.setattr("videos.services.video_analyze_many", fake_batch(summary))
    job = job_create(kind=Job.Kind.VIDEO_ANALYSIS)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.job_enqueue(job, "videos.tasks.video_analyze_task", [1])
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.can_retry

    monkeypatch.setattr("videos.services.video_analyze_many", fake_batch(BatchSummary(done=1)))
    with django_capture_on_commit_callbacks(execute=True):
        retry = jobs.job_retry(job_id=job.pk)
    retry.refresh_from_db()
    assert retry.status == Job.Status.SUCCEEDED and retry.retry_of_id == job.pk
    with pytest.raises(ValidationError, match="already retried"):
        jobs.job_retry(job_id=job.pk)


@pytest.mark.parametrize(
    ("counts", "status"),
    [
        ({}, Job.Status.SUCCEEDED),
        ({"done": 2}, Job.Status.SUCCEEDED),
        ({"skipped": 2}, Job.Status.SUCCEEDED),
        ({"done": 1, "failed": 1}, Job.Status.PARTIAL),
        ({"failed": 2}, Job.Status.FAILED),
        ({"failed": 1, "skipped": 4}, Job.Status.FAILED),
    ],
)
def test_batch_status_rule(counts, status):
    assert batch_status(BatchSummary(**counts)) == status
