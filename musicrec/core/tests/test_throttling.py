"""The expensive API actions are limited per user, at rates from the settings (the environment)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from music.tests.factories import MusicFactory
from musicrec.core.models import Job

pytestmark = pytest.mark.django_db

UNLIMITED = {"analyze-tiktok": None, "analyze": None, "recommend": None}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_analyze_tiktok_answers_429_with_retry_after_past_the_rate(settings, auth_api_client):
    settings.API_THROTTLE_RATES = {**UNLIMITED, "analyze-tiktok": "2/hour"}
    url = reverse("api-v1:analyze-tiktok")
    codes = [
        auth_api_client.post(url, {"handle": f"someone{i}"}, format="json").status_code
        for i in range(2)
    ]
    assert codes == [202, 202]
    refused = auth_api_client.post(url, {"handle": "someone2"}, format="json")
    assert refused.status_code == 429
    assert 3000 < int(refused["Retry-After"]) <= 3600
    assert "throttled" in refused.json()["detail"].lower()
    assert Job.objects.count() == 2  # the refused request queued nothing


def test_recommend_and_analyze_have_their_own_limits(settings, auth_api_client, curator_api_client):
    settings.API_THROTTLE_RATES = {**UNLIMITED, "recommend": "1/minute", "analyze": "1/minute"}
    recommend = reverse("api-v1:recommend-music")
    body = {"brief": {"moods": ["happy"]}, "limit": 1}
    assert auth_api_client.post(recommend, body, format="json").status_code == 201
    second = auth_api_client.post(recommend, body, format="json")
    assert second.status_code == 429 and 0 < int(second["Retry-After"]) <= 60
    # Reads are never limited.
    assert auth_api_client.get(reverse("api-v1:music-list")).status_code == 200

    music = MusicFactory()
    analyze = reverse("api-v1:music-analyze", args=[music.pk])
    assert curator_api_client.post(analyze, {}, format="json").status_code == 202
    assert curator_api_client.post(analyze, {}, format="json").status_code == 429


def test_limits_count_per_user(settings, api_client, django_user_model):
    from conftest import make_user

    settings.API_THROTTLE_RATES = {**UNLIMITED, "recommend": "1/minute"}
    body = {"brief": {"moods": ["calm"]}, "limit": 1}
    for name in ("ann", "bob"):
        api_client.force_authenticate(make_user(django_user_model, name, "marketer"))
        response = api_client.post(reverse("api-v1:recommend-music"), body, format="json")
        assert response.status_code == 201


def test_an_empty_rate_means_no_limit(settings, auth_api_client):
    settings.API_THROTTLE_RATES = UNLIMITED
    url = reverse("api-v1:recommend-music")
    body = {"brief": {"moods": ["sad"]}, "limit": 1}
    assert {auth_api_client.post(url, body, format="json").status_code for _ in range(4)} == {201}


def test_rates_come_from_the_environment(monkeypatch):
    import importlib

    import musicrec.settings.base as base

    monkeypatch.setenv("API_THROTTLE_RECOMMEND", "7/hour")
    monkeypatch.setenv("API_THROTTLE_ANALYZE", "")
    try:
        reloaded = importlib.reload(base)
        assert reloaded.API_THROTTLE_RATES["recommend"] == "7/hour"
        assert reloaded.API_THROTTLE_RATES["analyze"] is None
        assert reloaded.API_THROTTLE_RATES["analyze-tiktok"] == "30/hour"
    finally:
        monkeypatch.undo()
        importlib.reload(base)


# --- the dashboard's forms share the API's limits --------------------------------------------


def test_analyze_page_shares_the_api_limit_and_says_so(settings, client, user, auth_api_client):
    settings.API_THROTTLE_RATES = {**UNLIMITED, "analyze-tiktok": "1/hour"}
    api = auth_api_client.post(reverse("api-v1:analyze-tiktok"), {"handle": "first"}, format="json")
    assert api.status_code == 202
    client.force_login(user)
    page = client.post(reverse("authors:analyze"), {"handle": "@second"})
    assert page.status_code == 429
    assert 3000 < int(page["Retry-After"]) <= 3600
    body = page.content.decode()
    assert "Limit reached: creator analyses are limited to 1 per hour for each user." in body
    assert 'value="@second"' in body  # the form keeps what was typed
    assert Job.objects.count() == 1
    # A form with errors is not an action: it costs nothing and says what is wrong.
    assert client.post(reverse("authors:analyze"), {"handle": ""}).status_code == 200


def test_analyze_page_under_the_limit_queues_the_job(settings, client, user):
    settings.API_THROTTLE_RATES = {**UNLIMITED, "analyze-tiktok": "2/hour"}
    client.force_login(user)
    response = client.post(reverse("authors:analyze"), {"handle": "@someone"})
    assert response.status_code == 302 and Job.objects.count() == 1


def test_rerun_button_over_the_limit_goes_back_with_the_reason(settings, client, curator_user):
    from authors.tests.factories import AuthorSourceFactory

    settings.API_THROTTLE_RATES = {**UNLIMITED, "analyze": "1/minute"}
    author = AuthorSourceFactory().author
    url = reverse("authors:reanalyze", args=[author.pk])
    client.force_login(curator_user)
    assert client.post(url)["Location"].startswith("/creators/jobs/")
    again = client.post(url, follow=True)
    assert again.redirect_chain == [(reverse("authors:detail", args=[author.pk]), 302)]
    assert (
        "Limit reached: re-run analyses are limited to 1 per minute for each user."
        in again.content.decode()
    )
    htmx = client.post(url, headers={"HX-Request": "true"})
    assert htmx.status_code == 429 and 0 < int(htmx["Retry-After"]) <= 60
    assert Job.objects.count() == 1


def test_recommend_form_over_the_limit_answers_429_with_the_reason(settings, client, user):
    from authors.tests.factories import AuthorSourceFactory

    settings.API_THROTTLE_RATES = {**UNLIMITED, "recommend": "1/minute"}
    MusicFactory()
    author = AuthorSourceFactory().author
    url = reverse("recommendations:creator", args=[author.pk])
    brief = {"moods": ["happy"], "limit": 5}
    client.force_login(user)
    assert client.post(url, brief).status_code == 302
    htmx = client.post(url, brief, headers={"HX-Request": "true"})
    assert htmx.status_code == 429 and 0 < int(htmx["Retry-After"]) <= 60
    assert htmx["HX-Retarget"] == "#brief-form"
    message = "Limit reached: recommendation runs are limited to 1 per minute for each user."
    assert message in htmx.content.decode()
    plain = client.post(url, brief)
    assert plain.status_code == 429 and message in plain.content.decode()
    # Pages that only read are never limited.
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1, "1 second"), (45, "45 seconds"), (600, "10 minutes"), (7200, "2 hours")],
)
def test_refusal_message_says_when_to_try_again(seconds, text):
    from musicrec.core.throttling import Refusal

    refusal = Refusal(scope="recommend", rate="60/min", retry_after_s=seconds)
    assert refusal.message == (
        "Limit reached: recommendation runs are limited to 60 per minute for each user. "
        f"Try again in {text}."
    )
