"""music.services.merge: everything moves to the kept track, conflicts resolved, one transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from music.models import Music, MusicFeatures, MusicSource
from music.services.merge import music_merge
from music.tests.factories import MusicFactory, MusicFeaturesFactory, MusicSourceFactory
from musicrec.core.models import AnalysisStatus, Platform
from recommendations.models import Feedback, RecommendationItem
from recommendations.tests.factories import (
    FeedbackFactory,
    RecommendationItemFactory,
    RecommendationRunFactory,
)
from videos.models import VideoMusic
from videos.tests.factories import VideoFactory, VideoMusicFactory

pytestmark = pytest.mark.django_db

FeatureSource = MusicFeatures.FeatureSource
GenreSource = MusicFeatures.GenreSource


def test_music_merge_moves_sources_and_fills_blank_fields():
    keep = MusicFactory(title="Heat Waves", artist_name="Glass Animals", isrc="", album="")
    duplicate = MusicFactory(
        title="Heat Waves", isrc="GBUM72000433", album="Dreamland", explicit=False,
        commercial_ok=True,
    )  # fmt: skip
    tiktok = MusicSourceFactory(music=keep)
    spotify = MusicSourceFactory(music=duplicate, platform=Platform.SPOTIFY, usage_count=None)

    merged = music_merge(keep=keep, duplicate=duplicate)

    assert not Music.objects.filter(pk=duplicate.pk).exists()
    assert set(MusicSource.objects.filter(music=merged)) == {tiktok, spotify}
    merged.refresh_from_db()
    assert (merged.isrc, merged.album, merged.explicit) == ("GBUM72000433", "Dreamland", False)
    assert merged.commercial_ok is True
    assert merged.artist_name == "Glass Animals"
    # Its usage and popularity are recomputed for the merged sources.
    assert merged.features.detail["trend"]["tiktok_usage"] == tiktok.usage_count


def test_music_merge_a_released_track_is_not_an_original_sound():
    keep = MusicFactory(is_original_sound=True)
    duplicate = MusicFactory(is_original_sound=False)
    assert music_merge(keep=keep, duplicate=duplicate).is_original_sound is False


def test_music_merge_dedupes_video_links_keeping_primary():
    keep, duplicate = MusicFactory(), MusicFactory()
    shared, only_duplicate = VideoFactory(), VideoFactory()
    VideoMusicFactory(video=shared, music=keep, is_primary=False)
    VideoMusicFactory(video=shared, music=duplicate, is_primary=True)
    VideoMusicFactory(video=only_duplicate, music=duplicate)

    music_merge(keep=keep, duplicate=duplicate)

    links = VideoMusic.objects.filter(music=keep)
    assert {link.video_id for link in links} == {shared.pk, only_duplicate.pk}
    assert links.get(video=shared).is_primary is True


def test_music_merge_keeps_the_better_ranked_item_of_a_run_and_its_feedback():
    keep, duplicate = MusicFactory(), MusicFactory()
    run = RecommendationRunFactory()
    worse = RecommendationItemFactory(run=run, music=keep, rank=7)
    better = RecommendationItemFactory(run=run, music=duplicate, rank=2)
    feedback = FeedbackFactory(author=run.author, music=keep, item=worse)
    elsewhere = RecommendationItemFactory(music=duplicate, rank=1)

    music_merge(keep=keep, duplicate=duplicate)

    assert list(RecommendationItem.objects.filter(run=run)) == [better]
    better.refresh_from_db()
    assert better.music == keep
    feedback.refresh_from_db()
    assert feedback.item == better
    elsewhere.refresh_from_db()
    assert elsewhere.music == keep


def test_music_merge_keeps_the_latest_verdict_of_an_author():
    keep, duplicate = MusicFactory(), MusicFactory()
    old = FeedbackFactory(music=keep, verdict=Feedback.Verdict.KEEP)
    Feedback.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=3))
    new = FeedbackFactory(author=old.author, music=duplicate, verdict=Feedback.Verdict.REJECT)
    other_author = FeedbackFactory(music=duplicate)

    music_merge(keep=keep, duplicate=duplicate)

    assert set(Feedback.objects.filter(music=keep)) == {new, other_author}
    assert Feedback.objects.get(author=old.author).verdict == Feedback.Verdict.REJECT


def test_music_merge_keeps_the_better_features_and_the_more_trusted_genre():
    keep, duplicate = MusicFactory(), MusicFactory()
    MusicFeaturesFactory(
        music=keep, feature_source=FeatureSource.CATALOGUE, tempo_bpm=99.0, genre="latin",
        genres={"latin": 1.0}, genre_source=GenreSource.CATALOGUE,
    )  # fmt: skip
    audio = MusicFeaturesFactory(
        music=duplicate, feature_source=FeatureSource.AUDIO, tempo_bpm=101.5, genre="pop",
        genres={"pop": 0.6, "rock": 0.4}, genre_source=GenreSource.NEIGHBOURS,
        genre_confidence=0.4,
    )  # fmt: skip

    music_merge(keep=keep, duplicate=duplicate)

    features = MusicFeatures.objects.get(music=keep)
    assert features.pk == audio.pk
    assert features.tempo_bpm == 101.5
    assert (features.genre, features.genre_source, features.genres) == (
        "latin",
        GenreSource.CATALOGUE,
        {"latin": 1.0},
    )
    assert features.detail["catalogue"]["tempo_bpm"] == 99.0
    assert MusicFeatures.objects.count() == 1


def test_music_merge_keeps_the_kept_tracks_features_when_they_are_better():
    keep, duplicate = MusicFactory(), MusicFactory()
    kept = MusicFeaturesFactory(music=keep, status=AnalysisStatus.OK, tempo_bpm=120.0)
    MusicFeaturesFactory(music=duplicate, status=AnalysisStatus.FAILED, tempo_bpm=None)
    music_merge(keep=keep, duplicate=duplicate)
    assert MusicFeatures.objects.get(music=keep).pk == kept.pk


def test_music_merge_takes_the_duplicates_features_when_the_kept_has_none():
    keep, duplicate = MusicFactory(), MusicFactory()
    moved = MusicFeaturesFactory(music=duplicate)
    music_merge(keep=keep, duplicate=duplicate)
    assert MusicFeatures.objects.get(music=keep).pk == moved.pk


def test_music_merge_refuses_to_merge_a_track_into_itself():
    track = MusicFactory()
    with pytest.raises(ValidationError, match="itself"):
        music_merge(keep=track, duplicate=track)


def test_music_merge_is_all_or_nothing():
    keep = MusicFactory(title="")  # invalid: the final validation of the kept row fails
    duplicate = MusicFactory()
    source = MusicSourceFactory(music=duplicate)
    VideoMusicFactory(music=duplicate)

    with pytest.raises(ValidationError, match="title"):
        music_merge(keep=keep, duplicate=duplicate)

    assert Music.objects.filter(pk=duplicate.pk).exists()
    source.refresh_from_db()
    assert source.music_id == duplicate.pk
    assert VideoMusic.objects.get().music_id == duplicate.pk
