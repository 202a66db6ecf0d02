"""Catalogue arrays and the usage table read from the database, and their version stamps."""

from __future__ import annotations

import numpy as np
import pytest
from django.test import override_settings

from music.models import MusicFeatures
from music.tests.factories import MusicFactory, MusicFeaturesFactory, MusicSourceFactory
from musicrec.core.models import AnalysisStatus, Platform
from musicrec.core.versions import CATALOGUE, USAGE, data_changed
from recommendations.catalogue_source import (
    cache_stats,
    catalogue_records,
    catalogue_version,
    engine_data,
    usage_table,
    usage_version,
)
from recommendations.crowd import creator_query
from recommendations.services import recommendation_generate
from recommendations.tests.db_catalogue import make_catalogue, make_creator
from recommendations.usage import day_number
from videos.tests.factories import VideoFactory, VideoMusicFactory

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
    # One query: the explicit counter (test_data_versions: every writer bumps it).
    with django_assert_num_queries(1):
        first = catalogue_version()
    assert catalogue_version() == first
    data_changed(CATALOGUE)
    assert catalogue_version() != first


def test_engine_data_rebuilds_only_when_the_catalogue_changes(django_assert_num_queries):
    catalogue = make_catalogue(per_kind=2)
    make_creator("luna", "dance-pop", used=catalogue.tracks["dance-pop"][:1])
    start = cache_stats()
    first = engine_data()
    # One version query, nothing rebuilt; the crowd data is not even looked at.
    with django_assert_num_queries(1):
        again = engine_data()
    assert again.arrays is first.arrays
    assert cache_stats()["catalogue"] == start["catalogue"] + 1
    assert cache_stats()["crowd"] == start["crowd"]

    crowd = first.crowd()
    # One usage version query when nothing changed.
    with django_assert_num_queries(1):
        assert first.crowd() is crowd

    # A new use of a track changes the crowd data only (the ingest bumps the usage version).
    make_creator("beat", "edm", used=catalogue.tracks["edm"][:1])
    data_changed(USAGE)
    third = engine_data()
    assert third.arrays is first.arrays
    assert third.crowd() is not crowd
    assert cache_stats()["catalogue"] == start["catalogue"] + 1

    # A catalogue change rebuilds both (the usage rows index the arrays).
    MusicFeatures.objects.filter(music=catalogue.all[0]).update(energy=0.01)
    data_changed(CATALOGUE)
    fourth = engine_data()
    assert fourth.arrays is not first.arrays and fourth.crowd() is not third.crowd()
    assert fourth.arrays.energy[fourth.arrays.row_of(catalogue.all[0].pk)] == pytest.approx(0.01)
    assert cache_stats()["catalogue"] == start["catalogue"] + 2


def test_usage_version_follows_its_counter_and_the_catalogue():
    version = catalogue_version()
    before = usage_version(version)
    data_changed(USAGE)
    after_use = usage_version(version)
    assert after_use != before
    data_changed(CATALOGUE)
    assert usage_version(catalogue_version()) != after_use


def test_usage_table_rows_performance_and_words(django_assert_num_queries):
    catalogue = make_catalogue(per_kind=3)
    tracks = catalogue.tracks["dance-pop"]
    luna = make_creator("luna", "dance-pop", used=tracks[:3], views=[1_000, 1_000, 4_000])
    luna.videos.update(hashtags=["dance", "fyp", "summer"], caption="Nhảy cùng tôi")
    original = MusicFactory(is_original_sound=True)
    VideoMusicFactory(video=VideoFactory(author=luna), music=original)
    arrays = engine_data().arrays
    # 1. posts with views and the ad flag, 2. uses of catalogue tracks with their videos
    with django_assert_num_queries(2):
        usage = usage_table(arrays)
    assert usage.size == 3  # the original sound is not a catalogue track
    assert usage.creator_ids.tolist() == [luna.pk]
    assert sorted(usage.track.tolist()) == sorted(arrays.rows_for(t.pk for t in tracks))
    # The median video scores 0.5; four times the median is capped at 1.
    assert sorted(usage.performance.tolist()) == pytest.approx([0.5, 0.5, 1.0])
    # Reach tags are dropped; the caption's script gives the language.
    assert set(usage.vocabulary) == {"#dance", "#summer", "lang:vi"}
    assert np.all(np.diff(usage.day) >= 0)


def test_usage_table_leaves_out_ads_and_undated_posts():
    catalogue = make_catalogue(per_kind=2)
    tracks = catalogue.tracks["edm"]
    luna = make_creator("luna", "edm", used=tracks[:2])
    first, second = luna.videos.order_by("pk")
    first.sources.update(is_ad=True)
    second.posted_at = None
    second.save()
    assert usage_table(engine_data().arrays).size == 0


def test_crowd_scores_from_stored_uses():
    catalogue = make_catalogue(per_kind=3)
    pop, edm = catalogue.tracks["dance-pop"], catalogue.tracks["edm"]
    luna = make_creator("luna", "dance-pop", used=[pop[0]])
    make_creator("mira", "dance-pop", used=[pop[0], pop[2]])
    make_creator("volt", "edm", used=[edm[0]])
    data = engine_data()
    crowd = data.crowd()
    query = creator_query(
        crowd.usage, author_id=luna.pk, moment=crowd.usage.latest_day, post_days=[]
    )
    scores = crowd.collaborative(query)
    row = data.arrays.row_of
    assert scores[row(pop[2].pk)] == pytest.approx(1.0)  # mira used it beside luna's track
    assert scores[row(edm[0].pk)] == 0  # nobody used it beside luna's track
    momentum = crowd.momentum(query)
    assert momentum[row(edm[0].pk)] > 0.4  # volt used it just now
    assert momentum[row(pop[1].pk)] == 0  # nobody used it
    assert day_number(luna.videos.get().posted_at) <= crowd.usage.latest_day


@override_settings(RECOMMENDER_CATALOGUE_CHECK_SECONDS=60)
def test_stamps_are_trusted_for_the_check_interval(django_assert_num_queries):
    catalogue = make_catalogue(per_kind=2)
    first = engine_data()
    assert first.checked_now
    MusicFeatures.objects.filter(music=catalogue.all[0]).update(energy=0.01)
    data_changed(CATALOGUE)
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
