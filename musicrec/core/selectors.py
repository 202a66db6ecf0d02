"""Reads shared across apps, without naming any: core is the ground floor (docs/architecture.md)."""

from __future__ import annotations

from django.apps import apps


def catalogue_counts() -> dict[str, int]:
    """How much the product knows, for the home page.

    Each app that has something to count says so through a `home_counts()` method on its
    AppConfig (creators, videos, catalogue tracks), so core asks the installed apps instead of
    reaching into their models.
    """
    counts: dict[str, int] = {}
    for config in apps.get_app_configs():
        home_counts = getattr(config, "home_counts", None)
        if callable(home_counts):
            counts.update(home_counts())
    return counts
