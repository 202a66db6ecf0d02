"""videos.tasks in django-q2's sync mode: the Job reports progress, counts and problems."""

from __future__ import annotations

import pytest
from django_q.models import Task

from musicrec.core.jobs import job_create
from musicrec.core.models import AnalysisStatus, Job
from videos.models import VideoContentAnalysis
from videos.services import video_analysis_enqueue
from videos.tasks import video_analyze_task
from videos.tests.factories import VideoFactory, VideoSourceFactory

pytestmark = pytest.mark.django_db


def _video(media_url: str = "", **fields: object):
    video = VideoFactory(**fields)
    VideoSourceFactory(video=video, media_url=media_url)
    return video


def test_video_analyze_task_runs_the_batch_and_reports_on_the_job(
    write_clip, media_dir, warm_features, django_capture_on_commit_callbacks
):
    good = _video(str(write_clip(bpm=128)), caption="new choreo 💃", hashtags=["dance"])
    expired = _video(str(media_dir / "expired.mp4"), caption="pasta recipe", hashtags=["food"])
    broken = _video("", caption="oops", hashtags=[7])  # not strings: the text analysis raises

    with django_capture_on_commit_callbacks(execute=True):
        job = video_analysis_enqueue(video_ids=[good.pk, expired.pk, broken.pk])

    job.refresh_from_db()
    assert job.kind == Job.Kind.VIDEO_ANALYSIS
    assert job.target_label == "3 videos"
    assert job.status == Job.Status.PARTIAL
    assert job.progress == 100
    assert job.counts == {"done": 2, "failed": 1, "skipped": 0}
    assert job.message == "Videos: 2 done, 0 skipped, 1 failed"
    assert "TypeError" in job.error and job.started_at and job.finished_at
    assert VideoContentAnalysis.objects.get(video=good).status == AnalysisStatus.OK
    assert VideoContentAnalysis.objects.get(video=expired).status == AnalysisStatus.PARTIAL
    assert VideoContentAnalysis.objects.get(video=broken).status == AnalysisStatus.FAILED


def test_video_analyze_task_fails_the_job_when_every_video_failed(
    django_capture_on_commit_callbacks,
):
    broken = _video("", hashtags=[1, 2])
    with django_capture_on_commit_callbacks(execute=True):
        job = video_analysis_enqueue(video_ids=[broken.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.counts == {"done": 0, "failed": 1, "skipped": 0}
    assert "TypeError" in job.error


def test_video_analyze_task_skips_current_analyses_unless_forced():
    video = _video("", caption="pasta recipe", hashtags=["food"])
    first = job_create(kind=Job.Kind.VIDEO_ANALYSIS)
    assert video_analyze_task(first.pk, [video.pk]) == {"done": 1, "failed": 0, "skipped": 0}
    second = job_create(kind=Job.Kind.VIDEO_ANALYSIS)
    assert video_analyze_task(second.pk, [video.pk]) == {"done": 0, "failed": 0, "skipped": 1}
    second.refresh_from_db()
    assert second.status == Job.Status.SUCCEEDED
    assert second.message == "Videos: 0 done, 1 skipped, 0 failed"
    forced = job_create(kind=Job.Kind.VIDEO_ANALYSIS)
    assert video_analyze_task(forced.pk, [video.pk], force=True)["done"] == 1


def test_video_analysis_enqueue_records_the_worker_task(django_capture_on_commit_callbacks):
    video = _video("", caption="pasta recipe", hashtags=["food"])
    with django_capture_on_commit_callbacks(execute=True):
        job = video_analysis_enqueue(video_ids=[video.pk])
    job.refresh_from_db()
    assert job.task_id
    task = Task.objects.get(id=job.task_id)
    assert task.success and task.func == "videos.tasks.video_analyze_task"
    assert task.result == {"done": 1, "failed": 0, "skipped": 0}
