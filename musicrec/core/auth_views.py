"""The log-in page, with failed log-ins limited per user name and per client address.

Django's LoginView accepted any number of wrong passwords. The same limits guard
`POST /api/v1/auth/token` (musicrec.api.LoginGuard): past them the page answers 429 with
Retry-After and says how long to wait, without checking the password.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse

from musicrec.api import LoginGuard
from musicrec.core.throttling import duration_text, retry_seconds


class LoginView(auth_views.LoginView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.guard = LoginGuard(request, request.POST.get("username"))
        wait = self.guard.refused()
        if wait is not None:
            seconds = retry_seconds(wait)
            context = self.get_context_data(
                form=AuthenticationForm(request), throttled=duration_text(seconds)
            )
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(seconds)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        self.guard.failed()
        return super().form_invalid(form)
