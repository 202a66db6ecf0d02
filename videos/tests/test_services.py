"""videos.services on generated video files, missing files and a real local HTTP server."""

from __future__ import annotations

from pathlib import Path

import pytest

from authors.models import AuthorAnalysis
from authors.tests.factories import AuthorSourceFactory
from music.tests.factories import MusicFeaturesFactory
from musicrec.core.models import AnalysisStatus, Job
from musicrec.core.tests.local_http import Reply
from videos.content import SOUND_GENRE_SOURCE, SOUND_METADATA
from videos.models import VideoContentAnalysis
from videos.services import (
    ANALYSIS_VERSION,
    MediaState,
    video_analysis_enqueue,
    video_analyze,
    video_analyze_many,
)
from videos.tests.factories import VideoFactory, VideoMusicFactory, VideoSourceFactory

pytestmark = pytest.mark.django_db


def _video(media_url: str = "", **fields: object):
    defaults = {"caption": "new choreo with my bestie 💃", "hashtags": ["dance", "fyp"]}
    video = VideoFactory(**{**defaults, **fields})
    VideoSourceFactory(video=video, media_url=media_url)
    return video


def _sound(video, **features: object):
    """The video's primary sound with stored music features (catalogue-like values)."""
    values = {
        "tempo_bpm": 100.0,
        "energy": 0.35,
        "valence": 0.3,
        "arousal": 0.3,
        "danceability": 0.4,
        "key": "E",
        "mode": "minor",
        "speechiness": 0.04,
        "genre": "electronic",
        "genre_source": "spotify",
        "genre_confidence": 0.8,
        "genres": {"electronic": 0.7, "pop": 0.3},
    }
    link = VideoMusicFactory(video=video, is_primary=True)
    MusicFeaturesFactory(music=link.music, **{**values, **features})
    return link.music


def test_video_analyze_stores_columns_and_every_output_with_evidence(write_clip, warm_features):
    video = _video(str(write_clip(bpm=128)))

    analysis = video_analyze(video_id=video.pk)

    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.OK, analysis.error
    assert analysis.version == ANALYSIS_VERSION
    assert analysis.analyzed_at is not None and analysis.error == ""
    assert analysis.category == "dance"
    assert analysis.category_source == "caption + hashtags"
    assert 0.5 < analysis.category_confidence <= 1.0
    assert analysis.tempo_bpm == pytest.approx(128, rel=0.04)
    assert analysis.tempo_source == "soundtrack"
    for name in ("energy", "valence", "arousal", "danceability", "visual_pace", "motion"):
        assert 0.0 <= getattr(analysis, name) <= 1.0, name
    assert analysis.cuts_per_min > 0 and analysis.speech_ratio < 0.66
    detail = analysis.detail
    assert detail["moods"] and analysis.top_mood == max(detail["moods"], key=detail["moods"].get)
    assert {"energy", "valence", "arousal", "tempo_bpm", "category"} <= set(detail["evidence"])
    assert detail["category"] == {
        "value": "dance",
        "source": "caption + hashtags",
        "confidence": analysis.category_confidence,
    }
    assert detail["media"]["state"] == MediaState.ANALYSED


def test_video_analyze_carries_the_music_genre_of_the_sound(write_clip, warm_features):
    video = _video(str(write_clip(bpm=128)))
    music = _sound(video)

    analysis = video_analyze(video_id=video.pk)

    assert analysis.detail["genres"] == {"electronic": 0.7, "pop": 0.3}
    assert analysis.detail["genre"] == {
        "value": "electronic",
        "source": "spotify",
        "confidence": 0.8,
    }
    evidence = analysis.detail["evidence"]["genres"]
    assert (evidence["source"], evidence["music_id"]) == (SOUND_GENRE_SOURCE, music.pk)
    # The soundtrack was measured, so the track's stored tempo and energy are not used.
    assert analysis.tempo_source == "soundtrack"
    assert analysis.tempo_bpm == pytest.approx(128, rel=0.04)


def test_video_analyze_expired_link_gives_a_partial_text_and_sound_analysis(media_dir, http_server):
    http_server.route("/v.mp4", Reply(403, b"expired"))
    video = _video(http_server.url("/v.mp4?x-expires=1"))
    music = _sound(video)

    analysis = video_analyze(video_id=video.pk)

    assert analysis.status == AnalysisStatus.PARTIAL
    assert analysis.error.startswith("video unavailable (expired link)")
    assert "403" in analysis.error
    assert analysis.category == "dance"  # from the caption and hashtags
    # The sound's metadata stands in for the soundtrack, and the evidence says so.
    assert (analysis.tempo_bpm, analysis.tempo_source) == (100.0, SOUND_METADATA)
    assert analysis.energy == pytest.approx(0.35)
    assert analysis.detail["evidence"]["energy"]["music_id"] == music.pk
    assert analysis.detail["genres"] == {"electronic": 0.7, "pop": 0.3}
    assert analysis.motion is None and analysis.speech_ratio is None
    assert analysis.detail["media"]["state"] == MediaState.UNAVAILABLE
    assert analysis.detail["partial"] is True


def test_video_analyze_missing_file_or_no_link_is_text_only(media_dir):
    missing = _video(str(media_dir / "gone.mp4"))
    no_link = _video("", caption="this prank went wrong 😂", hashtags=["comedy"])

    first = video_analyze(video_id=missing.pk)
    second = video_analyze(video_id=no_link.pk)

    assert first.status == second.status == AnalysisStatus.PARTIAL
    assert first.error.startswith("video unavailable (missing file)")
    assert "no video file in the scrape" in second.error
    assert second.category == "comedy" and second.top_mood == "funny"
    assert second.tempo_bpm is None and second.detail["media"]["state"] == MediaState.NONE


def test_video_analyze_undecodable_file_keeps_the_reason(media_dir):
    broken = media_dir / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8)
    video = _video(str(broken))

    analysis = video_analyze(video_id=video.pk)

    assert analysis.status == AnalysisStatus.PARTIAL
    assert "video file could not be decoded" in analysis.error
    assert "broken.mp4" in analysis.error
    assert analysis.detail["media"]["state"] == MediaState.UNDECODABLE
    assert analysis.category == "dance"


def test_video_analyze_nothing_to_read_is_empty(media_dir):
    video = _video("", caption="", hashtags=[])

    analysis = video_analyze(video_id=video.pk)

    assert analysis.status == AnalysisStatus.EMPTY
    assert analysis.category == "" and analysis.top_mood == ""


def test_video_analyze_downloads_then_removes_the_copy(
    media_dir, http_server, write_clip, warm_features, settings
):
    body = write_clip(bpm=128).read_bytes()
    http_server.route("/ok.mp4", Reply(200, body, {"Content-Type": "video/mp4"}))
    video = _video(http_server.url("/ok.mp4"))

    analysis = video_analyze(video_id=video.pk)

    assert analysis.status == AnalysisStatus.OK
    assert analysis.tempo_bpm == pytest.approx(128, rel=0.04)
    assert len(http_server.requests_to("/ok.mp4")) == 1
    # Only the fetcher's small JSON record of the URL stays behind.
    assert [p.suffix for p in Path(settings.MEDIA_CACHE_DIR).iterdir()] == [".json"]


def test_video_analyze_skips_a_current_analysis_unless_forced_or_inputs_change(media_dir):
    video = _video("", caption="pasta recipe", hashtags=["food"])
    first = video_analyze(video_id=video.pk)
    stamp = first.analyzed_at

    assert video_analyze(video_id=video.pk).analyzed_at == stamp
    assert video_analyze(video_id=video.pk, force=True).analyzed_at > stamp

    video.caption, video.hashtags = "leg day", ["gym"]
    video.save()
    changed = video_analyze(video_id=video.pk)
    assert changed.category == "fitness" and changed.analyzed_at > stamp

    VideoContentAnalysis.objects.filter(pk=first.pk).update(version="0.9/1.0")
    assert video_analyze(video_id=video.pk).version == ANALYSIS_VERSION


def test_video_analyze_retries_text_only_results_when_the_link_changes(
    media_dir, write_clip, warm_features
):
    video = _video(str(media_dir / "not-yet.mp4"))
    assert video_analyze(video_id=video.pk).status == AnalysisStatus.PARTIAL

    source = video.sources.get()
    source.media_url = str(write_clip("fresh.mp4", bpm=128))
    source.save()
    fresh = video_analyze(video_id=video.pk)
    assert fresh.status == AnalysisStatus.OK
    stamp = fresh.analyzed_at

    # A file analysed once stays current when the next scrape signs a new link.
    source.media_url = str(write_clip("renamed.mp4", bpm=128))
    source.save()
    assert video_analyze(video_id=video.pk).analyzed_at == stamp


def test_video_analyze_redoes_it_when_the_sound_is_analysed_again(media_dir):
    video = _video("", caption="pasta recipe", hashtags=["food"])
    music = _sound(video, genres={"jazz": 1.0}, genre="jazz")
    first = video_analyze(video_id=video.pk)
    assert first.detail["genres"] == {"jazz": 1.0}

    features = music.features
    features.genres, features.genre, features.version = {"soul": 1.0}, "soul", "test-2"
    features.save()
    assert video_analyze(video_id=video.pk).detail["genres"] == {"soul": 1.0}


def test_video_analyze_many_counts_goes_on_and_reports_progress(media_dir):
    good = _video("", caption="pasta recipe", hashtags=["food"])
    # Hashtags that are not strings (a hand-edited row) make the text analysis raise.
    bad = _video("", hashtags=[123])
    reports: list[tuple[int, str]] = []

    summary = video_analyze_many(
        video_ids=[good.pk, bad.pk, 999_999, good.pk],
        progress=lambda percent, message: reports.append((percent, message)),
        analyze_authors=False,
    )

    assert (summary.done, summary.failed, summary.skipped) == (1, 1, 1)
    assert len(summary.problems) == 1 and "TypeError" in summary.problems[0]
    failed = VideoContentAnalysis.objects.get(video=bad)
    assert failed.status == AnalysisStatus.FAILED and "TypeError" in failed.error
    assert [p for p, _ in reports] == [33, 66, 100]
    assert reports[-1][1] == "Videos analysed: 3/3"

    again = video_analyze_many(video_ids=[good.pk, bad.pk], analyze_authors=False)
    assert (again.done, again.failed, again.skipped) == (0, 1, 1)  # failures are retried


def test_video_analyze_many_queues_the_profile_analysis_of_each_creator(
    media_dir, django_capture_on_commit_callbacks
):
    account = AuthorSourceFactory()
    videos = [
        _video("", author=account.author, caption="love this pasta 😍", hashtags=["food"])
        for _ in range(2)
    ]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        video_analyze_many(video_ids=[v.pk for v in videos])

    assert len(callbacks) == 1  # one profile analysis per creator, not per video
    profile = AuthorAnalysis.objects.get(author=account.author)  # ran in sync mode
    assert profile.metrics["content_profile"]["content_analyses"] == 2

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        video_analyze_many(video_ids=[v.pk for v in videos])
    assert callbacks == []  # nothing new: no profile analysis


def test_video_analysis_enqueue_runs_the_task_on_commit(
    media_dir, staff_user, django_capture_on_commit_callbacks
):
    video = _video("", caption="pasta recipe", hashtags=["food"])

    with django_capture_on_commit_callbacks(execute=True):
        job = video_analysis_enqueue(video_ids=[video.pk], user=staff_user)

    job.refresh_from_db()
    assert job.kind == Job.Kind.VIDEO_ANALYSIS
    assert (job.target_type, job.target_id) == ("video", str(video.pk))
    assert job.created_by == staff_user
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.counts == {"done": 1, "failed": 0, "skipped": 0}
    assert VideoContentAnalysis.objects.get(video=video).category == "food"
