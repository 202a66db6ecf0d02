from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from recommendations.models import Feedback, RecommendationItem, RecommendationRun


class RecommendationItemInline(admin.TabularInline):
    model = RecommendationItem
    extra = 0
    fields = ["rank", "music", "score", "components", "reasons"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecommendationItem]:
        # Each row names its track: load them with the items, not one query per row.
        return super().get_queryset(request).select_related("music")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(RecommendationRun)
class RecommendationRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "author",
        "target_kind",
        "item_count",
        "engine_version",
        "duration_ms",
        "created_by",
        "created_at",
    ]
    list_filter = ["target_kind", "engine_version"]
    search_fields = ["author__name", "author__sources__handle"]
    list_select_related = ["author", "created_by"]
    readonly_fields = [
        "author",
        "video",
        "target_kind",
        "brief",
        "params",
        "weights",
        "engine_version",
        "catalogue_version",
        "notices",
        "duration_ms",
        "created_by",
        "created_at",
    ]
    inlines = [RecommendationItemInline]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecommendationRun]:
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description="items", ordering="item_count")
    def item_count(self, run: RecommendationRun) -> int:
        return run.item_count  # type: ignore[attr-defined]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Runs are made by the engine (API, dashboard, `manage.py recommend`), never by hand.
        return False


@admin.register(RecommendationItem)
class RecommendationItemAdmin(admin.ModelAdmin):
    list_display = ["run", "rank", "music", "score"]
    list_select_related = ["run", "run__author", "music"]
    search_fields = ["music__title", "music__artist_name"]
    readonly_fields = ["run", "rank", "music", "score", "components", "reasons"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["author", "music", "verdict", "note", "created_by", "updated_at"]
    list_filter = ["verdict"]
    search_fields = ["author__name", "music__title", "note"]
    list_select_related = ["author", "music", "created_by"]
    autocomplete_fields = ["author", "music"]
    readonly_fields = ["item", "created_by", "created_at", "updated_at"]
