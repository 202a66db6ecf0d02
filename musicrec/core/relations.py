"""Small helpers for reading model relations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist


def related_or_none(instance: Any, name: str) -> Any:
    """A reverse one-to-one loaded by select_related, or None where the row does not exist."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None
