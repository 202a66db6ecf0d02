"""Catalogue arrays and collaborative data read from the database, and their version stamps."""

from __future__ import annotations

import numpy as np
import pytest
from django.test import override_settings

from music.models import Music, MusicFeatures, MusicSource
from music.tests.factories import MusicFactory, MusicFeaturesFactory, MusicSourceFactory
from musicrec.core.models import AnalysisStatus, Platform
from recommendations.catalogue_source import (
    cache_stats,
    catalogue_records,
    catalogue_version,
    collaborative_data,
    collaborative_version,
    engine_data,
)
from recommendations.profile_targets import author_target
from recommendations.services import recommendation_generate
from recommendations.tests.db_catalogue import make_catalogue, make_creator, profile_metrics

pytestmark = pytest.mark.django_db


def test_catalogue_records_leave_out_original_sounds_and_failed_features():
    kept = MusicFactory(title="Kept", artist_name="Band", commercial_ok=True)
    MusicFeaturesFactory(music=kept, tempo_bpm=100.0, genres={"rock": 0.7, "indie": 0.3})
    failed = MusicFactory(title="Failed")
    MusicFeaturesFactory(music=failed, status=AnalysisStatus.FAILED, tempo_bpm=90.0)
    MusicFactory(title="Own sound", is_original_sound=True)
    records = {r.title: r for r in catalogue_records()}
    assert set(records) == {"Kept", "Failed"}
    assert records["Kept"].tempo_bpm == 100.0
    assert records["Kept"].genres == {"rock": 0.7, "indie": 0.3}
    assert records["Kept"].commercial_ok is True
    assert records["Failed"].tempo_bpm is None and records["Failed"].genres == {}
    assert records["Failed"].commercial_ok is None


def test_catalogue_records_combine_the_sources_popularity_and_usage():
    music = MusicFactory()
    MusicSourceFactory(music=music, platform=Platform.SPOTIFY, popularity=40, usage_count=None)
    MusicSourceFactory(music=music, platform=Platform.CATALOGUE, popularity=55, usage_count=None)
    MusicSourceFactory(music=music, platform=Platform.TIKTOK, usage_count=1_000)
    MusicSourceFactory(music=music, platform=Platform.TIKTOK, usage_count=250)
    alone = MusicFactory()
    (record, other) = sorted(catalogue_records(), key=lambda r: r.music_id != music.pk)
    assert record.spotify_popularity == 55
    assert record.tiktok_usage == 1_250
    assert other.music_id == alone.pk
    assert other.spotify_popularity is None and other.tiktok_usage is None


def test_catalogue_records_take_two_queries_whatever_the_size(django_assert_num_queries):
    make_catalogue(per_kind=2)
    # 1. music joined with features and artist, 2. sources
    with django_assert_num_queries(2):
        small = catalogue_records()
    make_catalogue(per_kind=8)
    with django_assert_num_queries(2):
        large = catalogue_records()
    assert len(large) == len(small) + 40


def test_catalogue_version_is_stable_while_nothing_changes(django_assert_num_queries):
    make_catalogue(per_kind=2)
    # One aggregate query each over music, features and sources.
    with django_assert_num_queries(3):
        first = catalogue_version()
    assert catalogue_version() == first


@pytest.mark.parametrize(
    "change",
    [
        "new track",
        "trend refresh",
        "genre swap",
        "usage count",
        "commercial flag",
        "source moved",
        "analysis failed",
    ],
)
def test_catalogue_version_changes_with_every_input_of_the_arrays(change):
    catalogue = make_catalogue(per_kind=2)
    a, b = catalogue.tracks["dance-pop"][0], catalogue.tracks["acoustic"][0]
    MusicSourceFactory(music=a, platform=Platform.TIKTOK, usage_count=500)
    before = catalogue_version()
    features = MusicFeatures.objects
    if change == "new track":
        MusicFeaturesFactory(music=MusicFactory())
    elif change == "trend refresh":  # the trend service saves only its own columns
        features.filter(music=a).update(usage_growth_7d=0.25)
    elif change == "genre swap":  # two tracks exchanging labels keep every count the same
        features.filter(music=a).update(genre="folk-acoustic", genres={"folk-acoustic": 1.0})
        features.filter(music=b).update(genre="pop", genres={"pop": 1.0})
    elif change == "usage count":
        MusicSource.objects.filter(music=a, platform=Platform.TIKTOK).update(usage_count=501)
    elif change == "commercial flag":
        Music.objects.filter(pk=a.pk).update(commercial_ok=None)
    elif change == "source moved":
        MusicSource.objects.filter(music=a, platform=Platform.TIKTOK).update(music=b)
    elif change == "analysis failed":
        features.filter(music=a).update(status=AnalysisStatus.FAILED)
    assert catalogue_version() != before


def test_engine_data_rebuilds_only_when_the_catalogue_changes(django_assert_num_queries):
    catalogue = make_catalogue(per_kind=2)
    make_creator("luna", "dance-pop", used=catalogue.tracks["dance-pop"][:1])
    start = cache_stats()
    first = engine_data()
    # Six stamp queries, nothing rebuilt.
    with django_assert_num_queries(6):
        again = engine_data()
    assert again.arrays is first.arrays and again.collaborative is first.collaborative
    assert cache_stats()["catalogue"] == start["catalogue"] + 1

    # A new use of a track changes the collaborative data only.
    make_creator("beat", "edm", used=catalogue.tracks["edm"][:1])
    third = engine_data()
    assert third.arrays is first.arrays
    assert third.collaborative is not first.collaborative
    assert cache_stats()["catalogue"] == start["catalogue"] + 1

    # A catalogue change rebuilds both (the usage rows index the arrays).
    MusicFeatures.objects.filter(music=catalogue.all[0]).update(energy=0.01)
    fourth = engine_data()
    assert fourth.arrays is not first.arrays and fourth.collaborative is not third.collaborative
    assert fourth.arrays.energy[fourth.arrays.row_of(catalogue.all[0].pk)] == pytest.approx(0.01)
    assert cache_stats()["catalogue"] == start["catalogue"] + 2


def test_collaborative_version_follows_analyses_uses_and_views():
    catalogue = make_catalogue(per_kind=2)
    luna = make_creator("luna", "dance-pop", used=catalogue.tracks["dance-pop"][:2])
    version = catalogue_version()
    before = collaborative_version(version)
    # A re-analysis with the same clock: only the stored figures change.
    luna.analysis.metrics = profile_metrics("edm")
    luna.analysis.profile_tempo_bpm = 128.0
    luna.analysis.save()
    after_analysis = collaborative_version(version)
    assert after_analysis != before
    luna.videos.first().sources.update(views=999)
    assert collaborative_version(version) != after_analysis


def test_collaborative_data_rows_and_relative_performance():
    catalogue = make_catalogue(per_kind=3)
    tracks = catalogue.tracks["dance-pop"]
    luna = make_creator("luna", "dance-pop", used=tracks[:3], views=[1_000, 1_000, 4_000])
    make_creator("nosy", None, used=tracks[:1])  # not analysed: its uses have no voter
    data = collaborative_data(engine_data().arrays)
    assert data.author_ids.tolist() == [luna.pk]
    assert data.profiles.shape[0] == 1
    assert data.usage_author.tolist() == [0, 0, 0]
    by_video = dict(zip(data.usage_video.tolist(), data.usage_performance.tolist(), strict=True))
    # The median video scores 0.5; four times the median is capped at 1.
    assert sorted(by_video.values()) == pytest.approx([0.5, 0.5, 1.0])


def test_collaborative_scores_come_from_similar_creators_only():
    catalogue = make_catalogue(per_kind=3)
    pop, edm, calm = (catalogue.tracks[k] for k in ("dance-pop", "edm", "ambient"))
    luna = make_creator("luna", "dance-pop", used=pop[:1])
    make_creator("mira", "dance-pop", used=[pop[2]])
    make_creator("zen", "ambient", used=[calm[0]])
    make_creator("volt", "edm", used=[edm[0]])
    data = engine_data()
    target = author_target(profile_metrics("dance-pop"))
    scores = data.collaborative.scores(target, data.arrays.size, author_id=luna.pk)
    assert scores is not None
    row = data.arrays.row_of
    assert scores[row(pop[2].pk)] == pytest.approx(1.0)  # mira is the most similar creator
    assert scores[row(pop[0].pk)] == 0  # luna's own use never votes
    assert scores[row(calm[0].pk)] == 0  # zen is the opposite of luna
    assert np.all(scores >= 0)
    assert data.collaborative.scores(author_target(None), data.arrays.size) is None


@override_settings(RECOMMENDER_CATALOGUE_CHECK_SECONDS=60)
def test_stamps_are_trusted_for_the_check_interval(django_assert_num_queries):
    catalogue = make_catalogue(per_kind=2)
    first = engine_data()
    assert first.checked_now
    MusicFeatures.objects.filter(music=catalogue.all[0]).update(energy=0.01)
    with django_assert_num_queries(0):
        trusted = engine_data()
    assert trusted.arrays is first.arrays and not trusted.checked_now
    fresh = engine_data(fresh=True)
    assert fresh.arrays is not first.arrays and fresh.checked_now


@override_settings(RECOMMENDER_CATALOGUE_CHECK_SECONDS=60)
def test_a_track_removed_within_the_interval_never_reaches_a_run():
    catalogue = make_catalogue(per_kind=2)
    luna = make_creator("luna", "dance-pop")
    first = recommendation_generate(author_id=luna.pk, limit=1)  # reads the stamps
    shown = first.items.get().music_id
    gone = next(m for m in catalogue.tracks["dance-pop"] if m.pk != shown)
    gone.delete()
    run = recommendation_generate(author_id=luna.pk, limit=10)
    assert gone.pk not in set(run.items.values_list("music_id", flat=True))
    assert run.items.count() == 9
