from django.contrib import admin

from music.models import Music, MusicFeatures, MusicSnapshot, MusicSource


class MusicSourceInline(admin.StackedInline):
    model = MusicSource
    extra = 0
    fields = [
        "platform",
        "external_id",
        "url",
        "popularity",
        "usage_count",
        "genres",
        "last_seen_at",
    ]
    readonly_fields = ["last_seen_at"]
    show_change_link = True


class MusicFeaturesInline(admin.StackedInline):
    model = MusicFeatures
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in MusicFeatures._meta.fields if f.name != "id"]
    fields = readonly_fields


@admin.register(Music)
class MusicAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "artist_name",
        "is_original_sound",
        "commercial_ok",
        "isrc",
        "duration_s",
    ]
    list_filter = ["is_original_sound", "commercial_ok", "sources__platform", "features__genre"]
    list_editable = ["commercial_ok"]
    search_fields = ["title", "artist_name", "isrc", "sources__external_id"]
    list_select_related = ["artist"]
    autocomplete_fields = ["artist"]
    inlines = [MusicSourceInline, MusicFeaturesInline]


class MusicSnapshotInline(admin.TabularInline):
    model = MusicSnapshot
    extra = 0
    readonly_fields = ["taken_at", "popularity", "usage_count", "chart_rank"]
    can_delete = False


@admin.register(MusicSource)
class MusicSourceAdmin(admin.ModelAdmin):
    list_display = ["external_id", "platform", "music", "popularity", "usage_count", "last_seen_at"]
    list_filter = ["platform"]
    search_fields = ["external_id", "music__title", "music__artist_name"]
    list_select_related = ["music"]
    autocomplete_fields = ["music"]
    readonly_fields = ["first_seen_at", "last_seen_at", "raw"]
    inlines = [MusicSnapshotInline]


@admin.register(MusicSnapshot)
class MusicSnapshotAdmin(admin.ModelAdmin):
    list_display = ["source", "taken_at", "popularity", "usage_count", "chart_rank"]
    list_select_related = ["source"]
    search_fields = ["source__external_id", "source__music__title"]
    date_hierarchy = "taken_at"


@admin.register(MusicFeatures)
class MusicFeaturesAdmin(admin.ModelAdmin):
    list_display = [
        "music",
        "status",
        "feature_source",
        "tempo_bpm",
        "key",
        "mode",
        "energy",
        "valence",
        "genre",
        "genre_source",
        "genre_confidence",
        "top_mood",
    ]
    list_filter = ["status", "feature_source", "genre", "genre_source", "top_mood", "mode"]
    search_fields = ["music__title", "music__artist_name"]
    list_select_related = ["music"]
    readonly_fields = ["analyzed_at", "version", "detail"]
