"""The creators list as a CSV table, shared by the dashboard download and the API."""

from __future__ import annotations

from django.db.models import F, QuerySet

from authors.models import Author
from musicrec.csv_export import CsvTable

# Column names are the API's field names, so a CSV and a JSON answer read the same.
CREATOR_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "handle",
    "verified",
    "followers",
    "tier",
    "median_views",
    "engagement_rate_by_views",
    "videos_per_week",
    "top_category",
    "analysis_status",
    "analyzed_at",
)


def creator_table(queryset: QuerySet[Author]) -> CsvTable:
    """Every row of an `authors.selectors.author_list` queryset (filters and order as given),
    in one query: no pagination, an export is the whole list."""
    rows = queryset.annotate(median_views=F("analysis__median_views")).values_list(*CREATOR_COLUMNS)
    return CsvTable(CREATOR_COLUMNS, rows)
