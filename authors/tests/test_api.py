"""The creators API: auth, shapes, filters, ordering, pagination, the analysis and its re-run."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from authors import services
from authors.analysis import METRIC_FORMULAS, SnapshotInput, analyze_author
from authors.models import Author, AuthorAnalysis
from authors.tests.factories import AuthorAnalysisFactory, AuthorFactory, AuthorSourceFactory
from authors.tests.scrape_inputs import pure_inputs
from authors.tests.scrape_rows import store_scrape
from authors.tests.test_services import SAMPLE, WINDOW, stringified
from musicrec.core.models import Job
from musicrec.platforms.tiktok import parse_scrape
from videos.tests.factories import VideoFactory, VideoSourceFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
GROUPS = (
    "window",
    "reach",
    "performance",
    "engagement",
    "cadence",
    "growth",
    "content",
    "music",
    "content_profile",
)


def creator(name: str, followers: int | None, **analysis: Any) -> Author:
    author = AuthorFactory(name=name)
    AuthorSourceFactory(author=author, handle=name.lower().replace(" ", "."), followers=followers)
    if analysis:
        AuthorAnalysisFactory(author=author, followers=followers, **analysis)
    return author


@pytest.fixture
def creators() -> dict[str, Author]:
    return {
        "ana": creator("Ana Dance", 250_000, tier="mid", engagement_rate_by_views=0.05,
                       top_category="dance"),
        "bo": creator("Bo Cooks", 40_000, tier="micro", engagement_rate_by_views=0.12,
                      top_category="food"),
        "cy": creator("Cy New", 3_000),  # not analysed yet
        "artist": AuthorFactory(name="Zed Artist", is_creator=False, is_artist=True),
    }  # fmt: skip


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "api-v1:author-list", []),
        ("get", "api-v1:author-detail", [1]),
        ("get", "api-v1:author-analysis", [1]),
        ("post", "api-v1:author-analyze", [1]),
    ],
)
def test_author_api_requires_authentication(api_client, method: str, name: str, args) -> None:
    response = getattr(api_client, method)(reverse(name, args=args))
    # 401 or 403 depending on which authentication class answers first (token vs session)
    assert response.status_code in {401, 403}
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_author_list_shape_and_default_order(auth_api_client, creators) -> None:
    response = auth_api_client.get(reverse("api-v1:author-list"))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4
    # biggest audience first; the artist without an account (unknown followers) last
    assert names(response) == ["Ana Dance", "Bo Cooks", "Cy New", "Zed Artist"]
    ana = body["results"][0]
    assert ana == {
        "id": creators["ana"].pk,
        "name": "Ana Dance",
        "is_creator": True,
        "is_artist": False,
        "handle": "ana.dance",
        "followers": 250_000,
        "verified": False,
        "tier": "mid",
        "engagement_rate_by_views": 0.05,
        "videos_per_week": None,
        "top_category": "dance",
        "analysis_status": "ok",
        "analyzed_at": ana["analyzed_at"],
    }
    cy = body["results"][2]
    assert (cy["tier"], cy["analysis_status"], cy["analyzed_at"]) == (None, None, None)


def test_author_list_orders_by_engagement_with_unknown_last(auth_api_client, creators) -> None:
    url = reverse("api-v1:author-list")
    assert names(auth_api_client.get(url, {"ordering": "-engagement_rate_by_views"}))[:2] == [
        "Bo Cooks",
        "Ana Dance",
    ]
    ascending = names(auth_api_client.get(url, {"ordering": "engagement_rate_by_views"}))
    assert ascending[:2] == ["Ana Dance", "Bo Cooks"]  # nulls last in both directions
    assert names(auth_api_client.get(url, {"ordering": "followers"}))[:3] == [
        "Cy New",
        "Bo Cooks",
        "Ana Dance",
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"search": "@ANA.d"}, ["Ana Dance"]),
        ({"search": "cooks"}, ["Bo Cooks"]),
        ({"tier": "micro"}, ["Bo Cooks"]),
        ({"category": "dance"}, ["Ana Dance"]),
        ({"min_followers": 40_000}, ["Ana Dance", "Bo Cooks"]),
        ({"max_followers": 40_000}, ["Bo Cooks", "Cy New"]),
        ({"min_followers": 10_000, "max_followers": 100_000}, ["Bo Cooks"]),
        ({"is_artist": "true"}, ["Zed Artist"]),
        ({"is_creator": "true", "verified": "false"}, ["Ana Dance", "Bo Cooks", "Cy New"]),
    ],
)
def test_author_list_filters(auth_api_client, creators, params, expected) -> None:
    response = auth_api_client.get(reverse("api-v1:author-list"), params)
    assert response.status_code == 200
    assert names(response) == expected


def test_author_list_filters_verified(auth_api_client, creators) -> None:
    creators["bo"].sources.update(verified=True)
    response = auth_api_client.get(reverse("api-v1:author-list"), {"verified": "true"})
    assert names(response) == ["Bo Cooks"]


def test_author_list_rejects_bad_filter_values(auth_api_client, creators) -> None:
    response = auth_api_client.get(reverse("api-v1:author-list"), {"tier": "giant"})
    assert response.status_code == 400
    assert "tier" in response.json()


def test_author_list_paginates(auth_api_client, creators) -> None:
    url = reverse("api-v1:author-list")
    first = auth_api_client.get(url, {"page_size": 3}).json()
    assert first["count"] == 4 and len(first["results"]) == 3 and first["next"]
    second = auth_api_client.get(first["next"]).json()
    assert [r["name"] for r in second["results"]] == ["Zed Artist"] and second["next"] is None


def test_author_detail_has_sources_and_analysis(auth_api_client, creators) -> None:
    ana = creators["ana"]
    response = auth_api_client.get(reverse("api-v1:author-detail", args=[ana.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["handle"] == "ana.dance"
    assert [s["handle"] for s in body["sources"]] == ["ana.dance"]
    assert body["sources"][0]["followers"] == 250_000
    assert body["analysis"]["author"] == ana.pk and body["analysis"]["status"] == "ok"
    cy = auth_api_client.get(reverse("api-v1:author-detail", args=[creators["cy"].pk])).json()
    assert cy["analysis"] is None


def test_author_detail_unknown_is_404(auth_api_client) -> None:
    response = auth_api_client.get(reverse("api-v1:author-detail", args=[999]))
    assert response.status_code == 404
    assert response.json() == {"detail": "No author with id 999."}


def test_author_analysis_not_analysed_yet_says_how_to_run_it(auth_api_client, creators) -> None:
    cy = creators["cy"]
    response = auth_api_client.get(reverse("api-v1:author-analysis", args=[cy.pk]))
    assert response.status_code == 404
    assert response.json() == {
        "detail": f"Author {cy.pk} has not been analysed yet: "
        f"POST /api/v1/authors/{cy.pk}/analyze to run the analysis."
    }
    missing = auth_api_client.get(reverse("api-v1:author-analysis", args=[999]))
    assert missing.status_code == 404 and missing.json() == {"detail": "No author with id 999."}


@pytest.mark.parametrize("as_strings", [False, True], ids=["int counts", "string counts"])
def test_author_analysis_serves_the_pure_result_of_a_real_feed(
    auth_api_client, as_strings: bool
) -> None:
    items = json.loads(SAMPLE.read_text())
    result = parse_scrape(stringified(items) if as_strings else items, source_name=SAMPLE.name)
    scraped_at = result.scraped_at
    author = store_scrape(result, scraped_at=scraped_at)
    services.author_analyze(author_id=author.pk, now=scraped_at)

    response = auth_api_client.get(reverse("api-v1:author-analysis", args=[author.pk]))

    assert response.status_code == 200
    body = response.json()
    profile, videos = pure_inputs(parse_scrape(items, source_name=SAMPLE.name))
    snapshot = SnapshotInput(scraped_at, profile.followers, profile.likes_total)
    expected = analyze_author(profile, videos, [snapshot], now=scraped_at, **WINDOW).to_dict()
    # every metric, grouped as to_dict() groups them, with the same values (JSON round trip)
    assert {group: body[group] for group in GROUPS} == json.loads(
        json.dumps({group: expected[group] for group in GROUPS})
    )
    assert body["status"] == "ok"
    assert body["status_reason"] == expected["status"] == "ok"
    assert body["status_label"] == "ok"
    assert body["version"] == expected["analysis_version"]
    assert body["notes"] == expected["notes"]
    assert body["formulas"] == METRIC_FORMULAS
    assert body["author"] == author.pk and body["author_name"] == author.name


def test_author_analysis_of_an_empty_profile(auth_api_client) -> None:
    author = AuthorSourceFactory(is_private=True).author
    services.author_analyze(author_id=author.pk, now=NOW)
    body = auth_api_client.get(reverse("api-v1:author-analysis", args=[author.pk])).json()
    assert (body["status"], body["status_reason"], body["status_label"]) == (
        "empty",
        "private_account",
        "private account",
    )
    assert body["engagement"]["engagement_rate_by_views"] is None
    assert body["notes"][0].startswith("Private account")


def test_author_analyze_returns_a_job_the_worker_runs(
    curator_api_client, curator_user, django_capture_on_commit_callbacks
) -> None:
    author = AuthorSourceFactory(followers=12_000).author
    video = VideoFactory(author=author, posted_at=timezone.now() - timedelta(days=1))
    VideoSourceFactory(video=video, views=2_000)
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_api_client.post(reverse("api-v1:author-analyze", args=[author.pk]))
    assert response.status_code == 202
    body = response.json()
    assert response["Location"] == f"/api/v1/jobs/{body['id']}"
    assert (body["kind"], body["target_type"], body["target_id"]) == (
        "author_analysis",
        "author",
        str(author.pk),
    )
    job = Job.objects.get(pk=body["id"])
    assert job.status == Job.Status.SUCCEEDED and job.created_by == curator_user
    analysis = AuthorAnalysis.objects.get(author=author)
    assert analysis.videos_analysed == 1 and analysis.tier == "micro"
    served = curator_api_client.get(reverse("api-v1:author-analysis", args=[author.pk])).json()
    assert served["reach"]["followers"] == 12_000


def test_author_analyze_unknown_author_is_404(curator_api_client) -> None:
    response = curator_api_client.post(reverse("api-v1:author-analyze", args=[999]))
    assert response.status_code == 404
    assert not Job.objects.exists()
