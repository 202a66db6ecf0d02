"""Small numeric helpers shared by the metric modules: every ratio guards its denominator."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence


def safe_div(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when either is unknown or the denominator is zero."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def known(values: Iterable[float | None]) -> list[float]:
    return [v for v in values if v is not None]


def mean_or_none(values: Sequence[float]) -> float | None:
    return statistics.fmean(values) if values else None


def median_or_none(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def weighted_mean(values: Sequence[float], weights: Sequence[float]) -> float | None:
    total = sum(weights)
    if not values or total <= 0:
        return None
    return sum(v * w for v, w in zip(values, weights, strict=True)) / total


def weighted_std(values: Sequence[float], weights: Sequence[float]) -> float | None:
    """Population (not sample) standard deviation: the weights are shares, not frequencies."""
    centre = weighted_mean(values, weights)
    if centre is None:
        return None
    total = sum(weights)
    variance = sum(w * (v - centre) ** 2 for v, w in zip(values, weights, strict=True)) / total
    return math.sqrt(variance)


def entropy(weights: Iterable[float]) -> float:
    """Shannon entropy in nats of a distribution given as non-negative weights summing to 1."""
    return -sum(w * math.log(w) for w in weights if w > 0)


# Rounding policy for to_dict(): rates are fractions (4 decimals = 0.01 percentage point),
# counts and averages of counts keep one decimal, percentages two.
def rate(value: float | None) -> float | None:
    return rounded(value, 4)


def amount(value: float | None) -> float | None:
    return rounded(value, 1)


def percent(value: float | None) -> float | None:
    return rounded(value, 2)
