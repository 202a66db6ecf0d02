from django.contrib import admin

from videos.models import Video, VideoContentAnalysis, VideoMusic, VideoSnapshot, VideoSource


class VideoSourceInline(admin.StackedInline):
    model = VideoSource
    extra = 0
    fields = [
        "platform",
        "external_id",
        "url",
        "views",
        "likes",
        "comments",
        "shares",
        "saves",
        "is_ad",
        "is_pinned",
        "is_slideshow",
        "last_scraped_at",
    ]
    readonly_fields = ["last_scraped_at"]
    show_change_link = True


class VideoMusicInline(admin.TabularInline):
    model = VideoMusic
    extra = 0
    autocomplete_fields = ["music"]


class VideoContentAnalysisInline(admin.StackedInline):
    model = VideoContentAnalysis
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in VideoContentAnalysis._meta.fields if f.name != "id"]
    fields = readonly_fields


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "posted_at", "duration_s"]
    list_filter = ["sources__platform", "content_analysis__category"]
    search_fields = ["caption", "sources__external_id", "author__name"]
    list_select_related = ["author"]
    autocomplete_fields = ["author"]
    date_hierarchy = "posted_at"
    inlines = [VideoSourceInline, VideoMusicInline, VideoContentAnalysisInline]


class VideoSnapshotInline(admin.TabularInline):
    model = VideoSnapshot
    extra = 0
    readonly_fields = ["taken_at", "views", "likes", "comments", "shares", "saves"]
    can_delete = False


@admin.register(VideoSource)
class VideoSourceAdmin(admin.ModelAdmin):
    list_display = [
        "external_id",
        "platform",
        "video",
        "views",
        "likes",
        "shares",
        "last_scraped_at",
    ]
    list_filter = ["platform", "is_ad", "is_slideshow"]
    search_fields = ["external_id", "video__caption"]
    list_select_related = ["video"]
    autocomplete_fields = ["video"]
    readonly_fields = ["first_seen_at", "last_scraped_at", "raw"]
    inlines = [VideoSnapshotInline]


@admin.register(VideoSnapshot)
class VideoSnapshotAdmin(admin.ModelAdmin):
    list_display = ["source", "taken_at", "views", "likes", "comments", "shares", "saves"]
    list_select_related = ["source"]
    search_fields = ["source__external_id"]
    date_hierarchy = "taken_at"


@admin.register(VideoMusic)
class VideoMusicAdmin(admin.ModelAdmin):
    list_display = ["video", "music", "is_primary"]
    list_select_related = ["video", "music"]
    search_fields = ["video__caption", "music__title"]
    autocomplete_fields = ["video", "music"]


@admin.register(VideoContentAnalysis)
class VideoContentAnalysisAdmin(admin.ModelAdmin):
    list_display = [
        "video",
        "status",
        "category",
        "category_confidence",
        "tempo_bpm",
        "energy",
        "top_mood",
        "cuts_per_min",
        "analyzed_at",
    ]
    list_filter = ["status", "category", "top_mood"]
    search_fields = ["video__caption"]
    list_select_related = ["video"]
    readonly_fields = [f.name for f in VideoContentAnalysis._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
