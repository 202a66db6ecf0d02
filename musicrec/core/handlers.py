"""Error pages: JSON under /api/, Django's HTML pages elsewhere.

Django answers a request that never reaches a DRF view (a URL that matches nothing, such as an
id past 2**63 - 1; a body Django refuses before the view reads it) with an HTML page; an API
client expects the same JSON `{"detail": …}` every other API error has.

A request that fails because PostgreSQL or Redis does not answer is not a server error: it is
answered 503 with Retry-After and which service is away, and the next request after the service
returns works again (Django reconnects: CONN_HEALTH_CHECKS, redis-py's pool).
"""

from __future__ import annotations

import sys

import redis
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

from musicrec.core.sizes import human_size

API_PREFIX = "/api/"
RETRY_AFTER_S = 30
DATABASE = "The database is not answering"
REDIS = "The task queue and cache (Redis) are not answering"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        limit = human_size(int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0))
        detail = f"The request body is over the {limit} limit (SCRAPE_MAX_BYTES)."
        return JsonResponse({"detail": detail}, status=413)
    return JsonResponse({"detail": "Bad request."}, status=400)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"detail": "Not found."}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls the handler inside its `except`: the exception is the one being handled.
    service = service_down(sys.exc_info()[1])
    if service:
        return service_unavailable(request, service)
    if not _is_api(request):
        return defaults.server_error(request)
    return JsonResponse({"detail": "Server error; it has been logged."}, status=500)


def service_down(error: BaseException | None) -> str:
    """Which outside service `error` says is away (DATABASE, REDIS), or "" for any other error.

    A connection refused, dropped or timed out: PostgreSQL's OperationalError/InterfaceError (and
    SQLite's, a locked or vanished file), redis-py's ConnectionError/TimeoutError.
    """
    if isinstance(error, OperationalError | InterfaceError):
        return DATABASE
    if isinstance(error, redis.ConnectionError | redis.TimeoutError):
        return REDIS
    return ""


def service_unavailable(request: HttpRequest, service: str) -> HttpResponse:
    """503 with Retry-After saying which service is away: JSON under /api/ and for /healthz,
    a page of its own elsewhere (the site's base template reads the user: the database)."""
    detail = f"{service}. Try again in a minute."
    if _is_api(request) or request.path == "/healthz":
        response: HttpResponse = JsonResponse({"detail": detail}, status=503)
    else:
        html = render_to_string("503.html", {"detail": detail})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response
