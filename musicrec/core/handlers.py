"""Error pages: JSON under /api/, Django's HTML pages elsewhere.

Django answers a request that never reaches a DRF view (a URL that matches nothing, such as an
id past 2**63 - 1; a body Django refuses before the view reads it) with an HTML page; an API
client expects the same JSON `{"detail": …}` every other API error has.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from musicrec.core.sizes import human_size

API_PREFIX = "/api/"


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
    if not _is_api(request):
        return defaults.server_error(request)
    return JsonResponse({"detail": "Server error; it has been logged."}, status=500)
