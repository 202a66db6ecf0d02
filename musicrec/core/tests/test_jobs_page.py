"""The jobs page and the retry of a failed job."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authors.tests.factories import AuthorSourceFactory
from musicrec.core import jobs
from musicrec.core.models import Job

pytestmark = pytest.mark.django_db
LIST = reverse("jobs:list")


def failed_job(author_id: int, **fields) -> Job:
    return Job.objects.create(
        kind=Job.Kind.AUTHOR_ANALYSIS,
        status=Job.Status.FAILED,
        target_type="author",
        target_id=str(author_id),
        target_label="@someone",
        error="the worker died\nsecond line",
        task={"func": "authors.tasks.author_analyze_many_task", "args": [[author_id]]},
        **fields,
    )


def test_job_enqueue_keeps_what_it_queued_unless_it_is_a_whole_scrape(curator_user):
    author = AuthorSourceFactory().author
    from authors.services import author_analysis_job_enqueue

    job = author_analysis_job_enqueue(author_ids=[author.pk], user=curator_user)
    job.refresh_from_db()
    assert job.task == {
        "func": "authors.tasks.author_analyze_many_task",
        "args": [[author.pk]],
        "kwargs": {},
    }
    big = jobs._task_spec("musicrec.pipeline.analyze_influencer", (), {"scrape": "x" * 70_000})
    assert big["func"] == "" and "scrape" in big["not_kept"]


def test_job_retry_queues_the_same_work_once(curator_user, django_capture_on_commit_callbacks):
    author = AuthorSourceFactory().author
    job = failed_job(author.pk)
    with django_capture_on_commit_callbacks(execute=True):
        retry = jobs.job_retry(job_id=job.pk, user=curator_user)
    retry.refresh_from_db()
    assert retry.retry_of == job and retry.created_by == curator_user
    assert retry.status == Job.Status.SUCCEEDED  # sync mode ran it
    with pytest.raises(ValidationError, match=f"already retried as job {retry.pk}"):
        jobs.job_retry(job_id=job.pk)
    with pytest.raises(ValidationError, match="only failed jobs retry"):
        jobs.job_retry(job_id=retry.pk)
    job_without_spec = Job.objects.create(kind=Job.Kind.IMPORT_SCRAPE, status=Job.Status.FAILED)
    with pytest.raises(ValidationError, match="cannot be retried"):
        jobs.job_retry(job_id=job_without_spec.pk)


def test_jobs_page_lists_jobs_with_reason_and_retry_for_curators(client, user, curator_user):
    author = AuthorSourceFactory().author
    job = failed_job(author.pk)
    Job.objects.create(kind=Job.Kind.MUSIC_FEATURES, status=Job.Status.RUNNING, progress=40,
                       message="Analysing 3 tracks")  # fmt: skip
    client.force_login(user)
    page = client.get(LIST).content.decode()
    assert "the worker died" in page and "second line" in page
    assert f'href="/creators/{author.pk}/"' in page
    assert "Retry job" not in page  # marketers see the reason, not the button
    assert 'hx-trigger="every 2s"' in page  # a job is running: the table polls
    client.force_login(curator_user)
    page = client.get(LIST).content.decode()
    assert f"Retry job #{job.pk}" in page


def test_jobs_page_stops_polling_when_nothing_runs_and_filters(client, user):
    author = AuthorSourceFactory().author
    failed_job(author.pk)
    Job.objects.create(kind=Job.Kind.MUSIC_FEATURES, status=Job.Status.SUCCEEDED, progress=100)
    client.force_login(user)
    page = client.get(LIST).content.decode()
    assert "every 2s" not in page
    partial = client.get(LIST, {"status": "failed"}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('\n<section id="job-table"') or 'id="job-table"' in partial[:200]
    assert "Profile analysis" in partial and "Music features" not in partial


def test_retry_view_queues_and_reports(client, curator_user, django_capture_on_commit_callbacks):
    author = AuthorSourceFactory().author
    job = failed_job(author.pk)
    client.force_login(curator_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs:retry", args=[job.pk]), follow=True)
    retry = Job.objects.get(retry_of=job)
    assert f"Job {job.pk} queued again as job {retry.pk}" in response.content.decode()
    again = client.post(reverse("jobs:retry", args=[job.pk]), follow=True).content.decode()
    assert "already retried" in again


def test_jobs_page_query_count_stays_flat_as_jobs_grow(client, user):
    author = AuthorSourceFactory().author
    client.force_login(user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries.captured_queries)

    for _ in range(3):
        failed_job(author.pk, created_by=user)
    few = count()
    for _ in range(30):
        failed_job(author.pk, created_by=user)
    # session, user, permissions (user's, groups'), count, the page with creators and retries
    assert count() == few <= 7
