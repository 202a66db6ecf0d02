"""Creator reads: annotations, the account rule, handle lookup, and query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from authors import selectors
from authors.tests.factories import AuthorAnalysisFactory, AuthorFactory, AuthorSourceFactory
from music.models import MusicFeatures

pytestmark = pytest.mark.django_db


def make_creators(count: int) -> None:
    for index in range(count):
        author = AuthorFactory(name=f"Creator {index:03d}")
        AuthorSourceFactory(author=author, followers=1_000 * (index + 1))
        AuthorSourceFactory(author=author, platform="instagram")
        if index % 2:
            AuthorAnalysisFactory(author=author)


def test_author_list_annotates_the_latest_tiktok_account() -> None:
    author = AuthorFactory(name="Moved")
    now = timezone.now()
    AuthorSourceFactory(
        author=author, handle="old", followers=10, last_scraped_at=now - timedelta(1)
    )
    AuthorSourceFactory(
        author=author, handle="new", followers=20, last_scraped_at=now, verified=True
    )
    AuthorSourceFactory(author=author, handle="gram", platform="instagram", followers=99_999)
    row = selectors.author_list().get()
    assert (row.handle, row.followers, row.verified) == ("new", 20, True)
    assert row.tier is None and row.analysis_status is None


def test_author_list_annotates_the_analysis() -> None:
    analysis = AuthorAnalysisFactory(
        tier="macro", engagement_rate_by_views=0.07, top_category="food"
    )
    row = selectors.author_list().get()
    assert (row.tier, row.engagement_rate_by_views, row.top_category) == ("macro", 0.07, "food")
    assert (row.analysis_status, row.analyzed_at) == ("ok", analysis.analyzed_at)


def test_author_list_selector_arguments() -> None:
    dancer = AuthorFactory(name="Dancer")
    AuthorSourceFactory(author=dancer, handle="moves", display_name="Luna Moves")
    AuthorAnalysisFactory(author=dancer, tier="mid", top_category="dance")
    AuthorFactory(name="Other", is_creator=False, is_artist=True)
    assert [a.name for a in selectors.author_list(search="@MOVES")] == ["Dancer"]
    assert [a.name for a in selectors.author_list(search="luna")] == ["Dancer"]
    assert [a.name for a in selectors.author_list(tier="mid", category="dance")] == ["Dancer"]
    assert [a.name for a in selectors.author_list(is_creator=False)] == ["Other"]
    assert list(selectors.author_list(search="  @ ")) == list(selectors.author_list())


@pytest.mark.parametrize("count", [3, 30])
def test_author_list_is_one_query(django_assert_num_queries, count: int) -> None:
    make_creators(count)
    # authors with the account subqueries and the analysis join, in one SELECT
    with django_assert_num_queries(1):
        rows = list(selectors.author_list())
        assert len(rows) == count
        assert [r.handle for r in rows] and [r.tier for r in rows]


@pytest.mark.parametrize("count", [3, 30])
def test_author_detail_list_is_two_queries(django_assert_num_queries, count: int) -> None:
    make_creators(count)
    # 1: authors + annotations + analysis; 2: every author's accounts
    with django_assert_num_queries(2):
        rows = list(selectors.author_detail_list())
        assert all(len(author.sources.all()) == 2 for author in rows)
        assert sum(hasattr(author, "analysis") for author in rows) == count // 2


@pytest.mark.parametrize("count", [3, 30])
def test_author_list_api_query_count_is_fixed(
    auth_api_client, django_assert_num_queries, count: int
) -> None:
    make_creators(count)
    # the role check: the user's and their groups' permissions (2); then 1: the page count;
    # 2: the page of authors with their annotations
    with django_assert_num_queries(4):
        response = auth_api_client.get(reverse("api-v1:author-list"))
    assert response.json()["count"] == count


def test_author_detail_api_query_count(auth_api_client, django_assert_num_queries) -> None:
    make_creators(2)
    author_id = selectors.author_list(ordering=("name",))[1].pk
    # the role check (2); 1: the author + annotations + analysis (+ its author via the same
    # row); 2: accounts
    with django_assert_num_queries(4):
        response = auth_api_client.get(reverse("api-v1:author-detail", args=[author_id]))
    assert response.json()["analysis"]["author"] == author_id


def test_author_get_by_handle_ignores_case_and_at() -> None:
    author = AuthorSourceFactory(handle="LunaMoves").author
    assert selectors.author_get_by_handle("@lunamoves") == author
    assert selectors.author_get_by_handle("  LUNAMOVES ") == author
    assert selectors.author_get_by_handle("luna") is None
    assert selectors.author_get_by_handle("@") is None


def test_author_get_by_handle_prefers_the_tiktok_account() -> None:
    other = AuthorSourceFactory(handle="sam", platform="instagram", last_scraped_at=timezone.now())
    tiktok = AuthorSourceFactory(handle="sam", last_scraped_at=None)
    assert other.author != tiktok.author
    assert selectors.author_get_by_handle("sam") == tiktok.author


def test_author_get_and_analysis_get() -> None:
    analysis = AuthorAnalysisFactory()
    assert selectors.author_get(analysis.author_id) == analysis.author
    assert selectors.author_get(987_654) is None
    assert selectors.author_analysis_get(analysis.author_id) == analysis
    assert selectors.author_analysis_get(987_654) is None


def test_music_descriptor_is_none_without_usable_values() -> None:
    assert selectors.music_descriptor(None) is None
    empty = MusicFeatures(feature_source=MusicFeatures.FeatureSource.NONE, genres=["not", "a dict"])
    assert selectors.music_descriptor(empty) is None
