"""Team roles: the marketer, curator and admin groups and the permissions each one holds.

One table says who may do what; the data migration, the post_migrate hook (which keeps the
groups current when a model or permission is added later) and `user_set_role` all apply it
through `roles_sync`, so the three never disagree. The checks themselves are plain Django
permissions: `user.has_perm(...)` in views and the admin, `musicrec.api.RolePermission` in the
API. A superuser passes every check, as Django has it.

- **marketer**: reads everything, analyses creators, asks for recommendations, keeps or
  rejects tracks, exports CSV. Not staff: the admin is closed to them.
- **curator**: a marketer who also edits and merges the catalogue, creators and videos in the
  admin, uploads scrapes, re-runs analyses and retries failed jobs. Staff.
- **admin**: every permission, users and groups included. Staff.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

MARKETER = "marketer"
CURATOR = "curator"
ADMIN = "admin"
ROLES: tuple[str, ...] = (MARKETER, CURATOR, ADMIN)
STAFF_ROLES = frozenset({CURATOR, ADMIN})

# Actions that belong to no single model, declared on core.Job (every one of them makes or
# concerns background work, or reads across apps). `app_label.codename` as has_perm wants them.
ANALYZE_CREATORS = "core.analyze_creators"
RERUN_ANALYSES = "core.rerun_analyses"
RETRY_JOBS = "core.retry_jobs"
EXPORT_DATA = "core.export_data"
JOB_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("analyze_creators", "Can analyze creators (fetch or upload a scrape)"),
    ("rerun_analyses", "Can re-run analyses of creators, videos and tracks"),
    ("retry_jobs", "Can retry failed background jobs"),
    ("export_data", "Can export creators and recommendation runs as CSV"),
)

# Reads: Django's view permissions of the models the dashboard and the API show.
VIEW_CREATORS = "authors.view_author"
VIEW_VIDEOS = "videos.view_video"
VIEW_MUSIC = "music.view_music"
VIEW_JOBS = "core.view_job"
VIEW_RUNS = "recommendations.view_recommendationrun"
RECOMMEND = "recommendations.add_recommendationrun"
GIVE_FEEDBACK = "recommendations.add_feedback"
UPLOAD_SCRAPES = "authors.add_authorsource"  # the admin's scrape upload page checks this one

# The apps whose every model a marketer may read and a curator may edit.
DATA_APPS: tuple[str, ...] = ("authors", "videos", "music")
READ_APPS: tuple[str, ...] = (*DATA_APPS, "recommendations", "core")


def _marketer(codes: set[tuple[str, str]]) -> set[tuple[str, str]]:
    wanted = {(app, code) for app, code in codes if app in READ_APPS and code.startswith("view_")}
    wanted |= {
        ("core", "analyze_creators"),
        ("core", "export_data"),
        ("recommendations", "add_recommendationrun"),
        ("recommendations", "add_feedback"),
        ("recommendations", "change_feedback"),
    }
    return wanted & codes


def _curator(codes: set[tuple[str, str]]) -> set[tuple[str, str]]:
    edits = {(app, code) for app, code in codes if app in DATA_APPS}
    # The worker's own records (queued, failed and successful tasks) in the admin.
    edits |= {(app, code) for app, code in codes if app == "django_q" and code.startswith("view_")}
    extra = {("core", "rerun_analyses"), ("core", "retry_jobs")}
    return _marketer(codes) | edits | (extra & codes)


def role_permissions(role: str, codes: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (app_label, codename) pairs `role` holds, out of the permissions that exist."""
    available = set(codes)
    if role == MARKETER:
        return _marketer(available)
    if role == CURATOR:
        return _curator(available)
    if role == ADMIN:
        return available
    raise ValueError(f"unknown role '{role}': choose one of {', '.join(ROLES)}")


def roles_sync(group_model: Any, permission_model: Any) -> dict[str, Any]:
    """Create the three groups if missing and set each one's permissions to the table's.

    Idempotent: running it again changes nothing, and a permission added since (a new model)
    lands in the roles it belongs to. Takes the models as arguments so a migration can pass its
    historical ones.
    """
    rows = list(permission_model.objects.values_list("pk", "content_type__app_label", "codename"))
    by_code = {(app, code): pk for pk, app, code in rows}
    groups = {}
    with transaction.atomic():
        for role in ROLES:
            group, _ = group_model.objects.get_or_create(name=role)
            wanted = role_permissions(role, by_code)
            group.permissions.set([by_code[code] for code in wanted])
            groups[role] = group
    return groups


def user_set_role(user: Any, role: str) -> Any:
    """Make `user` a member of exactly one role's group; curators and admins become staff (the
    admin site admits staff only), marketers stop being staff and superusers."""
    from django.contrib.auth.models import Group, Permission

    if role not in ROLES:
        raise ValueError(f"unknown role '{role}': choose one of {', '.join(ROLES)}")
    with transaction.atomic():
        group = Group.objects.filter(name=role).first()
        if group is None:
            group = roles_sync(Group, Permission)[role]
        user.is_staff = role in STAFF_ROLES
        if role != ADMIN:
            user.is_superuser = False
        user.full_clean()
        user.save()
        user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(pk=group.pk))
        user.groups.add(group)
    # Django caches a user's permissions on the instance: the next check must see the new role.
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    return user


def user_role(user: Any) -> str | None:
    """The highest role the user holds ("admin" for superusers), or None."""
    if getattr(user, "is_superuser", False):
        return ADMIN
    if not getattr(user, "is_authenticated", False):
        return None
    names = set(user.groups.values_list("name", flat=True))
    return next((role for role in reversed(ROLES) if role in names), None)
