"""Filters for creator lists (the API; the dashboard list reuses them)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from authors import selectors
from authors.analysis import TIERS
from authors.models import Author
from musicrec.core.descriptors import CATEGORIES
from musicrec.filters import BooleanFilter, count_filter


class AuthorFilter(django_filters.FilterSet):
    """Creators by name or handle, tier, main content category, reach and flags.

    Follower bounds and `verified` read the TikTok account the list shows; `tier` and
    `category` read the stored analysis, so creators not analysed yet match neither.
    """

    search = django_filters.CharFilter(
        method="filter_search", label='Name, handle or display name contains ("@" optional).'
    )
    tier = django_filters.ChoiceFilter(
        choices=[(name, name) for name, _ in TIERS],
        method="filter_tier",
        label="Creator tier by followers (from the stored analysis).",
    )
    category = django_filters.ChoiceFilter(
        choices=list(CATEGORIES.items()),
        method="filter_category",
        label="Main content category (from the stored analysis).",
    )
    min_followers = count_filter(
        field_name="followers", lookup_expr="gte", label="At least this many followers."
    )
    max_followers = count_filter(
        field_name="followers", lookup_expr="lte", label="At most this many followers."
    )
    verified = BooleanFilter(field_name="verified", label="The TikTok account is verified.")
    is_creator = BooleanFilter(label="Posts videos on a platform.")
    is_artist = BooleanFilter(label="Credited on music in the catalogue.")

    class Meta:
        model = Author
        fields = ["search", "tier", "category", "verified", "is_creator", "is_artist"]

    def filter_search(self, queryset: QuerySet[Author], name: str, value: str) -> QuerySet[Author]:
        return selectors.author_list_filter(queryset, search=value)

    def filter_tier(self, queryset: QuerySet[Author], name: str, value: str) -> QuerySet[Author]:
        return selectors.author_list_filter(queryset, tier=value)

    def filter_category(
        self, queryset: QuerySet[Author], name: str, value: str
    ) -> QuerySet[Author]:
        return selectors.author_list_filter(queryset, category=value)
