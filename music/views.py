"""Dashboard pages for the music catalogue: a searchable, filterable list and one track's page."""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from music import listening, selectors
from music.filters import MusicFilter
from music.models import Music, MusicFeatures
from musicrec.core import roles
from musicrec.core.descriptors import GENRES, MOODS
from musicrec.core.media import MediaError
from musicrec.core.models import Platform
from musicrec.core.ranges import ranged_file_response
from musicrec.core.relations import related_or_none
from recommendations import trending
from recommendations.catalogue import ACOUSTIC_MOODS
from videos import selectors as video_selectors

PAGE_SIZE = 25
VIDEOS_SHOWN = 50
# Sort choices: (label, ordering terms); unknown values sort last in either direction.
SORTS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "popularity": ("Most popular", (F("popularity").desc(nulls_last=True),)),
    "trend": ("Fastest rising (7 days)", (F("features__usage_growth_7d").desc(nulls_last=True),)),
    "tempo": ("Slowest first", (F("tempo").asc(nulls_last=True),)),
    "-tempo": ("Fastest first", (F("tempo").desc(nulls_last=True),)),
    "title": ("Title A–Z", ("title",)),
}


class MusicPageFilter(MusicFilter):
    """The API's filters, plus "include original sounds" (catalogue tracks and creators' sounds)."""

    originals = django_filters.BooleanFilter(
        method="filter_originals", label="Include creators' original sounds"
    )

    class Meta(MusicFilter.Meta):
        fields = [*MusicFilter.Meta.fields, "originals"]

    def filter_queryset(self, queryset: QuerySet[Music]) -> QuerySet[Music]:
        wants_both = self.form.cleaned_data.get("originals")
        if wants_both and self.form.cleaned_data.get("is_original") is None:
            # Skip MusicFilter's catalogue-only default; every other filter still applies.
            return django_filters.FilterSet.filter_queryset(self, queryset)
        return super().filter_queryset(queryset)

    def filter_originals(self, queryset: QuerySet[Music], name: str, value: bool) -> QuerySet:
        return queryset  # read in filter_queryset: it widens the default instead of narrowing


# Checkboxes post "on"; the filters take "true".
CHECKBOXES = {"business_safe": "commercial_ok", "originals": "originals", "early": "early_trend"}


@permission_required(roles.VIEW_MUSIC, raise_exception=True)
def music_list(request: HttpRequest) -> HttpResponse:
    """The catalogue: search, filters, sort and pages; htmx requests get the table only."""
    data = request.GET.copy()
    checked = {box: data.get(box) in ("on", "true", "1") for box in CHECKBOXES}
    for box, name in CHECKBOXES.items():
        data.pop(box, None)
        if checked[box]:
            data[name] = "true"
    filterset = MusicPageFilter(data, queryset=selectors.music_list(include_originals=True))
    sort = request.GET.get("sort") or "popularity"
    if sort not in SORTS:
        sort = "popularity"
    if filterset.is_valid():
        queryset = filterset.qs.order_by(*SORTS[sort][1], "pk")
    else:
        queryset = Music.objects.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": filterset.form,
        "page": page,
        "sort": sort,
        "sorts": [(key, label) for key, (label, _) in SORTS.items()],
        **checked,
    }
    if request.htmx and request.htmx.target == "music-table":
        return render(request, "music/partials/_music_table.html", context)
    return render(request, "music/list.html", context)


@permission_required(roles.VIEW_MUSIC, raise_exception=True)
def music_detail(request: HttpRequest, music_id: int) -> HttpResponse:
    """One track: features with their source and status, genre, popularity, trend, who used it."""
    music = selectors.music_get(music_id)
    if music is None:
        raise Http404("No such track.")
    features = related_or_none(music, "features")
    sources = list(music.sources.all())
    spotify = [s for s in sources if s.platform in (Platform.SPOTIFY, Platform.CATALOGUE)]
    tiktok = [s for s in sources if s.platform == Platform.TIKTOK]
    detail = (features.detail or {}) if features is not None else {}
    videos = list(
        video_selectors.video_list()
        .filter(music_links__music_id=music.pk)
        .distinct()[:VIDEOS_SHOWN]
    )
    moods = sorted(
        ((k, v) for k, v in ((features.moods if features else None) or {}).items() if v),
        key=lambda kv: -kv[1],
    )
    genres = sorted(
        ((k, v) for k, v in ((features.genres if features else None) or {}).items() if v),
        key=lambda kv: -kv[1],
    )
    context = {
        "music": music,
        "features": features,
        "detail": detail,
        "catalogue_values": detail.get("catalogue") or {},
        "tempo_candidates": detail.get("tempo_candidates") or [],
        "moods": moods,
        "genres": genres,
        "sources": sources,
        "spotify_popularity": next(
            (s.popularity for s in spotify if s.popularity is not None), None
        ),
        "tiktok_usage": next((s.usage_count for s in tiktok if s.usage_count is not None), None),
        "has_trend": features is not None
        and (features.usage_growth_7d is not None or features.usage_growth_28d is not None),
        "videos": videos,
        "creators": list({v.author_id: v.author for v in videos}.values()),
        "bars": _bars(features),
        "audio": listening.audio_for(music),
    }
    return render(request, "music/detail.html", context)


@require_safe
@permission_required(roles.VIEW_MUSIC, raise_exception=True)
def music_audio(request: HttpRequest, music_id: int) -> HttpResponse:
    """The track's audio with range requests (206), for the players on track pages and cards.

    404 names the reason when the track has no playable audio or its link fails now.
    """
    music = selectors.music_get(music_id)
    if music is None:
        raise Http404("No such track.")
    audio = listening.audio_for(music)
    if not audio.available:
        return _plain(audio.reason, 404)
    try:
        path, content_type = listening.audio_file(audio)
    except MediaError as error:
        return _plain(f"The audio cannot be played now: {error.reason}.", 404)
    return ranged_file_response(request, path, content_type=content_type)


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


# The 0-1 features shown as bars, with what each means.
BAR_FEATURES: tuple[tuple[str, str, str], ...] = (
    ("energy", "Energy", "Intensity and activity: loud, fast, dense tracks score high."),
    ("danceability", "Danceability", "How steady and strong the beat is for dancing."),
    ("valence", "Valence", "Musical positiveness: 0 sad or angry, 1 happy or cheerful."),
    ("arousal", "Arousal", "Calm (0) to excited (1)."),
    ("acousticness", "Acousticness", "How likely the track is acoustic rather than electronic."),
    ("speechiness", "Speechiness", "How much of the track is spoken words (rap, talk)."),
)


def _bars(features: MusicFeatures | None) -> list[dict[str, Any]]:
    if features is None:
        return []
    return [
        {"name": name, "label": label, "help": help_text, "value": getattr(features, name)}
        for name, label, help_text in BAR_FEATURES
    ]


@permission_required(roles.VIEW_MUSIC, raise_exception=True)
@vary_on_headers("HX-Request")
def music_trending(request: HttpRequest) -> HttpResponse:
    """Sounds rising fastest across the stored creators and the early-trend list, as of the
    newest stored post; genre and mood filters narrow both (htmx swaps the lists only)."""
    genre = request.GET.get("genre", "")
    mood = request.GET.get("mood", "")
    errors = []
    if genre and genre not in GENRES:
        errors.append(f"Unknown genre '{genre}': pick one from the list.")
        genre = ""
    if mood and mood not in ACOUSTIC_MOODS:
        errors.append(f"Unknown mood '{mood}': pick one from the list.")
        mood = ""
    context = {
        "page": trending.trending_page(genre=genre, mood=mood),
        "genre": genre,
        "mood": mood,
        "genres": list(GENRES.items()),
        "moods": [(key, MOODS[key]) for key in ACOUSTIC_MOODS],
        "min_creators": trending.MIN_RECENT_CREATORS,
        "errors": errors,
        "can_recommend": request.user.has_perm(roles.RECOMMEND),
    }
    template = "music/partials/_trending_lists.html" if request.htmx else "music/trending.html"
    return render(request, template, context, status=400 if errors else 200)
