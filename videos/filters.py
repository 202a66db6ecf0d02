"""Filters for video lists (the API; a dashboard list can reuse them)."""

from __future__ import annotations

import django_filters

from musicrec.core.descriptors import CATEGORIES, MOODS
from musicrec.filters import UtcDateTimeFilter, id_filter
from videos.models import Video


class VideoFilter(django_filters.FilterSet):
    """Videos by creator, content category, top mood and posting time.

    Category and mood read the stored content analysis, so videos not analysed yet match
    neither.
    """

    author = id_filter(field_name="author_id", label="Author id.")
    category = django_filters.ChoiceFilter(
        field_name="content_analysis__category",
        choices=list(CATEGORIES.items()),
        label="Content category (from the content analysis).",
    )
    mood = django_filters.ChoiceFilter(
        field_name="content_analysis__top_mood",
        choices=list(MOODS.items()),
        label="Top mood (from the content analysis).",
    )
    posted_after = UtcDateTimeFilter(
        field_name="posted_at", lookup_expr="gte", label="Posted at or after (ISO 8601)."
    )
    posted_before = UtcDateTimeFilter(
        field_name="posted_at", lookup_expr="lt", label="Posted before (ISO 8601)."
    )

    class Meta:
        model = Video
        fields = ["author", "category", "mood", "posted_after", "posted_before"]
