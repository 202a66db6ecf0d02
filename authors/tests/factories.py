from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from authors.models import Author, AuthorAnalysis, AuthorSnapshot, AuthorSource
from musicrec.core.models import Platform


class AuthorFactory(DjangoModelFactory[Author]):
    class Meta:
        model = Author

    name = factory.Faker("name")
    is_creator = True


class AuthorSourceFactory(DjangoModelFactory[AuthorSource]):
    class Meta:
        model = AuthorSource

    author = factory.SubFactory(AuthorFactory)
    platform = Platform.TIKTOK
    external_id = factory.Sequence(lambda n: str(6_800_000_000_000_000_000 + n))
    handle = factory.Sequence(lambda n: f"creator_{n}")
    display_name = factory.LazyAttribute(lambda o: o.author.name)
    followers = factory.Faker("pyint", min_value=1_000, max_value=2_000_000)
    following = factory.Faker("pyint", min_value=0, max_value=2_000)
    likes_total = factory.Faker("pyint", min_value=10_000, max_value=90_000_000)
    video_count = factory.Faker("pyint", min_value=1, max_value=900)
    last_scraped_at = factory.LazyFunction(timezone.now)


class AuthorSnapshotFactory(DjangoModelFactory[AuthorSnapshot]):
    class Meta:
        model = AuthorSnapshot

    source = factory.SubFactory(AuthorSourceFactory)
    taken_at = factory.LazyFunction(timezone.now)
    followers = factory.LazyAttribute(lambda o: o.source.followers)
    likes_total = factory.LazyAttribute(lambda o: o.source.likes_total)
    video_count = factory.LazyAttribute(lambda o: o.source.video_count)


class AuthorAnalysisFactory(DjangoModelFactory[AuthorAnalysis]):
    class Meta:
        model = AuthorAnalysis

    author = factory.SubFactory(AuthorFactory)
    version = "test"
    analyzed_at = factory.LazyFunction(timezone.now)
    tier = "micro"
    followers = 50_000
    videos_analysed = 10
    median_views = 12_000.0
    engagement_rate_by_views = 0.08
