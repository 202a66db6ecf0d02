"""The videos admin: pages load, the category shows its source and confidence, re-run action."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from musicrec.core.models import Job
from videos.admin import category_label
from videos.models import VideoContentAnalysis
from videos.services import video_analyze
from videos.tests.factories import (
    VideoContentAnalysisFactory,
    VideoFactory,
    VideoMusicFactory,
    VideoSnapshotFactory,
    VideoSourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(settings, tmp_path):
    """A video analysed from its text (no media file), with a post, snapshot and sound."""
    settings.MEDIA_LOCAL_ROOTS = [tmp_path]
    video = VideoFactory(caption="new choreo 💃", hashtags=["dance"])
    VideoSnapshotFactory(source=VideoSourceFactory(video=video))
    VideoMusicFactory(video=video)
    video_analyze(video_id=video.pk, analyze_authors=False)
    return video


def test_category_label_names_source_and_confidence() -> None:
    analysis = VideoContentAnalysisFactory.build(
        category="beauty-fashion", category_source="hashtags", category_confidence=0.5276
    )
    assert category_label(analysis) == "Beauty / fashion (hashtags, 0.53)"
    assert category_label(VideoContentAnalysisFactory.build(category="")) == "–"
    assert category_label(None) == "–"


@pytest.mark.parametrize(
    "name",
    [
        "videos_video",
        "videos_videosource",
        "videos_videosnapshot",
        "videos_videomusic",
        "videos_videocontentanalysis",
    ],
)
def test_videos_admin_changelists_and_change_forms_load(admin_client, analysed, name) -> None:
    changelist = admin_client.get(reverse(f"admin:{name}_changelist"))
    assert changelist.status_code == 200
    model = changelist.context["cl"].model
    row = model.objects.first()
    change = admin_client.get(reverse(f"admin:{name}_change", args=[row.pk]))
    assert change.status_code == 200


def test_video_changelist_and_analysis_page_show_the_category_with_its_evidence(
    admin_client, analysed
) -> None:
    html = admin_client.get(reverse("admin:videos_video_changelist")).content.decode()
    assert "Dance (caption + hashtags, 0.71)" in html
    analysis = VideoContentAnalysis.objects.get(video=analysed)
    page = admin_client.get(
        reverse("admin:videos_videocontentanalysis_change", args=[analysis.pk])
    ).content.decode()
    assert "Dance (caption + hashtags, 0.71)" in page
    assert "&quot;evidence&quot;" in page  # the pretty-printed detail
    assert 'name="_save"' not in page  # read-only
    assert admin_client.get(reverse("admin:videos_videocontentanalysis_add")).status_code == 403


@pytest.mark.parametrize("model", ["video", "videocontentanalysis"])
def test_rerun_content_analysis_action(
    admin_client, analysed, django_capture_on_commit_callbacks, model: str
) -> None:
    analysis = VideoContentAnalysis.objects.get(video=analysed)
    VideoContentAnalysis.objects.filter(pk=analysis.pk).update(category="food")
    selected = [analysed.pk if model == "video" else analysis.pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse(f"admin:videos_{model}_changelist"),
            {"action": "rerun_content_analysis", ACTION_CHECKBOX_NAME: selected},
            follow=True,
        )
    assert response.status_code == 200
    job = Job.objects.get(kind=Job.Kind.VIDEO_ANALYSIS)
    html = response.content.decode()
    assert "Queued the content analysis of 1 video(s)" in html
    assert reverse("admin:core_job_change", args=[job.pk]) in html
    assert job.status == Job.Status.SUCCEEDED  # forced re-run by the worker (sync mode)
    analysis.refresh_from_db()
    assert analysis.category == "dance"
