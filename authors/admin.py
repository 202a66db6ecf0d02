"""Curation of creators and artists; the stored profile analysis is shown read-only with its
key figures in units, each beside the formula it comes from."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from authors import admin_scrape, services
from authors.analysis import METRIC_FORMULAS
from authors.models import Author, AuthorAnalysis, AuthorSnapshot, AuthorSource
from musicrec.core.admin_roles import RerunAnalysesMixin
from musicrec.core.admin_versions import BumpsDataVersions
from musicrec.core.versions import USAGE


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _percent(value: float) -> str:
    return f"{value * 100:.2f} %"


def _unit(unit: str) -> Callable[[float], str]:
    return lambda value: f"{value:,.2f}".rstrip("0").rstrip(".") + f" {unit}"


@dataclass(frozen=True)
class KeyFigure:
    label: str
    column: str
    formula: str  # a METRIC_FORMULAS key
    show: Callable[[float], str] = str


KEY_FIGURES: tuple[KeyFigure, ...] = (
    KeyFigure("Tier", "tier", "tier"),
    KeyFigure("Followers", "followers", "followers", _count),
    KeyFigure("Videos analysed", "videos_analysed", "videos_analysed", _count),
    KeyFigure("Median views", "median_views", "median_views", _unit("views")),
    KeyFigure(
        "Engagement rate by views", "engagement_rate_by_views", "engagement_rate_by_views", _percent
    ),
    KeyFigure(
        "Engagement rate by followers",
        "engagement_rate_by_followers",
        "engagement_rate_by_followers",
        _percent,
    ),
    KeyFigure("Posting rate", "videos_per_week", "videos_per_week", _unit("videos/week")),
    KeyFigure("Viral hit share", "viral_hit_share", "viral_hit_share", _percent),
    KeyFigure(
        "Follower growth",
        "followers_gained_per_day",
        "followers_gained_per_day",
        _unit("followers/day"),
    ),
    KeyFigure("Original sound share", "original_sound_share", "original_sound_share", _percent),
    KeyFigure("Main content category", "top_category", "top_categories"),
    KeyFigure("Profile tempo", "profile_tempo_bpm", "content_profile", _unit("BPM")),
    KeyFigure("Profile energy", "profile_energy", "content_profile", _unit("(0-1)")),
    KeyFigure(
        "Profile valence", "profile_valence", "content_profile", _unit("(0-1, sad to happy)")
    ),
    KeyFigure(
        "Profile arousal", "profile_arousal", "content_profile", _unit("(0-1, calm to excited)")
    ),
    KeyFigure("Profile danceability", "profile_danceability", "content_profile", _unit("(0-1)")),
)


def _figure(analysis: AuthorAnalysis, figure: KeyFigure) -> str:
    value = getattr(analysis, figure.column)
    if value is None or value == "":
        return "—"
    return figure.show(value)


class AnalysisDisplay:
    """Read-only renderings of a stored analysis, shared by its admin and the author inline."""

    @admin.display(description="Key figures")
    def key_figures(self, obj: AuthorAnalysis) -> str:
        rows = ((f.label, _figure(obj, f), METRIC_FORMULAS[f.formula]) for f in KEY_FIGURES)
        return format_html(
            "<table><thead><tr><th>Figure</th><th>Value</th><th>Formula</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description="Notes")
    def notes_list(self, obj: AuthorAnalysis) -> str:
        if not obj.notes:
            return "—"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((n,) for n in obj.notes))
        )

    @admin.display(description="Why")
    def status_reason(self, obj: AuthorAnalysis) -> str:
        return str(obj.metrics.get("status_label", "")) if isinstance(obj.metrics, dict) else ""

    @admin.display(description="All metrics (as the API serves them)")
    def metrics_pretty(self, obj: AuthorAnalysis) -> str:
        text = json.dumps(obj.metrics, indent=2, ensure_ascii=False, sort_keys=False)
        return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', text)


@admin.action(description="Re-run profile analysis", permissions=["rerun"])
def rerun_profile_analysis(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    """Queue the analysis of each selected creator on a worker (after this request commits)."""
    author_ids = list(
        queryset.values_list("author_id" if queryset.model is AuthorAnalysis else "pk", flat=True)
    )
    for author_id in author_ids:
        services.author_analysis_enqueue(author_id=author_id)
    modeladmin.message_user(
        request,
        f"Queued the profile analysis of {len(author_ids)} creator(s); "
        "results appear when the worker finishes.",
        messages.SUCCESS,
    )


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


class AuthorAnalysisInline(AnalysisDisplay, admin.StackedInline):
    model = AuthorAnalysis
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["status", "status_reason", "version", "analyzed_at", "key_figures", "notes_list"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Author | None = None) -> bool:
        return False


@admin.register(Author)
class AuthorAdmin(BumpsDataVersions, RerunAnalysesMixin, admin.ModelAdmin):
    data_versions = (USAGE,)  # deleting a creator deletes their videos
    list_display = ["name", "is_creator", "is_artist", "handles", "analysis_summary", "created_at"]
    list_filter = ["is_creator", "is_artist", "sources__platform", "analysis__tier"]
    search_fields = ["name", "sources__handle", "sources__external_id"]
    inlines = [AuthorSourceInline, AuthorAnalysisInline]
    actions = [rerun_profile_analysis]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Author]:
        return super().get_queryset(request).select_related("analysis").prefetch_related("sources")

    @admin.display(description="Handles")
    def handles(self, obj: Author) -> str:
        return ", ".join(f"@{s.handle}" for s in obj.sources.all() if s.handle)

    @admin.display(description="Profile analysis")
    def analysis_summary(self, obj: Author) -> str:
        analysis = getattr(obj, "analysis", None)
        if analysis is None:
            return "not analysed"
        rate = analysis.engagement_rate_by_views
        parts = [analysis.get_status_display(), analysis.tier or "no tier"]
        if rate is not None:
            parts.append(f"{_percent(rate)} engagement by views")
        return " · ".join(parts)


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
class AuthorAnalysisAdmin(RerunAnalysesMixin, AnalysisDisplay, admin.ModelAdmin):
    """Read-only: analyses are computed, never typed in. Re-run them instead."""

    list_display = [
        "author",
        "status",
        "tier",
        "followers",
        "median_views",
        "engagement_by_views",
        "posting_rate",
        "top_category",
        "analyzed_at",
    ]
    list_filter = ["status", "tier", "top_category", "version"]
    search_fields = ["author__name", "author__sources__handle"]
    list_select_related = ["author"]
    actions = [rerun_profile_analysis]
    fieldsets = [
        (None, {"fields": ["author", "status", "status_reason", "version", "analyzed_at"]}),
        ("Key figures", {"fields": ["key_figures", "notes_list"]}),
        ("All metrics", {"classes": ["collapse"], "fields": ["metrics_pretty"]}),
    ]
    readonly_fields = [
        "author",
        "status",
        "status_reason",
        "version",
        "analyzed_at",
        "key_figures",
        "notes_list",
        "metrics_pretty",
    ]

    @admin.display(description="Engagement by views", ordering="engagement_rate_by_views")
    def engagement_by_views(self, obj: AuthorAnalysis) -> str:
        rate = obj.engagement_rate_by_views
        return "—" if rate is None else _percent(rate)

    @admin.display(description="Videos/week", ordering="videos_per_week")
    def posting_rate(self, obj: AuthorAnalysis) -> str:
        return "—" if obj.videos_per_week is None else f"{obj.videos_per_week:g}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: AuthorAnalysis | None = None
    ) -> bool:
        return False


# The scrape-upload page (authors.admin_scrape, linked from the accounts list) joins the site's
# URLs at /admin/upload-scrape/.
admin_scrape.install(admin.site)
