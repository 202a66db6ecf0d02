"""Fixtures every app's tests share: users, API clients, the Spotify fake, service checks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
# librosa's numba JIT caches to a writable folder so only the first run on a machine compiles.
os.environ.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".cache" / "numba"))
(ROOT / "var").mkdir(exist_ok=True)


def make_user(django_user_model, username: str, role: str | None):
    """A user with the password every test uses, in one role's group (None: no role at all)."""
    from musicrec.core.roles import user_set_role

    user = django_user_model.objects.create_user(username=username, password="pass-1234-word")
    return user_set_role(user, role) if role else user


@pytest.fixture
def user(django_user_model):
    """A marketer: reads everything, analyses creators, recommends, gives feedback, exports."""
    return make_user(django_user_model, "marketer", "marketer")


@pytest.fixture
def curator_user(django_user_model):
    """A curator: a marketer who also edits in the admin, re-runs analyses and retries jobs."""
    return make_user(django_user_model, "curator-role", "curator")


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser(
        username="curator", email="curator@example.com", password="pass-1234-word"
    )


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def auth_api_client(api_client, user):
    api_client.force_authenticate(user=user)
    return api_client


@pytest.fixture
def curator_api_client(api_client, curator_user):
    api_client.force_authenticate(user=curator_user)
    return api_client


@pytest.fixture
def staff_api_client(api_client, staff_user):
    api_client.force_authenticate(user=staff_user)
    return api_client


def services_required() -> bool:
    """`settings.REQUIRE_SERVICES` (MUSICREC_REQUIRE_SERVICES, on under CI): the one switch."""
    from django.conf import settings

    return bool(settings.REQUIRE_SERVICES)


def skip_or_fail(reason: str) -> None:
    """Skip a test whose service or data is missing here; under CI that is a failure.

    For everything outside the code: PostgreSQL, Redis, Chromium and the shared data sets.
    """
    if services_required():
        pytest.fail(f"{reason} (required: CI / MUSICREC_REQUIRE_SERVICES is set)")
    pytest.skip(reason)


@pytest.fixture
def fake_spotify(settings):
    """Spotify configured and answered by the recorded responses, at the HTTP boundary.

    The real adapter, spotipy and requests run; `responses` serves the token, tracks, artists
    and search. Yields the `responses.RequestsMock` so a test can add answers or count calls.
    Django's cache (the adapter's shared result store) starts empty.
    """
    import responses
    from django.core.cache import cache

    from musicrec.platforms.tests.spotify_fixtures import register_spotify_responses

    settings.SPOTIFY_CLIENT_ID = "test-client-id"
    settings.SPOTIFY_CLIENT_SECRET = "test-client-secret"
    cache.clear()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register_spotify_responses(rsps)
        yield rsps
    cache.clear()
