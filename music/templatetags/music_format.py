"""Template filters that turn stored 0-1 figures and log growth ratios into what marketers read."""

from __future__ import annotations

import math

from django import template

from musicrec.core.templatetags.display import SHARED_FILTERS, whole_pct
from musicrec.core.templatetags.display import number_or_none as _number

register = template.Library()
for _name, _filter in SHARED_FILTERS.items():
    register.filter(_name, _filter)


register.filter("pct", whole_pct)


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
def dig(mapping: object, key: str) -> object:
    """mapping[key] for dict keys templates cannot reach (with dashes or digits)."""
    return mapping.get(key) if isinstance(mapping, dict) else None
