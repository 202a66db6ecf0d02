from django.contrib import admin

from authors.models import Author, AuthorAnalysis, AuthorSnapshot, AuthorSource


class AuthorSourceInline(admin.StackedInline):
    model = AuthorSource
    extra = 0
    fields = [
        "platform",
        "external_id",
        "handle",
        "display_name",
        "verified",
        "is_private",
        "followers",
        "following",
        "likes_total",
        "video_count",
        "last_scraped_at",
    ]
    readonly_fields = ["last_scraped_at"]
    show_change_link = True


class AuthorAnalysisInline(admin.StackedInline):
    model = AuthorAnalysis
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in AuthorAnalysis._meta.fields if f.name != "id"]
    fields = readonly_fields


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "is_creator", "is_artist", "handles", "created_at"]
    list_filter = ["is_creator", "is_artist", "sources__platform"]
    search_fields = ["name", "sources__handle", "sources__external_id"]
    inlines = [AuthorSourceInline, AuthorAnalysisInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sources")

    @admin.display(description="Handles")
    def handles(self, obj: Author) -> str:
        return ", ".join(f"@{s.handle}" for s in obj.sources.all() if s.handle)


class AuthorSnapshotInline(admin.TabularInline):
    model = AuthorSnapshot
    extra = 0
    readonly_fields = ["taken_at", "followers", "following", "likes_total", "video_count"]
    can_delete = False


@admin.register(AuthorSource)
class AuthorSourceAdmin(admin.ModelAdmin):
    list_display = [
        "handle",
        "platform",
        "author",
        "followers",
        "likes_total",
        "video_count",
        "verified",
        "last_scraped_at",
    ]
    list_filter = ["platform", "verified", "is_private"]
    search_fields = ["handle", "display_name", "external_id", "author__name"]
    list_select_related = ["author"]
    autocomplete_fields = ["author"]
    readonly_fields = ["first_seen_at", "last_scraped_at", "raw"]
    inlines = [AuthorSnapshotInline]


@admin.register(AuthorSnapshot)
class AuthorSnapshotAdmin(admin.ModelAdmin):
    list_display = ["source", "taken_at", "followers", "likes_total", "video_count"]
    list_filter = ["source__platform"]
    search_fields = ["source__handle"]
    list_select_related = ["source"]
    date_hierarchy = "taken_at"


@admin.register(AuthorAnalysis)
class AuthorAnalysisAdmin(admin.ModelAdmin):
    list_display = [
        "author",
        "status",
        "tier",
        "followers",
        "median_views",
        "engagement_rate_by_views",
        "videos_per_week",
        "top_category",
        "analyzed_at",
    ]
    list_filter = ["status", "tier", "top_category"]
    search_fields = ["author__name", "author__sources__handle"]
    list_select_related = ["author"]
    readonly_fields = [f.name for f in AuthorAnalysis._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
