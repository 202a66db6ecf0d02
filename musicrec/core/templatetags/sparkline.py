"""An inline SVG sparkline drawn on the server: no script, no chart library, prints as seen."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import format_html

register = template.Library()


def sparkline_points(values: Sequence[float], width: float, height: float) -> str:
    """SVG polyline points for `values`, scaled so the largest touches the top (a flat zero line
    sits on the bottom); one pixel of padding keeps the stroke inside the box."""
    if not values:
        return ""
    top = max(max(values), 1)
    step = (width - 2) / max(len(values) - 1, 1)
    scale = (height - 2) / top
    return " ".join(
        f"{1 + i * step:.1f},{height - 1 - v * scale:.1f}" for i, v in enumerate(values)
    )


@register.simple_tag
def sparkline(values: Sequence[float], label: str = "", width: int = 120, height: int = 28) -> str:
    """`{% sparkline row.weekly "Creators per week" %}`: the values as a line, the last one as
    a dot; the values are read out to screen readers in the label."""
    values = [float(v) for v in values or []]
    if not values:
        return ""
    points = sparkline_points(values, width, height)
    last_x, last_y = points.rsplit(" ", 1)[-1].split(",")
    spoken = ", ".join(f"{v:g}" for v in values)
    return format_html(
        '<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}: {}"><polyline points="{}" fill="none" stroke="currentColor" '
        'stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>'
        '<circle cx="{}" cy="{}" r="2" fill="currentColor"/></svg>',
        width, height, width, height, label or "Values", spoken, points, last_x, last_y,
    )  # fmt: skip
