from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_explains_the_product_and_links_admin_and_api_docs(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "recommends tracks that fit" in body
    assert reverse("admin:index") in body
    assert reverse("api-docs") in body


def test_home_page_counts_come_from_each_app():
    """Core names no app: each app's AppConfig.home_counts() gives its figure."""
    from authors.tests.factories import AuthorFactory
    from music.tests.factories import MusicFactory
    from musicrec.core.selectors import catalogue_counts
    from videos.tests.factories import VideoFactory

    creator = AuthorFactory(is_creator=True)
    AuthorFactory(is_creator=False, is_artist=True)
    VideoFactory.create_batch(2, author=creator)
    MusicFactory(is_original_sound=False)
    MusicFactory(is_original_sound=True, artist=creator)

    assert catalogue_counts() == {"creators": 1, "videos": 2, "tracks": 1}


def test_home_page_sends_visitors_to_the_log_in_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_login_page_renders_and_logs_a_user_in(client, user):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "marketer", "password": "pass-1234-word"})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"].is_authenticated


def test_login_page_says_when_credentials_are_wrong(client, user):
    response = client.post(reverse("login"), {"username": "marketer", "password": "nope"})
    assert "didn't match" in response.content.decode()


def test_health_check_answers_without_login(client):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_api_docs_are_served_offline(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "cdn.jsdelivr" not in body and "unpkg.com" not in body
