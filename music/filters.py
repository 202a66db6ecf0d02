"""Filters for music lists (the API; the dashboard list reuses them)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from music import selectors
from music.models import Music
from musicrec.core.descriptors import GENRES, MOODS
from musicrec.filters import BooleanFilter, number_filter

# Any tempo a track can have, in BPM (the analysis reports 30-300).
TEMPO_RANGE = (0.0, 999.0)


def _tempo_filter(lookup_expr: str, label: str) -> django_filters.NumberFilter:
    low, high = TEMPO_RANGE
    return number_filter(
        field_name="features__tempo_bpm", lookup_expr=lookup_expr, label=label, low=low, high=high
    )


class MusicFilter(django_filters.FilterSet):
    """Tracks by genre, mood, tempo range, commercial clearance, kind and text.

    Genre, mood and tempo read the stored features, so tracks not analysed yet match none of
    them. Original sounds are left out unless `is_original` is given.
    """

    search = django_filters.CharFilter(
        method="filter_search", label="Title, artist, album or ISRC contains (every word)."
    )
    genre = django_filters.ChoiceFilter(
        field_name="features__genre", choices=list(GENRES.items()), label="Top genre."
    )
    mood = django_filters.ChoiceFilter(
        field_name="features__top_mood", choices=list(MOODS.items()), label="Top mood."
    )
    tempo_min = _tempo_filter("gte", "At least this many BPM.")
    tempo_max = _tempo_filter("lte", "At most this many BPM.")
    commercial_ok = BooleanFilter(
        label="Cleared for business use (true/false); unknown tracks match neither."
    )
    is_original = BooleanFilter(
        field_name="is_original_sound",
        label="true: only creators' original sounds; false (default): catalogue tracks.",
    )
    early_trend = BooleanFilter(
        field_name="features__early_trend", label="Rising on Spotify while rare on TikTok."
    )

    class Meta:
        model = Music
        fields = ["search", "genre", "mood", "commercial_ok", "is_original", "early_trend"]

    def filter_queryset(self, queryset: QuerySet[Music]) -> QuerySet[Music]:
        if self.form.cleaned_data.get("is_original") is None:
            queryset = queryset.filter(is_original_sound=False)
        return super().filter_queryset(queryset)

    def filter_search(self, queryset: QuerySet[Music], name: str, value: str) -> QuerySet[Music]:
        return selectors.music_list_filter(queryset, search=value)
