"""The stored analysis in the admin: read-only, key figures with units and formulas, re-run."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from authors import services
from authors.analysis import METRIC_FORMULAS
from authors.models import AuthorAnalysis
from authors.tests.factories import AuthorFactory, AuthorSourceFactory
from videos.tests.factories import VideoFactory, VideoSourceFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def analysis() -> AuthorAnalysis:
    author = AuthorSourceFactory(handle="lunamoves", followers=48_000).author
    for day in (1, 2, 3):
        video = VideoFactory(author=author, posted_at=NOW.replace(day=day + 20, month=2))
        VideoSourceFactory(video=video, views=10_000, likes=900, comments=50, shares=25, saves=25)
    return services.author_analyze(author_id=author.pk, now=NOW)


def test_analysis_change_page_shows_key_figures_with_units_and_formulas(
    admin_client, analysis
) -> None:
    page = admin_client.get(reverse("admin:authors_authoranalysis_change", args=[analysis.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "10.00 %" in html  # (900 + 50 + 25 + 25) / 10,000 by views
    assert "48,000" in html and "micro" in html
    assert "10,000 views" in html and "videos/week" in html
    assert METRIC_FORMULAS["engagement_rate_by_views"] in html
    assert METRIC_FORMULAS["viral_hit_share"].replace(">", "&gt;") in html
    assert "&quot;engagement_rate_by_views&quot;: 0.1" in html  # the pretty-printed metrics
    assert "Growth needs at least two stat snapshots." in html
    assert 'name="_save"' not in html  # read-only: nothing to save


def test_analysis_admin_cannot_add(admin_client) -> None:
    assert admin_client.get(reverse("admin:authors_authoranalysis_add")).status_code == 403


def test_analysis_changelist_shows_rates_in_percent(admin_client, analysis) -> None:
    page = admin_client.get(reverse("admin:authors_authoranalysis_changelist"))
    assert page.status_code == 200
    assert "10.00 %" in page.content.decode()


def test_author_page_shows_the_analysis_inline(admin_client, analysis) -> None:
    page = admin_client.get(reverse("admin:authors_author_change", args=[analysis.author_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Key figures" in html and METRIC_FORMULAS["videos_per_week"] in html
    changelist = admin_client.get(reverse("admin:authors_author_changelist")).content.decode()
    assert "Complete · micro · 10.00 % engagement by views" in changelist


@pytest.mark.parametrize("model", ["authoranalysis", "author"])
def test_rerun_profile_analysis_action(
    admin_client, analysis, django_capture_on_commit_callbacks, model: str
) -> None:
    fresh = AuthorSourceFactory(followers=2_000).author
    AuthorFactory(name="Never selected")
    AuthorAnalysis.objects.filter(pk=analysis.pk).update(tier="stale")
    selected = (
        [analysis.pk]
        if model == "authoranalysis"
        else [analysis.author_id, fresh.pk]  # an author with no analysis yet gets one
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse(f"admin:authors_{model}_changelist"),
            {"action": "rerun_profile_analysis", ACTION_CHECKBOX_NAME: selected},
            follow=True,
        )
    assert response.status_code == 200
    assert f"Queued the profile analysis of {len(selected)} creator(s)" in (
        response.content.decode()
    )
    analysis.refresh_from_db()
    assert analysis.tier == "micro"  # recomputed by the worker (sync mode)
    expected = {analysis.author_id} | ({fresh.pk} if model == "author" else set())
    assert set(AuthorAnalysis.objects.values_list("author_id", flat=True)) == expected
