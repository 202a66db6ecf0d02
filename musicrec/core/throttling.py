"""The API's per-user limits on the expensive actions, applied to the dashboard's forms too.

One budget per (action, user) whichever door the request comes through: the check is the API's
own throttle (`musicrec.api.ActionRateThrottle`, DRF's cache key `throttle_<scope>_<user id>`),
so a marketer who queues analyses from the page and from a script spends one allowance. The
rates are `settings.API_THROTTLE_RATES` (the `API_THROTTLE_*` environment variables); an empty
rate means no limit. Scopes: "analyze-tiktok" (analyze a creator from a handle or a scrape),
"analyze" (re-run an analysis), "recommend" (a recommendation run).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace

from django.http import HttpRequest, HttpResponse

from musicrec.api import ActionRateThrottle

# What one action of each scope is called in the message.
ACTIONS = {
    "analyze-tiktok": "creator analyses",
    "analyze": "re-run analyses",
    "recommend": "recommendation runs",
}
PERIODS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}


@dataclass(frozen=True)
class Refusal:
    """An action over its limit: the rate it broke and the seconds until the next one is let in."""

    scope: str
    rate: str
    retry_after_s: int

    @property
    def message(self) -> str:
        count, _, period = self.rate.partition("/")
        per = PERIODS.get(period[:1], period)
        action = ACTIONS.get(self.scope, self.scope)
        return (
            f"Limit reached: {action} are limited to {count} per {per} for each user. "
            f"Try again in {duration_text(self.retry_after_s)}."
        )


def action_refusal(request: HttpRequest, scope: str) -> Refusal | None:
    """Count one `scope` action for the request's user, or refuse it (nothing counted) when the
    user is over the limit. Call it only once the action is about to run: a form with errors
    costs nothing."""
    throttle = ActionRateThrottle()
    if throttle.allow_request(request, SimpleNamespace(throttle_scope=scope)):  # type: ignore[arg-type]
        return None
    return Refusal(
        scope=scope, rate=throttle.rate or "", retry_after_s=retry_seconds(throttle.wait())
    )


def refused(response: HttpResponse, refusal: Refusal) -> HttpResponse:
    """`response` as a 429 Too Many Requests with `Retry-After`, as the API answers."""
    response.status_code = 429
    response["Retry-After"] = str(refusal.retry_after_s)
    return response


def retry_seconds(wait: float | None) -> int:
    return max(1, math.ceil(wait or 0))


def duration_text(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    if seconds < 90 * 60:
        minutes = math.ceil(seconds / 60)
        return f"{minutes} minutes"
    hours = math.ceil(seconds / 3600)
    return f"{hours} hours"
