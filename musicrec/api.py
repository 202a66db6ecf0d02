"""API defaults shared by every app: body parsing, pagination, error shape, permissions and
throttling."""

from __future__ import annotations

import codecs
import hashlib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import pagination, parsers, status
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle, SimpleRateThrottle

from musicrec.core import json_input, roles
from musicrec.core.ids import parse_whole_number
from musicrec.core.sizes import human_size

if TYPE_CHECKING:
    # Not at run time: rest_framework.views imports the permission classes named in settings,
    # which live here.
    from rest_framework.request import Request
    from rest_framework.views import APIView


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with the limits of musicrec.core.json_input.

    Nesting past MAX_JSON_DEPTH (a body 100,000 deep was a RecursionError and a 500) and
    NaN/Infinity are a 400 naming the reason; NULs are dropped and lone surrogates replaced in
    every string, so no field carries text PostgreSQL or a database driver refuses.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json_input.loads(codecs.getreader(encoding)(stream).read())
        except ValueError as exc:  # too deep, not JSON, not `encoding`, NaN, 5,000 digits
            raise ParseError(f"JSON parse error - {exc}") from None


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` (from 1; `last`) and `page_size` (1-200). DRF quietly used the default size for a
    bad `page_size` and answered a malformed `page` as a 404; both are a 400 naming the
    parameter here. A page past the end stays a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        size = parse_whole_number(raw, low=1, high=self.max_page_size)
        if size is None:
            raise ValidationError(
                {"page_size": [f"a whole number from 1 to {self.max_page_size}, got {raw!r}"]}
            )
        return size

    def get_page_number(self, request: Request, paginator: Any) -> int | str:
        raw = request.query_params.get(self.page_query_param)
        if raw in (None, ""):
            return 1
        if raw in self.last_page_strings:
            return paginator.num_pages
        if parse_whole_number(raw, low=1) is None:
            raise ValidationError({"page": [f"a page number from 1, or 'last', got {raw!r}"]})
        return raw

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus the errors Django raises that DRF leaves as a 500 or an HTML page.

    - Django's ValidationError from services is a 400: services validate with full_clean(), and
      a rule broken deep in a service should name the field and the reason.
    - A body over DATA_UPLOAD_MAX_MEMORY_SIZE (set to SCRAPE_MAX_BYTES, the one documented
      limit) is a JSON 413 naming the limit; Django's own answer was a bare HTML 400.
    - Other malformed requests Django refuses (too many form fields or files) are a JSON 400.
    """
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = ValidationError(detail=detail)
    elif isinstance(exc, RequestDataTooBig):
        return Response({"detail": body_too_big_message(context)}, status=413)
    elif isinstance(exc, SuspiciousOperation):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def body_too_big_message(context: dict[str, Any]) -> str:
    request = context.get("request")
    meta = getattr(request, "META", {})
    size = parse_whole_number(meta.get("CONTENT_LENGTH") or "0") or 0
    limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    return (
        f"The request body is {human_size(size)}, over the {human_size(limit)} limit "
        "(SCRAPE_MAX_BYTES)."
    )


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
        method = (request.method or "").lower()
        if method not in view.http_method_names or not hasattr(view, method):
            return True  # DRF answers 405 Method Not Allowed: nothing runs
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


class FailedLoginThrottle(SimpleRateThrottle):
    """Wrong passwords allowed per `scope` ("login-username" or "login-address") and window,
    the rates read from settings.API_THROTTLE_RATES at request time like ActionRateThrottle.

    Only failures count, so people who type their password right are never held up; past the
    limit every attempt is refused (429 with Retry-After, or the log-in page saying how long)
    until the oldest failure leaves the window. Counting per user name stops guessing one
    account's password from many addresses; per address stops trying many accounts from one.
    """

    def __init__(self, scope: str, ident: str) -> None:
        self.scope = scope
        self.ident = ident
        super().__init__()

    def get_rate(self) -> str | None:
        rates: dict[str, str | None] = getattr(settings, "API_THROTTLE_RATES", {})
        return rates.get(self.scope)

    def get_cache_key(self, request: Any, view: Any) -> str:
        # Hashed: a user name may hold characters some cache backends refuse in keys.
        digest = hashlib.sha256(self.ident.encode("utf-8", "surrogatepass")).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}

    def refused_for(self, request: Any) -> float | None:
        """Seconds until the next attempt may be made, or None when it may be made now."""
        if self.rate is None:
            return None
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) < self.num_requests:
            return None
        return self.wait() or 1.0

    def record_failure(self) -> None:
        if self.rate is None:
            return
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


class LoginGuard:
    """The failed-log-in limits for one attempt: per user name and per client address.

    The token endpoint and the log-in page both ask `refused()` before checking a password and
    call `failed()` when it was wrong.
    """

    def __init__(self, request: Any, username: object) -> None:
        name = username.strip().casefold() if isinstance(username, str) else ""
        # DRF's client address: REMOTE_ADDR, or X-Forwarded-For behind NUM_PROXIES proxies.
        address = BaseThrottle().get_ident(request)
        self._request = request
        self._throttles = [
            FailedLoginThrottle("login-username", name),
            FailedLoginThrottle("login-address", address),
        ]

    def refused(self) -> float | None:
        """Seconds to wait when either limit is reached, else None."""
        waits = [wait for t in self._throttles if (wait := t.refused_for(self._request))]
        return max(waits) if waits else None

    def failed(self) -> None:
        for throttle in self._throttles:
            throttle.record_failure()
