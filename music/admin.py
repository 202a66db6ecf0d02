"""Music curation: tracks with their genre label, re-analysis, Spotify matching, merging and
splitting a wrongly joined source off again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from music.models import Music, MusicFeatures, MusicSnapshot, MusicSource
from music.services.features import music_analysis_enqueue
from music.services.genre import genre_choices, music_features_set_genre
from music.services.merge import music_merge
from music.services.split import can_split, music_split_source, split_preview
from music.services.spotify import music_enrichment_enqueue, spotify_enabled
from musicrec.core.admin_roles import RerunAnalysesMixin
from musicrec.core.admin_versions import BumpsDataVersions
from musicrec.core.relations import related_or_none
from musicrec.core.versions import CATALOGUE, USAGE

MERGE_TEMPLATE = "admin/music/merge_confirmation.html"
SPLIT_TEMPLATE = "admin/music/split_confirmation.html"


def split_link(source: MusicSource) -> str:
    """A link to split the source off its track, when it has another source to stay with."""
    if not can_split(source):
        return "—"
    url = reverse("admin:music_musicsource_split", args=[source.pk])
    return format_html('<a class="button" href="{}">Split off into its own track…</a>', url)


def genre_summary(features: MusicFeatures | None) -> str:
    """ "pop (catalogue, 100%)": the genre with where it came from and how sure we are."""
    if features is None or not features.genre:
        return "—"
    confidence = (
        f", {features.genre_confidence:.0%}" if features.genre_confidence is not None else ""
    )
    return f"{features.genre} ({features.get_genre_source_display().lower()}{confidence})"


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
        "split",
    ]
    readonly_fields = ["last_seen_at", "split"]
    show_change_link = True

    @admin.display(description="Wrongly joined?")
    def split(self, obj: MusicSource) -> str:
        return split_link(obj)


class MusicFeaturesInline(admin.StackedInline):
    """Read-only here; the genre is edited on the features page (the change link)."""

    model = MusicFeatures
    extra = 0
    can_delete = False
    show_change_link = True
    readonly_fields = [f.name for f in MusicFeatures._meta.fields if f.name != "id"]
    fields = readonly_fields


@admin.register(Music)
class MusicAdmin(BumpsDataVersions, RerunAnalysesMixin, admin.ModelAdmin):
    data_versions = (CATALOGUE, USAGE)  # a deleted track takes its video links with it
    list_display = [
        "title",
        "artist_name",
        "genre",
        "top_mood",
        "tempo",
        "is_original_sound",
        "commercial_ok",
        "isrc",
        "duration_s",
    ]
    list_filter = [
        "is_original_sound",
        "commercial_ok",
        "sources__platform",
        "features__genre",
        "features__genre_source",
        "features__status",
    ]
    list_editable = ["commercial_ok"]
    search_fields = ["title", "artist_name", "isrc", "sources__external_id"]
    list_select_related = ["artist", "features"]
    autocomplete_fields = ["artist"]
    inlines = [MusicSourceInline, MusicFeaturesInline]
    actions = ["reanalyze", "match_on_spotify", "merge_selected"]

    @admin.display(description="Genre (source, confidence)", ordering="features__genre")
    def genre(self, obj: Music) -> str:
        return genre_summary(related_or_none(obj, "features"))

    @admin.display(description="Mood", ordering="features__top_mood")
    def top_mood(self, obj: Music) -> str:
        features = related_or_none(obj, "features")
        return features.top_mood if features and features.top_mood else "—"

    @admin.display(description="BPM", ordering="features__tempo_bpm")
    def tempo(self, obj: Music) -> str:
        features = related_or_none(obj, "features")
        return f"{features.tempo_bpm:.1f}" if features and features.tempo_bpm else "—"

    @admin.action(description="Re-run audio analysis", permissions=["rerun"])
    def reanalyze(self, request: HttpRequest, queryset: QuerySet[Music]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        job = music_analysis_enqueue(music_ids=ids, force=True, user=request.user)
        self.message_user(
            request, f"Queued the audio analysis of {len(ids)} track(s) as job {job.pk}."
        )

    @admin.action(description="Match on Spotify", permissions=["change"])
    def match_on_spotify(self, request: HttpRequest, queryset: QuerySet[Music]) -> None:
        if not spotify_enabled():
            self.message_user(
                request,
                "Spotify is not configured: set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET.",
                messages.WARNING,
            )
            return
        ids = list(queryset.values_list("pk", flat=True))
        job = music_enrichment_enqueue(music_ids=ids, user=request.user)
        self.message_user(
            request, f"Queued Spotify matching of {len(ids)} track(s) as job {job.pk}."
        )

    @admin.action(
        description="Merge selected music into the first", permissions=["change", "delete"]
    )
    def merge_selected(
        self, request: HttpRequest, queryset: QuerySet[Music]
    ) -> HttpResponse | None:
        """Ask which track to keep (a released track, then the oldest, is proposed), then merge."""
        tracks = sorted(
            queryset.select_related("features"), key=lambda m: (m.is_original_sound, m.pk)
        )
        if len(tracks) < 2:
            self.message_user(request, "Select at least two tracks to merge.", messages.WARNING)
            return None
        if request.POST.get("post") == "yes":
            keep = next((m for m in tracks if str(m.pk) == request.POST.get("keep")), None)
            if keep is None:
                self.message_user(request, "Choose the track to keep.", messages.ERROR)
                return None
            try:
                for duplicate in tracks:
                    if duplicate.pk != keep.pk:
                        keep = music_merge(keep=keep, duplicate=duplicate)
            except ValidationError as exc:
                self.message_user(
                    request, f"Merge failed: {'; '.join(exc.messages)}", messages.ERROR
                )
                return None
            self.message_user(
                request, f"Merged {len(tracks) - 1} track(s) into “{keep}”.", messages.SUCCESS
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge music",
            "opts": self.model._meta,
            "rows": [
                {
                    "track": m,
                    "genre": genre_summary(related_or_none(m, "features")),
                    "sources": m.sources.count(),
                    "videos": m.video_links.count(),
                    "recommended": m.recommendation_items.count(),
                }
                for m in tracks
            ],
            "keep_pk": tracks[0].pk,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, MERGE_TEMPLATE, context)


class MusicSnapshotInline(admin.TabularInline):
    model = MusicSnapshot
    extra = 0
    readonly_fields = ["taken_at", "popularity", "usage_count", "chart_rank"]
    can_delete = False


@admin.register(MusicSource)
class MusicSourceAdmin(BumpsDataVersions, admin.ModelAdmin):
    data_versions = (CATALOGUE,)
    list_display = ["external_id", "platform", "music", "popularity", "usage_count", "last_seen_at"]
    list_filter = ["platform"]
    search_fields = ["external_id", "music__title", "music__artist_name"]
    list_select_related = ["music"]
    autocomplete_fields = ["music"]
    readonly_fields = ["first_seen_at", "last_seen_at", "raw", "split"]
    inlines = [MusicSnapshotInline]

    @admin.display(description="Wrongly joined?")
    def split(self, obj: MusicSource) -> str:
        return split_link(obj)

    def get_urls(self) -> list[Any]:
        split = path(
            "<int:source_id>/split/",
            self.admin_site.admin_view(self.split_view),
            name="music_musicsource_split",
        )
        return [split, *super().get_urls()]

    def split_view(self, request: HttpRequest, source_id: int) -> HttpResponse:
        """Confirm, then split the source off into a track of its own with its videos."""
        if not (
            request.user.has_perm("music.change_musicsource")
            and request.user.has_perm("music.add_music")
        ):
            raise PermissionDenied
        source = get_object_or_404(MusicSource.objects.select_related("music"), pk=source_id)
        track_url = reverse("admin:music_music_change", args=[source.music_id])
        try:
            preview = split_preview(source)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(track_url)
        if request.method == "POST":
            try:
                new = music_split_source(source_id=source.pk)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return HttpResponseRedirect(track_url)
            except MusicSource.DoesNotExist:
                raise Http404("No such source") from None
            self.message_user(
                request,
                f"Split {source.get_platform_display()} {source.external_id} off into “{new}” "
                f"with {preview.videos} video(s). Check its title and artist, then re-run its "
                "audio analysis if it has audio.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:music_music_change", args=[new.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Split a source off its track",
            "opts": self.model._meta,
            "preview": preview,
            "track": source.music,
            "track_url": track_url,
        }
        return TemplateResponse(request, SPLIT_TEMPLATE, context)


@admin.register(MusicSnapshot)
class MusicSnapshotAdmin(admin.ModelAdmin):
    list_display = ["source", "taken_at", "popularity", "usage_count", "chart_rank"]
    list_select_related = ["source"]
    search_fields = ["source__external_id", "source__music__title"]
    date_hierarchy = "taken_at"


class MusicFeaturesForm(forms.ModelForm):
    genre = forms.ChoiceField(
        choices=genre_choices,
        required=False,
        help_text="Set a genre to override every automatic source (it then reads “curator”); "
        "choose “automatic” to hand it back to the catalogue, Spotify or the estimates.",
    )

    class Meta:
        model = MusicFeatures
        fields = ["genre"]


@admin.register(MusicFeatures)
class MusicFeaturesAdmin(BumpsDataVersions, RerunAnalysesMixin, admin.ModelAdmin):
    data_versions = (CATALOGUE,)  # deletes; a genre edit goes through the genre service
    """Measured values are read-only; a curator may set the genre."""

    form = MusicFeaturesForm
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
        "popularity_percentile",
        "early_trend",
    ]
    list_filter = [
        "status",
        "feature_source",
        "genre",
        "genre_source",
        "top_mood",
        "mode",
        "early_trend",
    ]
    search_fields = ["music__title", "music__artist_name"]
    list_select_related = ["music"]
    readonly_fields = [f.name for f in MusicFeatures._meta.fields if f.name not in {"id", "genre"}]
    actions = ["reanalyze"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # features come from analysis and imports

    def save_model(
        self, request: HttpRequest, obj: MusicFeatures, form: forms.ModelForm, change: bool
    ) -> None:
        if "genre" in form.changed_data:
            updated = music_features_set_genre(
                music_id=obj.music_id, genre=form.cleaned_data["genre"]
            )
            for name in ("genre", "genre_source", "genre_confidence", "genres"):
                setattr(obj, name, getattr(updated, name))

    @admin.action(description="Re-run audio analysis", permissions=["rerun"])
    def reanalyze(self, request: HttpRequest, queryset: QuerySet[MusicFeatures]) -> None:
        ids = list(queryset.values_list("music_id", flat=True))
        job = music_analysis_enqueue(music_ids=ids, force=True, user=request.user)
        self.message_user(
            request, f"Queued the audio analysis of {len(ids)} track(s) as job {job.pk}."
        )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["music", "genre", *[f for f in self.readonly_fields if f != "music"]]
