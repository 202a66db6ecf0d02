"""Admin pieces that follow the team roles (musicrec.core.roles).

Django checks an action's `permissions=["x"]` with the ModelAdmin's `has_x_permission`; the
re-run actions of every app use "rerun", which no model permission covers.
"""

from __future__ import annotations

from django.http import HttpRequest

from musicrec.core import roles


class RerunAnalysesMixin:
    """For ModelAdmins whose actions re-run analyses: only roles with rerun_analyses see them."""

    def has_rerun_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(roles.RERUN_ANALYSES)
