from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from authors.tests.factories import AuthorFactory
from music.tests.factories import MusicFactory
from recommendations.models import Feedback, RecommendationItem, RecommendationRun


class RecommendationRunFactory(DjangoModelFactory[RecommendationRun]):
    class Meta:
        model = RecommendationRun

    author = factory.SubFactory(AuthorFactory)
    target_kind = RecommendationRun.TargetKind.AUTHOR
    weights = factory.LazyFunction(lambda: {"tempo": 1.0})
    engine_version = "test"


class RecommendationItemFactory(DjangoModelFactory[RecommendationItem]):
    class Meta:
        model = RecommendationItem

    run = factory.SubFactory(RecommendationRunFactory)
    rank = factory.Sequence(lambda n: n + 1)
    music = factory.SubFactory(MusicFactory)
    score = 0.5
    components = factory.LazyFunction(lambda: {"tempo": 0.5})
    reasons = factory.LazyFunction(lambda: ["Close tempo"])


class FeedbackFactory(DjangoModelFactory[Feedback]):
    class Meta:
        model = Feedback

    author = factory.SubFactory(AuthorFactory)
    music = factory.SubFactory(MusicFactory)
    verdict = Feedback.Verdict.KEEP
