"""Migration 0002 renames the analysis columns without losing stored figures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from authors.models import AuthorAnalysis

BEFORE = [("authors", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_0002_keeps_figures_under_their_new_names() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    author = old.get_model("authors", "Author").objects.create(name="Before the rename")
    old.get_model("authors", "AuthorAnalysis").objects.create(
        author=author,
        version="1",
        analyzed_at=datetime(2024, 3, 1, tzinfo=UTC),
        videos_analyzed=30,
        engagement_rate_views=0.0831,
        engagement_rate_followers=0.05,
        posts_per_week=3.5,
        viral_share=0.1,
        follower_growth_per_day=120.0,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    analysis = AuthorAnalysis.objects.get(author_id=author.pk)
    assert (analysis.videos_analysed, analysis.engagement_rate_by_views) == (30, 0.0831)
    assert (analysis.engagement_rate_by_followers, analysis.videos_per_week) == (0.05, 3.5)
    assert (analysis.viral_hit_share, analysis.followers_gained_per_day) == (0.1, 120.0)
