"""List filters and ordering shared by every app's API and dashboard lists.

Bad input is a 400 naming the parameter, never a 500 and never quietly ignored: DRF's ordering
dropped unknown terms, django-filter's booleans ignored anything but true/false, an id past
2**63 - 1 reached SQLite as an OverflowError, and a date-time with a far-off UTC offset in year
119 reached PostgreSQL as a DataError. The schema each filter documents says what it accepts
(types, bounds, enums), so generated clients and schemathesis agree with the server.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import F, OrderBy, QuerySet
from drf_spectacular.drainage import set_override
from rest_framework import filters
from rest_framework.exceptions import ValidationError

from musicrec.core.ids import MAX_ID

# --- Filters ------------------------------------------------------------------------------------


def _documented(filter_: django_filters.Filter, schema: dict[str, Any]) -> Any:
    """Attach the OpenAPI schema drf-spectacular shows for this one filter (with its label)."""
    set_override(filter_, "field", {**schema, "description": str(filter_.label or "")})
    return filter_


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class FloatFilter(django_filters.NumberFilter):
    field_class = forms.FloatField


def id_filter(*, field_name: str, label: str) -> IntegerFilter:
    """A row id: a whole number from 1 to 2**63 - 1."""
    filter_ = IntegerFilter(field_name=field_name, label=label, min_value=1, max_value=MAX_ID)
    return _documented(
        filter_, {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}
    )


def count_filter(*, field_name: str, lookup_expr: str, label: str) -> IntegerFilter:
    """A bound on a count (followers, views): a whole number from 0 to 2**63 - 1."""
    filter_ = IntegerFilter(
        field_name=field_name, lookup_expr=lookup_expr, label=label, min_value=0, max_value=MAX_ID
    )
    return _documented(
        filter_, {"type": "integer", "format": "int64", "minimum": 0, "maximum": MAX_ID}
    )


def number_filter(
    *, field_name: str, lookup_expr: str, label: str, low: float, high: float
) -> FloatFilter:
    """A bound on a measured value (tempo): a number within low..high."""
    filter_ = FloatFilter(
        field_name=field_name, lookup_expr=lookup_expr, label=label, min_value=low, max_value=high
    )
    return _documented(filter_, {"type": "number", "minimum": low, "maximum": high})


class StrictBooleanField(forms.Field):
    """true/false (also 1/0); anything else is an error, where django-filter ignored it."""

    widget = forms.TextInput
    TRUE = frozenset({"true", "1"})
    FALSE = frozenset({"false", "0"})

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(f"true or false, got {str(value)[:50]!r}", code="invalid")

    def validate(self, value: Any) -> None:
        # A blank is "not given", not a missing required value.
        return None


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """ISO 8601 date-times, compared in UTC.

    A value is turned to UTC before it reaches the database: PostgreSQL refuses UTC offsets
    past ±15:59, which ISO 8601 (and Python) allow. A time so early or late that UTC falls
    outside years 1-9999 is clamped to the first or last representable instant, which every
    stored time is after or before anyway.
    """

    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            edge = datetime.min if parsed.year < 5000 else datetime.max
            return edge.replace(tzinfo=UTC)


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


# --- Ordering -----------------------------------------------------------------------------------


class OrderingFilter(filters.OrderingFilter):
    """DRF's ordering, strict: an unknown term is a 400 naming `ordering` and the terms allowed
    (DRF dropped it and sorted by the default). The schema lists the terms as an enum."""

    def get_ordering(self, request: Any, queryset: QuerySet, view: Any) -> Any:
        raw = request.query_params.get(self.ordering_param)
        if not raw:
            return self.get_default_ordering(view)
        terms = [term.strip() for term in raw.split(",") if term.strip()]
        allowed = self._allowed_terms(queryset, view, request)
        unknown = [term for term in terms if term not in allowed]
        if unknown:
            choices = ", ".join(sorted(allowed, key=lambda t: (t.lstrip("-"), t)))
            raise ValidationError(
                {self.ordering_param: [f"unknown ordering {unknown[0][:50]!r}; use {choices}"]}
            )
        return terms or self.get_default_ordering(view)

    def _allowed_terms(self, queryset: QuerySet, view: Any, request: Any) -> set[str]:
        names = [item[0] for item in self.get_valid_fields(queryset, view, {"request": request})]
        return {*names, *(f"-{name}" for name in names)}

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", None)
        if not isinstance(fields, list | tuple):
            return parameters
        names = [item if isinstance(item, str) else item[0] for item in fields]
        terms = [term for name in names for term in (name, f"-{name}")]
        for parameter in parameters:
            parameter["description"] = (
                f"Comma-separated sort keys; prefix `-` for descending. One of: {', '.join(names)}."
            )
            parameter["schema"] = {"type": "array", "items": {"type": "string", "enum": terms}}
            parameter["style"] = "form"
            parameter["explode"] = False
        return parameters


class NullsLastOrderingFilter(OrderingFilter):
    """The strict ordering, with unknown values last in both directions on every database.

    PostgreSQL sorts NULL first when descending and SQLite last; a creator with no analysis or a
    track never ranked should never top a "highest engagement" or "most popular" list on either.
    """

    def filter_queryset(self, request: Any, queryset: QuerySet, view: Any) -> QuerySet:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        # pk last keeps pages stable when many rows tie (every row without an analysis)
        return queryset.order_by(*(self._nulls_last(term) for term in ordering), "pk")

    @staticmethod
    def _nulls_last(term: str | OrderBy) -> OrderBy:
        if not isinstance(term, str):
            return term
        if term.startswith("-"):
            return F(term[1:]).desc(nulls_last=True)
        return F(term).asc(nulls_last=True)
