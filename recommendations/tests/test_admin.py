"""Admin smoke tests: runs, items and feedback pages load, with a bounded number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from recommendations.services import feedback_record, recommendation_generate
from recommendations.tests.db_catalogue import make_catalogue, make_creator

pytestmark = pytest.mark.django_db


@pytest.fixture
def run():
    make_catalogue(per_kind=4)
    luna = make_creator("luna", "dance-pop")
    run = recommendation_generate(author_id=luna.pk, limit=10)
    feedback_record(run_id=run.pk, item_id=run.items.first().pk, verdict="keep")
    return run


def test_admin_pages_load(admin_client, run):
    item = run.items.first()
    feedback = item.feedback.get()
    for name, args in (
        ("admin:recommendations_recommendationrun_changelist", []),
        ("admin:recommendations_recommendationrun_change", [run.pk]),
        ("admin:recommendations_recommendationitem_changelist", []),
        ("admin:recommendations_recommendationitem_change", [item.pk]),
        ("admin:recommendations_feedback_changelist", []),
        ("admin:recommendations_feedback_change", [feedback.pk]),
    ):
        response = admin_client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    changelist = admin_client.get(reverse("admin:recommendations_recommendationrun_changelist"))
    assert b"<th" in changelist.content and b"items" in changelist.content


def test_runs_cannot_be_added_by_hand(admin_client, run):
    response = admin_client.get(reverse("admin:recommendations_recommendationrun_add"))
    assert response.status_code == 403


def test_run_change_page_does_not_query_per_item(admin_client, run, django_assert_max_num_queries):
    url = reverse("admin:recommendations_recommendationrun_change", args=[run.pk])
    admin_client.get(url)
    with django_assert_max_num_queries(20):
        admin_client.get(url)
