from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from authors.tests.factories import AuthorFactory
from music.tests.factories import MusicFactory
from musicrec.core.models import Platform
from videos.models import Video, VideoContentAnalysis, VideoMusic, VideoSnapshot, VideoSource


class VideoFactory(DjangoModelFactory[Video]):
    class Meta:
        model = Video

    author = factory.SubFactory(AuthorFactory)
    caption = factory.Faker("sentence")
    hashtags = factory.LazyFunction(lambda: ["dance", "fyp"])
    duration_s = 15.0
    posted_at = factory.LazyFunction(timezone.now)


class VideoSourceFactory(DjangoModelFactory[VideoSource]):
    class Meta:
        model = VideoSource

    video = factory.SubFactory(VideoFactory)
    platform = Platform.TIKTOK
    external_id = factory.Sequence(lambda n: str(7_100_000_000_000_000_000 + n))
    views = factory.Faker("pyint", min_value=100, max_value=5_000_000)
    likes = factory.LazyAttribute(lambda o: o.views // 10)
    comments = factory.LazyAttribute(lambda o: o.views // 200)
    shares = factory.LazyAttribute(lambda o: o.views // 300)
    saves = factory.LazyAttribute(lambda o: o.views // 250)


class VideoSnapshotFactory(DjangoModelFactory[VideoSnapshot]):
    class Meta:
        model = VideoSnapshot

    source = factory.SubFactory(VideoSourceFactory)
    taken_at = factory.LazyFunction(timezone.now)
    views = factory.LazyAttribute(lambda o: o.source.views)


class VideoMusicFactory(DjangoModelFactory[VideoMusic]):
    class Meta:
        model = VideoMusic

    video = factory.SubFactory(VideoFactory)
    music = factory.SubFactory(MusicFactory)


class VideoContentAnalysisFactory(DjangoModelFactory[VideoContentAnalysis]):
    class Meta:
        model = VideoContentAnalysis

    video = factory.SubFactory(VideoFactory)
    version = "test"
    analyzed_at = factory.LazyFunction(timezone.now)
    category = "dance"
    category_source = "text"
    category_confidence = 0.8
    tempo_bpm = 122.0
    energy = 0.8
    valence = 0.7
    arousal = 0.8
