from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from music.models import Music, MusicFeatures, MusicSnapshot, MusicSource
from musicrec.core.models import Platform


class MusicFactory(DjangoModelFactory[Music]):
    class Meta:
        model = Music

    title = factory.Faker("catch_phrase")
    artist_name = factory.Faker("name")
    duration_s = 180.0


class MusicSourceFactory(DjangoModelFactory[MusicSource]):
    class Meta:
        model = MusicSource

    music = factory.SubFactory(MusicFactory)
    platform = Platform.TIKTOK
    external_id = factory.Sequence(lambda n: str(6_900_000_000_000_000_000 + n))
    usage_count = 1_000


class MusicSnapshotFactory(DjangoModelFactory[MusicSnapshot]):
    class Meta:
        model = MusicSnapshot

    source = factory.SubFactory(MusicSourceFactory)
    taken_at = factory.LazyFunction(timezone.now)
    usage_count = factory.LazyAttribute(lambda o: o.source.usage_count)


class MusicFeaturesFactory(DjangoModelFactory[MusicFeatures]):
    class Meta:
        model = MusicFeatures

    music = factory.SubFactory(MusicFactory)
    feature_source = MusicFeatures.FeatureSource.AUDIO
    version = "test"
    analyzed_at = factory.LazyFunction(timezone.now)
    tempo_bpm = 120.0
    key = "C"
    mode = "major"
    energy = 0.7
    danceability = 0.7
    valence = 0.6
    arousal = 0.7
    genre = "pop"
    genre_source = MusicFeatures.GenreSource.CATALOGUE
    genre_confidence = 1.0
    genres = factory.LazyFunction(lambda: {"pop": 1.0})
