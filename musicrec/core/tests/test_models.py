"""Constraints and delete rules of the data model."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from authors.models import Author, AuthorSnapshot, AuthorSource
from authors.tests.factories import (
    AuthorAnalysisFactory,
    AuthorSnapshotFactory,
    AuthorSourceFactory,
)
from music.models import Music, MusicSource
from music.tests.factories import MusicFactory, MusicFeaturesFactory, MusicSourceFactory
from musicrec.core.models import Platform
from musicrec.core.tests.factories import JobFactory
from recommendations.models import Feedback, RecommendationItem, RecommendationRun
from recommendations.tests.factories import FeedbackFactory, RecommendationItemFactory
from videos.models import Video, VideoMusic, VideoSource
from videos.tests.factories import (
    VideoContentAnalysisFactory,
    VideoMusicFactory,
    VideoSnapshotFactory,
    VideoSourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory",
    [AuthorSourceFactory, VideoSourceFactory, MusicSourceFactory],
    ids=["author", "video", "music"],
)
def test_source_rows_refuse_duplicate_platform_and_external_id(factory):
    first = factory(platform=Platform.TIKTOK, external_id="7166174024223952130")
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(platform=Platform.TIKTOK, external_id=first.external_id)
    # The same id on another platform is another account, not a duplicate.
    factory(platform=Platform.SPOTIFY, external_id=first.external_id)


def test_counts_hold_values_beyond_32_bits():
    views = 9_876_543_210
    source = VideoSourceFactory(views=views, likes=views // 3)
    source.refresh_from_db()
    assert source.views == views


def test_negative_counts_are_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        VideoSourceFactory(views=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorSourceFactory(followers=-5)


def test_spotify_popularity_must_be_0_to_100():
    with pytest.raises(IntegrityError), transaction.atomic():
        MusicSourceFactory(platform=Platform.SPOTIFY, popularity=101)


def test_job_progress_cannot_exceed_100():
    with pytest.raises(IntegrityError), transaction.atomic():
        JobFactory(progress=101)


def test_deleting_an_author_removes_their_accounts_snapshots_videos_and_analysis():
    snapshot = AuthorSnapshotFactory()
    author = snapshot.source.author
    AuthorAnalysisFactory(author=author)
    video_source = VideoSourceFactory(video__author=author)
    VideoSnapshotFactory(source=video_source)
    VideoContentAnalysisFactory(video=video_source.video)
    link = VideoMusicFactory(video=video_source.video)

    author.delete()

    assert not AuthorSource.objects.exists()
    assert not AuthorSnapshot.objects.exists()
    assert not Video.objects.exists()
    assert not VideoSource.objects.exists()
    assert not VideoMusic.objects.exists()
    # The track the video used is catalogue data, not the creator's: it stays.
    assert Music.objects.filter(pk=link.music_id).exists()


def test_deleting_an_artist_keeps_their_music_without_the_link():
    music = MusicFactory(artist=AuthorSourceFactory().author)
    music.artist.delete()
    music.refresh_from_db()
    assert music.artist is None


def test_deleting_music_removes_its_sources_features_and_video_links():
    source = MusicSourceFactory()
    MusicFeaturesFactory(music=source.music)
    VideoMusicFactory(music=source.music)
    source.music.delete()
    assert not MusicSource.objects.exists()
    assert not VideoMusic.objects.exists()
    assert Video.objects.count() == 1


def test_recommended_music_is_protected_while_a_run_lists_it():
    item = RecommendationItemFactory()
    with pytest.raises(ProtectedError):
        item.music.delete()
    item.run.delete()
    assert not RecommendationItem.objects.exists()
    item.music.delete()


def test_deleting_an_author_removes_their_runs_and_feedback():
    item = RecommendationItemFactory()
    FeedbackFactory(author=item.run.author, music=item.music, item=item)
    item.run.author.delete()
    assert not RecommendationRun.objects.exists()
    assert not Feedback.objects.exists()


def test_feedback_is_one_verdict_per_author_and_track():
    feedback = FeedbackFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackFactory(author=feedback.author, music=feedback.music)


def test_catalogue_leaves_out_original_sounds():
    MusicFactory(title="original sound - dancer", is_original_sound=True)
    track = MusicFactory(title="Levitating")
    assert list(Music.objects.catalogue()) == [track]


def test_author_string_is_its_name():
    assert str(Author(name="Bella Poarch")) == "Bella Poarch"
