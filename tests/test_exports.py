"""CSV export of the creators list and of a recommendation run, from the pages and the API,
parsed back."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from authors.export import CREATOR_COLUMNS
from authors.models import AuthorAnalysis
from authors.tests.factories import AuthorFactory, AuthorSourceFactory
from conftest import make_user
from musicrec.csv_export import csv_cell
from recommendations import services
from recommendations.catalogue_source import caches_clear
from recommendations.tests.db_catalogue import make_catalogue, make_creator

pytestmark = pytest.mark.django_db


def parse(content: bytes, *, bom: bool) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf") == bom
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def creators():
    for name, handle, followers, tier in [
        ("Zoé 🎹 au piano", "zoe.piano", 12_000, "micro"),
        ('=HYPERLINK("x")', "formula.guy", 800_000, "macro"),
        ("Mochi 🐶", "mochi.the.corgi", 3_000, "nano"),
    ]:
        author = AuthorFactory(name=name, is_creator=True)
        AuthorSourceFactory(author=author, handle=handle, followers=followers)
        AuthorAnalysis.objects.create(
            author=author, version="t", tier=tier, followers=followers, analyzed_at=timezone.now()
        )


def test_creators_page_export_keeps_the_active_filters_and_sort(client, user, creators):
    client.force_login(user)
    page = client.get(reverse("authors:list"), {"tier": "micro"}).content.decode()
    assert 'href="/creators/export.csv?tier=micro"' in page
    response = client.get(reverse("authors:export"), {"tier": "micro"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="creators.csv"' in response["Content-Disposition"]
    rows = parse(response.content, bom=True)
    assert [r["name"] for r in rows] == ["Zoé 🎹 au piano"]
    assert rows[0]["handle"] == "zoe.piano" and rows[0]["followers"] == "12000"

    everyone = parse(client.get(reverse("authors:export"), {"sort": "name"}).content, bom=True)
    assert [r["handle"] for r in everyone] == ["formula.guy", "mochi.the.corgi", "zoe.piano"]
    # A name that a spreadsheet would run as a formula is defused.
    assert everyone[0]["name"] == '\'=HYPERLINK("x")'


def test_creators_api_csv_by_accept_header_or_format(auth_api_client, creators):
    url = reverse("api-v1:author-list")
    by_header = auth_api_client.get(url, {"search": "mochi"}, HTTP_ACCEPT="text/csv")
    assert by_header.status_code == 200 and by_header["Content-Type"].startswith("text/csv")
    rows = parse(by_header.content, bom=False)
    assert [(r["name"], r["tier"]) for r in rows] == [("Mochi 🐶", "nano")]
    by_format = parse(auth_api_client.get(url, {"format": "csv"}).content, bom=False)
    # every row, not a page, biggest audience first as the JSON list orders them
    assert [r["handle"] for r in by_format] == ["formula.guy", "zoe.piano", "mochi.the.corgi"]
    assert tuple(by_format[0]) == CREATOR_COLUMNS
    assert auth_api_client.get(url).json()["count"] == 3  # JSON stays the default


def test_csv_needs_the_export_permission(api_client, django_user_model, creators):
    reader = make_user(django_user_model, "reader", None)
    reader.user_permissions.add(*Permission.objects.filter(codename="view_author"))
    api_client.force_authenticate(reader)
    url = reverse("api-v1:author-list")
    assert api_client.get(url).status_code == 200
    assert api_client.get(url, {"format": "csv"}).status_code == 403


@pytest.fixture
def run():
    caches_clear()
    catalogue = make_catalogue(per_kind=3)
    creator = make_creator("lunamoves", "dance-pop", used=[catalogue.tracks["dance-pop"][0]])
    yield services.recommendation_generate(author_id=creator.pk, limit=5)
    caches_clear()


def _check_run_rows(rows: list[dict[str, str]], run) -> None:
    items = list(run.items.order_by("rank"))
    assert [int(r["rank"]) for r in rows] == [i.rank for i in items]
    first, item = rows[0], items[0]
    assert first["title"] == item.music.title and first["artist"] == item.music.artist_name
    assert float(first["score"]) == pytest.approx(item.score, abs=1e-4)
    for name, value in item.components.items():
        assert float(first[f"{name}_score"]) == pytest.approx(value, abs=1e-4)
    assert first["reasons"].split(" | ") == item.reasons


def test_run_export_from_the_page(client, user, run):
    client.force_login(user)
    page = client.get(reverse("recommendations:run", args=[run.pk])).content.decode()
    assert f'href="/recommendations/runs/{run.pk}/export.csv"' in page
    response = client.get(reverse("recommendations:run-export", args=[run.pk]))
    assert f'filename="recommendation-run-{run.pk}.csv"' in response["Content-Disposition"]
    _check_run_rows(parse(response.content, bom=True), run)
    assert client.get(reverse("recommendations:run-export", args=[999_999])).status_code == 404


def test_run_export_from_the_api(auth_api_client, run):
    url = reverse("api-v1:recommendation-run", args=[run.pk])
    assert auth_api_client.get(url).json()["run"] == run.pk
    response = auth_api_client.get(url, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    _check_run_rows(parse(response.content, bom=False), run)
    _check_run_rows(parse(auth_api_client.get(url, {"format": "csv"}).content, bom=False), run)
    missing = auth_api_client.get(reverse("api-v1:recommendation-run", args=[999_999]))
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("value", "cell"),
    [(None, ""), (True, "true"), (-0.5, -0.5), ("-1+2", "'-1+2"), ("@me", "'@me"),
     (["a", "b"], "a | b"), ("plain 🎵", "plain 🎵")],
)  # fmt: skip
def test_csv_cell(value, cell):
    assert csv_cell(value) == cell
