"""Display filters every dashboard page shares: unknowns as "–", 0-1 figures, vocabulary labels.

Stored figures use None for unknown (never 0), so each filter shows an unknown value as "–".
The app libraries (`creator_format`, `music_format`) register these beside their own filters,
so a template loads one library and the shared ones behave the same everywhere.
"""

from __future__ import annotations

import math

from django import template

from musicrec.core.descriptors import CATEGORIES, MOODS, genre_label

register = template.Library()

UNKNOWN = "–"


def number_or_none(value: object) -> float | None:
    """A finite float from a stored value, or None for anything unknown or malformed."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@register.filter
def whole_pct(value: object) -> str:
    """A 0-1 share as a whole percentage: 0.9675 → "97 %"."""
    number = number_or_none(value)
    return UNKNOWN if number is None else f"{round(number * 100):d} %"


@register.filter
def bar(value: object) -> int:
    """A 0-1 figure as a bar width in percent, clamped to 0-100."""
    number = number_or_none(value)
    return 0 if number is None else max(0, min(100, round(number * 100)))


register.filter("genre_label", genre_label)


@register.filter
def mood_label(key: object) -> str:
    return MOODS.get(str(key or ""), str(key or ""))


@register.filter
def category_label(key: object) -> str:
    return CATEGORIES.get(str(key or ""), str(key or "").replace("-", " ").capitalize())


SHARED_FILTERS = {
    "bar": bar,
    "genre_label": genre_label,
    "mood_label": mood_label,
    "category_label": category_label,
}
