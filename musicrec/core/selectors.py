"""Reads shared across apps."""

from __future__ import annotations

from django.apps import apps


def catalogue_counts() -> dict[str, int]:
    """How much the product knows, for the home page."""
    return {
        "creators": apps.get_model("authors", "Author").objects.filter(is_creator=True).count(),
        "videos": apps.get_model("videos", "Video").objects.count(),
        "tracks": apps.get_model("music", "Music").objects.catalogue().count(),
    }
