"""Roles: the groups the migration makes, and who may call what (API, pages, admin).

The matrix runs every endpoint family with every method it has for: nobody logged in, a user
without a role, a marketer, a curator and an admin, and asserts the status each one gets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient
from rest_framework.views import APIView

from authors.tests.factories import AuthorSourceFactory
from conftest import make_user
from music.tests.factories import MusicSourceFactory
from musicrec.core import roles
from musicrec.core.models import Job
from recommendations import services
from recommendations.catalogue_source import caches_clear
from recommendations.tests.db_catalogue import make_catalogue, make_creator
from videos.tests.factories import VideoFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "no role", roles.MARKETER, roles.CURATOR, roles.ADMIN)


# --- The groups -----------------------------------------------------------------------------


def test_migration_creates_the_three_groups_with_their_permissions():
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions__content_type")}
    assert set(groups) >= set(roles.ROLES)

    def codes(role: str) -> set[str]:
        perms = groups[role].permissions.all()
        return {f"{p.content_type.app_label}.{p.codename}" for p in perms}

    marketer, curator, admin = codes("marketer"), codes("curator"), codes("admin")
    assert {roles.VIEW_CREATORS, roles.EXPORT_DATA, roles.RECOMMEND, roles.ANALYZE_CREATORS} <= (
        marketer
    )
    assert not {roles.RERUN_ANALYSES, roles.RETRY_JOBS, "music.change_music"} & marketer
    assert marketer < curator
    assert {roles.RERUN_ANALYSES, roles.RETRY_JOBS, "music.delete_music"} <= curator
    assert roles.UPLOAD_SCRAPES in curator
    assert "auth.change_user" not in curator and "auth.change_user" in admin
    assert len(admin) == Permission.objects.count()


def test_roles_sync_is_idempotent():
    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    roles.roles_sync(Group, Permission)
    roles.roles_sync(Group, Permission)
    after = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert after == before
    assert Group.objects.filter(name__in=roles.ROLES).count() == 3


def test_user_set_role_moves_a_user_between_roles(django_user_model):
    user = make_user(django_user_model, "mover", roles.CURATOR)
    assert user.is_staff and user.has_perm(roles.RETRY_JOBS)
    roles.user_set_role(user, roles.MARKETER)
    user = django_user_model.objects.get(pk=user.pk)
    assert not user.is_staff and not user.has_perm(roles.RETRY_JOBS)
    assert roles.user_role(user) == roles.MARKETER
    with pytest.raises(ValueError, match="unknown role 'boss'"):
        roles.user_set_role(user, "boss")


def test_ensure_demo_user_makes_a_marketer_and_a_curator(django_user_model):
    django_user_model.objects.create_superuser("demo", password="old-password-1")
    call_command("ensure_demo_user")
    call_command("ensure_demo_user")  # idempotent
    demo = django_user_model.objects.get(username="demo")
    curator = django_user_model.objects.get(username="demo-curator")
    assert roles.user_role(demo) == roles.MARKETER and not demo.is_superuser
    assert demo.check_password("old-password-1")  # an existing password is kept
    assert roles.user_role(curator) == roles.CURATOR and curator.is_staff
    assert curator.check_password("musicrec-demo")


# --- Every API endpoint declares its permissions --------------------------------------------


def _api_views(patterns: list, prefix: str = "") -> list[tuple[str, type[APIView]]]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            found += _api_views(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            cls = getattr(entry.callback, "cls", None)
            if cls is not None and issubclass(cls, APIView) and (prefix + str(entry.pattern)):
                found.append((prefix + str(entry.pattern), cls))
    return found


def test_every_api_endpoint_declares_what_each_method_needs():
    views = [(path, cls) for path, cls in _api_views(get_resolver().url_patterns) if "v1" in path]
    assert len(views) >= 17
    for path, cls in views:
        if cls.__name__ == "TokenObtainApi":
            continue  # the credentials are the authentication
        declared = getattr(cls, "required_permissions", None) or {}
        methods = {m.upper() for m in cls.http_method_names if hasattr(cls, m)} - {
            "OPTIONS",
            "HEAD",
        }
        assert methods and methods <= set(declared), f"{path}: {methods - set(declared)}"


# --- The matrix -------------------------------------------------------------------------------


@dataclass
class World:
    music_id: int
    video_id: int
    author_id: int
    plain_author_id: int  # no stored analysis (the test creator's metrics are partial)
    run_id: int
    item_id: int
    job_id: int


@pytest.fixture
def world() -> World:
    caches_clear()
    catalogue = make_catalogue(per_kind=2)
    creator = make_creator("lunamoves", "dance-pop", used=[catalogue.tracks["dance-pop"][0]])
    music = catalogue.tracks["edm"][0]
    MusicSourceFactory(music=music, audio_url="")
    run = services.recommendation_generate(author_id=creator.pk, limit=3)
    job = Job.objects.create(
        kind=Job.Kind.AUTHOR_ANALYSIS,
        status=Job.Status.FAILED,
        error="boom",
        task={"func": "authors.tasks.author_analyze_many_task", "args": [[creator.pk]]},
    )
    yield World(
        music_id=music.pk,
        video_id=VideoFactory(author=creator).pk,
        author_id=creator.pk,
        plain_author_id=AuthorSourceFactory(handle="plain.creator").author_id,
        run_id=run.pk,
        item_id=run.items.first().pk,
        job_id=job.pk,
    )
    caches_clear()


@dataclass(frozen=True)
class Case:
    family: str
    method: str
    url: Callable[[World], str]
    allowed: frozenset[str]  # roles that get through
    ok: int  # the status they get
    body: Callable[[World], dict[str, Any]] | None = None


MARKETERS = frozenset({roles.MARKETER, roles.CURATOR, roles.ADMIN})
CURATORS = frozenset({roles.CURATOR, roles.ADMIN})

API_CASES = [
    Case("creators", "GET", lambda w: reverse("api-v1:author-list"), MARKETERS, 200),
    Case("creators", "GET", lambda w: reverse("api-v1:author-detail", args=[w.plain_author_id]),
         MARKETERS, 200),
    Case("creators-csv", "GET", lambda w: reverse("api-v1:author-list") + "?format=csv",
         MARKETERS, 200),
    Case("videos", "GET", lambda w: reverse("api-v1:video-list"), MARKETERS, 200),
    Case("music", "GET", lambda w: reverse("api-v1:music-detail", args=[w.music_id]),
         MARKETERS, 200),
    Case("jobs", "GET", lambda w: reverse("api-v1:job-list"), MARKETERS, 200),
    Case("runs", "GET", lambda w: reverse("api-v1:recommendation-run", args=[w.run_id]),
         MARKETERS, 200),
    Case("runs-csv", "GET",
         lambda w: reverse("api-v1:recommendation-run", args=[w.run_id]) + "?format=csv",
         MARKETERS, 200),
    Case("analyze", "POST", lambda w: reverse("api-v1:analyze-tiktok"), MARKETERS, 202,
         lambda w: {"handle": "nobody.stored.here"}),
    Case("recommend", "POST", lambda w: reverse("api-v1:recommend-music"), MARKETERS, 201,
         lambda w: {"brief": {"moods": ["happy"]}, "limit": 2}),
    Case("recommend", "GET", lambda w: reverse("api-v1:author-recommendations",
                                               args=[w.author_id]), MARKETERS, 200),
    Case("feedback", "POST",
         lambda w: reverse("api-v1:recommendation-feedback", args=[w.run_id, w.item_id]),
         MARKETERS, 201, lambda w: {"verdict": "keep"}),
    Case("re-analyze", "POST", lambda w: reverse("api-v1:music-analyze", args=[w.music_id]),
         CURATORS, 202, lambda w: {}),
    Case("re-analyze", "POST", lambda w: reverse("api-v1:video-analyze", args=[w.video_id]),
         CURATORS, 202, lambda w: {}),
    Case("re-analyze", "POST", lambda w: reverse("api-v1:author-analyze", args=[w.author_id]),
         CURATORS, 202, lambda w: {}),
]  # fmt: skip

PAGE_CASES = [
    Case("creators", "GET", lambda w: reverse("authors:list"), MARKETERS, 200),
    Case("creators", "GET", lambda w: reverse("authors:detail", args=[w.plain_author_id]),
         MARKETERS, 200),
    Case("creators-csv", "GET", lambda w: reverse("authors:export"), MARKETERS, 200),
    Case("analyze", "GET", lambda w: reverse("authors:analyze"), MARKETERS, 200),
    Case("music", "GET", lambda w: reverse("music:detail", args=[w.music_id]), MARKETERS, 200),
    Case("trending", "GET", lambda w: reverse("music:trending"), MARKETERS, 200),
    Case("jobs", "GET", lambda w: reverse("jobs:list"), MARKETERS, 200),
    Case("runs", "GET", lambda w: reverse("recommendations:run", args=[w.run_id]),
         MARKETERS, 200),
    Case("runs-csv", "GET", lambda w: reverse("recommendations:run-export", args=[w.run_id]),
         MARKETERS, 200),
    Case("recommend", "GET", lambda w: reverse("recommendations:pick"), MARKETERS, 200),
    Case("recommend", "POST", lambda w: reverse("recommendations:creator", args=[w.author_id]),
         MARKETERS, 302, lambda w: {"limit": 2}),
    Case("feedback", "POST",
         lambda w: reverse("recommendations:feedback", args=[w.run_id, w.item_id]),
         MARKETERS, 302, lambda w: {"verdict": "reject"}),
    Case("re-analyze", "POST", lambda w: reverse("authors:reanalyze", args=[w.author_id]),
         CURATORS, 302, lambda w: {}),
    Case("retry", "POST", lambda w: reverse("jobs:retry", args=[w.job_id]), CURATORS, 302,
         lambda w: {}),
]  # fmt: skip


def _client(role: str, django_user_model, api: bool) -> Any:
    from django.test import Client

    client = APIClient() if api else Client()
    if role != "anonymous":
        user = make_user(django_user_model, f"user-{role.replace(' ', '-')}", None)
        if role != "no role":
            roles.user_set_role(user, role)
        client.force_login(user)
    return client


def _ids(cases: list[Case]) -> list[str]:
    return [f"{c.family}-{c.method}-{i}" for i, c in enumerate(cases)]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", API_CASES, ids=_ids(API_CASES))
def test_api_answers_401_403_or_success_by_role(
    case: Case, role: str, world: World, django_user_model, django_capture_on_commit_callbacks
):
    client = _client(role, django_user_model, api=True)
    call = getattr(client, case.method.lower())
    with django_capture_on_commit_callbacks(execute=True):
        kwargs = {"data": case.body(world), "format": "json"} if case.body else {}
        response = call(case.url(world), **kwargs)
    if role == "anonymous":
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
    elif role in case.allowed:
        assert response.status_code == case.ok, response.content[:300]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", PAGE_CASES, ids=_ids(PAGE_CASES))
def test_pages_redirect_forbid_or_serve_by_role(
    case: Case, role: str, world: World, django_user_model, django_capture_on_commit_callbacks
):
    client = _client(role, django_user_model, api=False)
    call = getattr(client, case.method.lower())
    with django_capture_on_commit_callbacks(execute=True):
        response = call(case.url(world), case.body(world)) if case.body else call(case.url(world))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif role in case.allowed:
        assert response.status_code == case.ok, response.content[:300]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_admin_admits_curators_and_admins_only(role: str, django_user_model):
    client = _client(role, django_user_model, api=False)
    response = client.get(reverse("admin:index"))
    if role in CURATORS:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_admin_rerun_actions_need_the_rerun_permission(django_user_model, client):
    """A staff user with edit rights but without rerun_analyses does not get the actions."""
    MusicSourceFactory()  # the admin shows actions only above a non-empty list
    editor = make_user(django_user_model, "editor", None)
    editor.is_staff = True
    editor.save()
    editor.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="music", codename="view_music")
    )
    client.force_login(editor)
    page = client.get(reverse("admin:music_music_changelist")).content.decode()
    assert "Re-run audio analysis" not in page
    curator = make_user(django_user_model, "real-curator", roles.CURATOR)
    client.force_login(curator)
    page = client.get(reverse("admin:music_music_changelist")).content.decode()
    assert "Re-run audio analysis" in page and "Merge selected music" in page


def test_navigation_shows_what_the_role_may_open(client, user, curator_user):
    client.force_login(user)
    page = client.get(reverse("jobs:list")).content.decode()
    assert 'href="/jobs/"' in page and 'href="/music/trending/"' in page
    assert 'href="/admin/"' not in page
    client.force_login(curator_user)
    assert 'href="/admin/"' in client.get(reverse("jobs:list")).content.decode()
