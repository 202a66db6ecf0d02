"""Smoke test: every admin changelist and add/change form loads for a curator."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from authors.tests.factories import AuthorAnalysisFactory, AuthorSnapshotFactory
from music.tests.factories import MusicFeaturesFactory, MusicSnapshotFactory
from musicrec.core.tests.factories import JobFactory
from recommendations.tests.factories import FeedbackFactory, RecommendationItemFactory
from videos.tests.factories import (
    VideoContentAnalysisFactory,
    VideoMusicFactory,
    VideoSnapshotFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def populated():
    AuthorSnapshotFactory()
    AuthorAnalysisFactory()
    VideoSnapshotFactory()
    VideoContentAnalysisFactory()
    VideoMusicFactory()
    MusicSnapshotFactory()
    MusicFeaturesFactory()
    item = RecommendationItemFactory()
    FeedbackFactory(author=item.run.author, music=item.music, item=item)
    JobFactory()


def _admin_models():
    return [
        m
        for m in admin.site._registry
        if m._meta.app_label in {"core", "authors", "videos", "music", "recommendations"}
    ]


@pytest.mark.parametrize("model", _admin_models(), ids=lambda m: m._meta.label)
def test_admin_pages_load(client, staff_user, populated, model):
    client.force_login(staff_user)
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    changelist = reverse(f"{prefix}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "a"}).status_code == 200
    obj = model.objects.first()
    assert obj is not None
    assert client.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code == 200
    if admin.site._registry[model].has_add_permission(_request(staff_user)):
        assert client.get(reverse(f"{prefix}_add")).status_code == 200


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request
