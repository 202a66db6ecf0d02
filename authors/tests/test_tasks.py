"""The profile analysis tasks, run by django-q2 in sync mode (settings/test.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Task
from django_q.tasks import async_task

from authors import services
from authors.models import Author, AuthorAnalysis
from authors.tests.factories import AuthorSourceFactory
from musicrec.core.jobs import job_create, job_enqueue
from musicrec.core.models import Job
from videos.tests.factories import VideoFactory, VideoSourceFactory

pytestmark = pytest.mark.django_db


def creator() -> Author:
    author = AuthorSourceFactory(followers=60_000).author
    video = VideoFactory(author=author, posted_at=timezone.now() - timedelta(days=1))
    VideoSourceFactory(video=video, views=5_000)
    return author


def run_job(author_ids: list[int], django_capture_on_commit_callbacks) -> Job:
    job = job_create(kind=Job.Kind.AUTHOR_ANALYSIS, target_type="authors")
    with django_capture_on_commit_callbacks(execute=True):
        job_enqueue(job, "authors.tasks.author_analyze_many_task", author_ids)
    job.refresh_from_db()
    return job


def test_author_analyze_task_stores_the_analysis_on_the_worker() -> None:
    author = creator()
    task_id = async_task("authors.tasks.author_analyze_task", author.pk)
    task = Task.objects.get(id=task_id)
    analysis = AuthorAnalysis.objects.get(author=author)
    assert task.success and task.result == analysis.pk
    assert analysis.videos_analysed == 1 and analysis.tier == "micro"


def test_author_analyze_task_for_a_deleted_author_succeeds_quietly() -> None:
    task_id = async_task("authors.tasks.author_analyze_task", 987_654)
    task = Task.objects.get(id=task_id)
    assert task.success and task.result is None


def test_author_analyze_many_task_reports_progress_on_the_job(
    django_capture_on_commit_callbacks,
) -> None:
    authors = [creator(), creator()]
    job = run_job([a.pk for a in authors], django_capture_on_commit_callbacks)
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress, job.message) == (100, "Profiles: 2 done, 0 skipped, 0 failed")
    assert job.counts == {"done": 2, "failed": 0, "skipped": 0}
    assert job.started_at is not None and job.finished_at is not None and job.task_id
    assert AuthorAnalysis.objects.count() == 2


def test_author_analyze_many_task_skips_a_deleted_creator_and_lists_it(
    django_capture_on_commit_callbacks,
) -> None:
    # A creator deleted since the job was queued needs nothing: a skip, not a failure.
    author = creator()
    job = run_job([author.pk, 987_654], django_capture_on_commit_callbacks)
    assert job.status == Job.Status.SUCCEEDED
    assert job.counts == {"done": 1, "failed": 0, "skipped": 1}
    assert job.error == "author 987654: no longer exists"


def test_author_analyze_many_task_fails_when_nothing_succeeds(
    django_capture_on_commit_callbacks, settings
) -> None:
    author = creator()
    settings.AUTHOR_WINDOW_DAYS = 0  # a broken configuration: the analysis refuses it
    job = run_job([author.pk], django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED
    assert job.counts == {"done": 0, "failed": 1, "skipped": 0}
    assert job.error == (
        f"author {author.pk}: ValueError: window_days must be at least 1 (or None for no limit)"
    )
    assert not AuthorAnalysis.objects.exists()


def test_author_analysis_enqueue_after_an_ingest_like_transaction(
    django_capture_on_commit_callbacks,
) -> None:
    """What the pipeline and the video analysis do: write rows, then enqueue in the same
    transaction; the worker sees the committed rows."""
    with django_capture_on_commit_callbacks(execute=True):
        author = creator()
        services.author_analysis_enqueue(author_id=author.pk)
    assert Task.objects.filter(name=f"author-analysis-{author.pk}", success=True).exists()
    assert AuthorAnalysis.objects.get(author=author).videos_analysed == 1
