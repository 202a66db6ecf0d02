"""API defaults shared by every app: pagination, error shape, permissions and throttling."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from musicrec.core import roles

if TYPE_CHECKING:
    # Not at run time: rest_framework.views imports the permission classes named in settings,
    # which live here.
    from rest_framework.request import Request
    from rest_framework.views import APIView


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django's ValidationError from services answered as a 400.

    Services validate with full_clean(); without this a rule broken deep in a service would
    surface as a 500 instead of naming the field and the reason.
    """
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = ValidationError(detail=detail)
    return drf_exception_handler(exc, context)


# --- Permissions and throttling -----------------------------------------------------------------


class RolePermission(BasePermission):
    """Deny by default: a view names the permissions each method needs in
    `required_permissions = {"GET": (...), "POST": (...)}` (musicrec.core.roles says which role
    holds which). A method the view does not name is refused to everyone, superusers included,
    so a new endpoint cannot go out open by mistake. A CSV answer also needs `export_data`.

    Anonymous requests fail authentication first (401 with `WWW-Authenticate: Token`).
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        wanted = view_permissions(view, request.method or "")
        if wanted is None:
            return False
        renderer = getattr(request, "accepted_renderer", None)
        if getattr(renderer, "format", None) == "csv":
            wanted = (*wanted, roles.EXPORT_DATA)
        return request.user.has_perms(wanted)


def view_permissions(view: APIView, method: str) -> tuple[str, ...] | None:
    """What `view` requires for `method` (HEAD and OPTIONS as GET), None when undeclared."""
    declared: dict[str, tuple[str, ...]] = getattr(view, "required_permissions", None) or {}
    method = "GET" if method in ("HEAD", "OPTIONS") else method.upper()
    return declared.get(method)


class ActionRateThrottle(ScopedRateThrottle):
    """Per-user limits on the expensive actions (`throttle_scope` on the view), with the rates
    read from settings.API_THROTTLE_RATES at request time so they follow the environment (and a
    test's override; DRF's own class copies its rates once, at import). An empty rate means no
    limit. A 429 carries `Retry-After` in seconds."""

    def get_rate(self) -> str | None:
        rates: dict[str, str | None] = getattr(settings, "API_THROTTLE_RATES", {})
        return rates.get(self.scope)
