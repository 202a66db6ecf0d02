"""The Content-Security-Policy header on every answer (Django 5.2 has no CSP of its own).

The policy (settings.CONTENT_SECURITY_POLICY) lets pages run scripts from this site only: no
inline script, no `javascript:` URL, nothing from another origin. So even a link or a caption
that slipped past escaping cannot run code. Styles may be inline because the dashboard draws
its bars with `style="width: …"` and Swagger UI and Redoc inject their own `<style>`; inline
styles cannot run script. A view that needs another policy sets the header itself.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and HEADER not in response:
            response[HEADER] = policy
        return response
