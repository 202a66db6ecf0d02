"""Template filters for the creator pages: stored figures as marketers read them.

Stored rates are 0-1 fractions and `null` means unknown (docs/metrics.md), so every filter shows
an unknown value as "–", never as 0.
"""

from __future__ import annotations

from django import template

from authors.analysis import METRIC_FORMULAS
from musicrec.core.templatetags.display import SHARED_FILTERS, UNKNOWN, whole_pct
from musicrec.core.templatetags.display import number_or_none as _number

register = template.Library()
for _name, _filter in SHARED_FILTERS.items():
    register.filter(_name, _filter)


@register.filter
def rate(value: object, decimals: int = 2) -> str:
    """A 0-1 fraction as a percentage: 0.1196 → "11.96 %"."""
    number = _number(value)
    return UNKNOWN if number is None else f"{number * 100:.{int(decimals)}f} %"


register.filter("share", whole_pct)


@register.filter
def signed_pct(value: object) -> str:
    """A figure already in percent, with its sign: -5.19 → "−5.2 %"."""
    number = _number(value)
    if number is None:
        return UNKNOWN
    return f"{number:+.1f} %".replace("-", "−")


@register.filter
def compact(value: object) -> str:
    """A count as it fits a table cell: 3920039 → "3.9M", 660836.5 → "661K", 412 → "412"."""
    number = _number(value)
    if number is None:
        return UNKNOWN
    size = abs(number)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if size >= limit:
            scaled = number / limit
            text = f"{scaled:.1f}" if abs(scaled) < 100 else f"{scaled:.0f}"
            return text.removesuffix(".0") + suffix
    return f"{number:.0f}" if number == int(number) else f"{number:.1f}"


@register.filter
def decimal(value: object, decimals: int = 1) -> str:
    """A plain number with a fixed number of decimals and thousands separators."""
    number = _number(value)
    return UNKNOWN if number is None else f"{number:,.{int(decimals)}f}"


@register.filter
def formula(key: str) -> str:
    """The formula behind a stored figure (authors.analysis.METRIC_FORMULAS)."""
    return METRIC_FORMULAS.get(str(key), "")


@register.filter
def initial(name: object) -> str:
    """The first letter or digit of a name, for an avatar (emoji and marks skipped)."""
    for char in str(name or ""):
        if char.isalnum():
            return char.upper()
    return "?"
