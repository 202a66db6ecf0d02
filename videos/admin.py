"""Curation of videos, their posts, sounds and content analyses; re-run the analysis from here."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from musicrec.core.admin_roles import RerunAnalysesMixin
from musicrec.core.admin_versions import BumpsDataVersions
from musicrec.core.descriptors import CATEGORIES
from musicrec.core.versions import USAGE
from videos import services
from videos.models import Video, VideoContentAnalysis, VideoMusic, VideoSnapshot, VideoSource

CATEGORY_COLUMN = "Category (source, confidence)"


def category_label(analysis: VideoContentAnalysis | None) -> str:
    """The category with where it was read and how sure it is: "Dance (hashtags, 0.89)"."""
    if analysis is None or not analysis.category:
        return "–"
    name = CATEGORIES.get(analysis.category, analysis.category)
    parts = [analysis.category_source or "unknown source"]
    if analysis.category_confidence is not None:
        parts.append(f"{analysis.category_confidence:.2f}")
    return f"{name} ({', '.join(parts)})"


@admin.action(description="Re-run content analysis", permissions=["rerun"])
def rerun_content_analysis(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    """Queue the content analysis of the selected videos on a worker, as one Job."""
    field = "video_id" if queryset.model is VideoContentAnalysis else "pk"
    video_ids = list(queryset.values_list(field, flat=True))
    job = services.video_analysis_enqueue(video_ids=video_ids, user=request.user)
    modeladmin.message_user(
        request,
        format_html(
            'Queued the content analysis of {} video(s) as <a href="{}">job {}</a>; '
            "results appear when the worker finishes.",
            len(video_ids),
            reverse("admin:core_job_change", args=[job.pk]),
            job.pk,
        ),
        messages.SUCCESS,
    )


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
    readonly_fields = [
        "category_display",
        *(
            f.name
            for f in VideoContentAnalysis._meta.fields
            if f.name not in {"id", "video", "detail", "category", "category_source"}
        ),
        "detail_pretty",
    ]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: Video | None = None) -> bool:
        return False

    @admin.display(description=CATEGORY_COLUMN)
    def category_display(self, obj: VideoContentAnalysis) -> str:
        return category_label(obj)

    @admin.display(description="Every output with its evidence")
    def detail_pretty(self, obj: VideoContentAnalysis) -> str:
        return _pretty(obj.detail)


def _pretty(data: object) -> str:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', text)


@admin.register(Video)
class VideoAdmin(BumpsDataVersions, RerunAnalysesMixin, admin.ModelAdmin):
    data_versions = (USAGE,)
    list_display = ["__str__", "author", "posted_at", "duration_s", "content_category", "mood"]
    list_filter = ["sources__platform", "content_analysis__category", "content_analysis__status"]
    search_fields = ["caption", "sources__external_id", "author__name"]
    list_select_related = ["author", "content_analysis"]
    autocomplete_fields = ["author"]
    date_hierarchy = "posted_at"
    inlines = [VideoSourceInline, VideoMusicInline, VideoContentAnalysisInline]
    actions = [rerun_content_analysis]

    @admin.display(
        description="Category (source, confidence)", ordering="content_analysis__category"
    )
    def content_category(self, obj: Video) -> str:
        return category_label(getattr(obj, "content_analysis", None))

    @admin.display(description="Top mood", ordering="content_analysis__top_mood")
    def mood(self, obj: Video) -> str:
        analysis = getattr(obj, "content_analysis", None)
        return (analysis.top_mood if analysis else "") or "–"


class VideoSnapshotInline(admin.TabularInline):
    model = VideoSnapshot
    extra = 0
    readonly_fields = ["taken_at", "views", "likes", "comments", "shares", "saves"]
    can_delete = False


@admin.register(VideoSource)
class VideoSourceAdmin(BumpsDataVersions, admin.ModelAdmin):
    data_versions = (USAGE,)  # views and the ad flag
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
class VideoMusicAdmin(BumpsDataVersions, admin.ModelAdmin):
    data_versions = (USAGE,)
    list_display = ["video", "music", "is_primary"]
    list_select_related = ["video", "music"]
    search_fields = ["video__caption", "music__title"]
    autocomplete_fields = ["video", "music"]


@admin.register(VideoContentAnalysis)
class VideoContentAnalysisAdmin(RerunAnalysesMixin, admin.ModelAdmin):
    list_display = [
        "video",
        "status",
        "category_display",
        "tempo_bpm",
        "tempo_source",
        "energy",
        "top_mood",
        "cuts_per_min",
        "analyzed_at",
    ]
    list_filter = ["status", "category", "top_mood"]
    search_fields = ["video__caption"]
    list_select_related = ["video"]
    readonly_fields = [
        "category_display",
        *(f.name for f in VideoContentAnalysis._meta.fields if f.name != "detail"),
        "detail_pretty",
    ]
    actions = [rerun_content_analysis]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: VideoContentAnalysis | None = None
    ) -> bool:
        return False  # computed by the analysis: re-run it instead of editing

    @admin.display(description=CATEGORY_COLUMN, ordering="category")
    def category_display(self, obj: VideoContentAnalysis) -> str:
        return category_label(obj)

    @admin.display(description="Every output with its evidence")
    def detail_pretty(self, obj: VideoContentAnalysis) -> str:
        return _pretty(obj.detail)
