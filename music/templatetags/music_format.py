"""Template filters that turn stored 0-1 figures and log growth ratios into what marketers read."""

from __future__ import annotations

import math

from django import template

from musicrec.core.descriptors import GENRES, MOODS

register = template.Library()


def _number(value: object) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@register.filter
def pct(value: object) -> str:
    """0.823 → "82 %"; unknown → "–"."""
    number = _number(value)
    return "–" if number is None else f"{round(number * 100):d} %"


@register.filter
def top_pct(percentile: object) -> str:
    """A 0-1 percentile as "top N %", N = ⌈(1 − p) · 100⌉ and at least 1 (as the reasons say)."""
    number = _number(percentile)
    if number is None:
        return "–"
    return f"top {max(1, math.ceil(round((1 - number) * 100, 6))):d} %"


@register.filter
def growth_pct(log_ratio: object) -> str:
    """A ln(now / then) usage growth as a signed percentage change: 0.405 → "+50 %"."""
    number = _number(log_ratio)
    if number is None:
        return "–"
    change = (math.exp(number) - 1) * 100
    return f"{change:+,.0f} %"


@register.filter
def bar(value: object) -> int:
    """A 0-1 figure as a bar width in percent, clamped to 0-100."""
    number = _number(value)
    return 0 if number is None else max(0, min(100, round(number * 100)))


@register.filter
def dig(mapping: object, key: str) -> object:
    """mapping[key] for dict keys templates cannot reach (with dashes or digits)."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def genre_label(key: object) -> str:
    """A taxonomy key as its display name ("hip-hop" → "Hip-hop / rap")."""
    return GENRES.get(str(key or ""), str(key or ""))


@register.filter
def mood_label(key: object) -> str:
    return MOODS.get(str(key or ""), str(key or ""))
