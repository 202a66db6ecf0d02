from django.contrib import admin

from recommendations.models import Feedback, RecommendationItem, RecommendationRun


class RecommendationItemInline(admin.TabularInline):
    model = RecommendationItem
    extra = 0
    fields = ["rank", "music", "score", "components", "reasons"]
    readonly_fields = fields
    can_delete = False


@admin.register(RecommendationRun)
class RecommendationRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "author",
        "target_kind",
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


@admin.register(RecommendationItem)
class RecommendationItemAdmin(admin.ModelAdmin):
    list_display = ["run", "rank", "music", "score"]
    list_select_related = ["run", "music"]
    search_fields = ["music__title", "music__artist_name"]
    readonly_fields = ["run", "rank", "music", "score", "components", "reasons"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["author", "music", "verdict", "created_by", "updated_at"]
    list_filter = ["verdict"]
    search_fields = ["author__name", "music__title", "note"]
    list_select_related = ["author", "music", "created_by"]
    autocomplete_fields = ["author", "music"]
