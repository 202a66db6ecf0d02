"""music.tasks in django-q2's sync mode, the worker warm-up hook and the schedules command."""

from __future__ import annotations

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule
from django_q.signals import post_spawn

from music import features as audio
from music.models import MusicFeatures
from music.services.features import music_analysis_enqueue
from music.services.spotify import music_enrichment_enqueue
from music.tasks import music_trends_task
from music.tests.factories import MusicFactory, MusicSourceFactory
from musicrec.core.models import AnalysisStatus, Job, Platform

pytestmark = pytest.mark.django_db


def test_music_analyze_task_runs_the_batch_and_reports_on_the_job(
    write_clip, media_dir, django_capture_on_commit_callbacks
):
    audio.warm_up()
    good = MusicSourceFactory(audio_url=str(write_clip()), music__title="Groove").music
    broken_file = media_dir / "broken.wav"
    broken_file.write_bytes(b"not audio at all")
    broken = MusicSourceFactory(audio_url=str(broken_file), music__title="Broken").music

    with django_capture_on_commit_callbacks(execute=True):
        job = music_analysis_enqueue(music_ids=[good.pk, broken.pk])

    job.refresh_from_db()
    assert job.kind == Job.Kind.MUSIC_FEATURES
    assert job.status == Job.Status.PARTIAL
    assert job.progress == 100
    assert job.counts == {"done": 1, "failed": 1, "skipped": 0}
    assert job.message == "Tracks: 1 done, 0 skipped, 1 failed"
    assert job.error.startswith("Broken")
    assert job.target_label == "2 tracks"
    assert MusicFeatures.objects.get(music=good).status == AnalysisStatus.OK


def test_music_analysis_enqueue_names_a_single_track(django_capture_on_commit_callbacks):
    music = MusicFactory(title="Only One", artist_name="Solo")
    with django_capture_on_commit_callbacks(execute=True):
        job = music_analysis_enqueue(music_ids=[music.pk])
    job.refresh_from_db()
    assert (job.target_type, job.target_id, job.target_label) == (
        "music",
        str(music.pk),
        "Only One — Solo",
    )
    assert job.status == Job.Status.SUCCEEDED
    assert job.counts == {"done": 0, "failed": 0, "skipped": 1}


def test_music_enrich_task_without_credentials_says_skipped(
    settings, django_capture_on_commit_callbacks
):
    settings.SPOTIFY_CLIENT_ID = ""
    music = MusicFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = music_enrichment_enqueue(music_ids=[music.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.message.startswith("Skipped: Spotify is not configured")
    assert job.counts == {"done": 0, "failed": 0, "skipped": 1}


def test_music_enrich_task_matches_on_spotify(fake_spotify, django_capture_on_commit_callbacks):
    music = MusicFactory(title="Heat Waves", artist_name="Glass Animals", isrc="GBUM72000433")
    with django_capture_on_commit_callbacks(execute=True):
        job = music_enrichment_enqueue(music_ids=[music.pk])
    job.refresh_from_db()
    assert job.kind == Job.Kind.SPOTIFY_MATCH
    assert job.status == Job.Status.SUCCEEDED
    assert job.counts == {"done": 1, "failed": 0, "skipped": 0}
    assert music.sources.filter(platform=Platform.SPOTIFY).exists()


def test_music_trends_task_refreshes_every_track():
    MusicFactory.create_batch(3)
    assert music_trends_task() == 3
    assert MusicFeatures.objects.count() == 3


def test_worker_spawn_warms_up_the_audio_analysis(caplog):
    with caplog.at_level(logging.INFO, logger="music.apps"):
        post_spawn.send(sender="django_q", proc_name="Process-1")
    assert any("warmed up in Process-1" in r.getMessage() for r in caplog.records)


def test_setup_schedules_is_idempotent():
    out = StringIO()
    call_command("setup_schedules", stdout=out)
    call_command("setup_schedules", stdout=out)

    schedule = Schedule.objects.get(name="music-trends-nightly")
    assert schedule.func == "music.tasks.music_trends_task"
    assert schedule.schedule_type == Schedule.DAILY
    assert timezone.now() < schedule.next_run <= timezone.now() + timedelta(days=1)
    assert "Created schedule 'music-trends-nightly'" in out.getvalue()
    assert "Updated schedule 'music-trends-nightly'" in out.getvalue()
