"""List ordering shared by every app's API and dashboard lists."""

from __future__ import annotations

from typing import Any

from django.db.models import F, OrderBy, QuerySet
from rest_framework.filters import OrderingFilter


class NullsLastOrderingFilter(OrderingFilter):
    """DRF's ordering, with unknown values last in both directions on every database.

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
