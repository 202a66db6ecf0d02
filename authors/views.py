"""Dashboard pages for creators: the list, one creator's analysis, analysing a new one, jobs.

Views parse the request, call selectors and services, and shape stored figures for the
templates; the figures themselves come from the stored AuthorAnalysis (`authors.analysis`),
and every one is shown with its formula from `METRIC_FORMULAS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, OrderBy
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from authors import selectors, services
from authors.analysis import METRIC_FORMULAS, MIN_VIDEOS_FOR_LIFT, TIERS
from authors.filters import AuthorFilter
from authors.forms import AnalyseCreatorForm
from authors.models import Author, AuthorAnalysis, AuthorSource
from musicrec import pipeline
from musicrec.core import job_selectors
from musicrec.core.descriptors import CATEGORIES, GENRES, MOODS
from musicrec.core.models import Job, Platform
from musicrec.platforms.tiktok import ScrapeError
from videos import selectors as video_selectors
from videos.models import Video

LIST_PAGE_SIZE = 25
VIDEO_PAGE_SIZE = 50
RECENT_JOBS = 10
CREATOR_JOB_KINDS = (Job.Kind.ANALYZE_INFLUENCER, Job.Kind.AUTHOR_ANALYSIS)

# Sort choices of the list: biggest first, creators without the figure last, then by name.
SORTS: dict[str, tuple[str, tuple[OrderBy | str, ...]]] = {
    "followers": ("Followers", (F("followers").desc(nulls_last=True), "name", "pk")),
    "engagement": (
        "Engagement rate (by views)",
        (F("engagement_rate_by_views").desc(nulls_last=True), "name", "pk"),
    ),
    "cadence": ("Videos per week", (F("videos_per_week").desc(nulls_last=True), "name", "pk")),
    "name": ("Name", ("name", "pk")),
}
DEFAULT_SORT = "followers"

# The figures of each detail section: (metrics key, label, how to show it). The formula of each
# comes from METRIC_FORMULAS by key, so the page and the API explain a figure the same way.
ENGAGEMENT_FIGURES = (
    ("engagement_rate_by_views", "Engagement rate by views", "rate"),
    ("engagement_rate_by_followers", "Engagement rate by followers", "rate"),
    ("like_rate_by_views", "Like rate", "rate"),
    ("comment_rate_by_views", "Comment rate", "rate"),
    ("share_rate_by_views", "Share rate", "rate"),
    ("save_rate_by_views", "Save rate", "rate"),
    ("views_to_followers", "Views to followers", "number2"),
    ("mean_interactions_per_video", "Interactions per video", "count"),
)
CADENCE_FIGURES = (
    ("videos_per_week", "Videos per week", "number2"),
    ("median_gap_days", "Days between posts (median)", "number2"),
    ("regularity", "Posting regularity", "number3"),
    ("gap_cv", "Gap variation (CV)", "number3"),
    ("viral_hits", "Viral hits", "count"),
    ("viral_hit_share", "Viral hit share", "share"),
    ("viral_threshold_views", "Viral threshold", "count"),
    ("views_trend_pct_per_week", "Views trend", "signed_pct"),
)
GROWTH_FIGURES = (
    ("followers_gained", "Followers gained", "count"),
    ("followers_gained_per_day", "Followers per day", "number1"),
    ("followers_growth_pct", "Follower growth", "signed_pct"),
    ("likes_gained", "Likes gained", "count"),
    ("likes_gained_per_day", "Likes per day", "number1"),
    ("likes_growth_pct", "Likes growth", "signed_pct"),
    ("growth_span_days", "Span between scrapes (days)", "number1"),
)
PERFORMANCE_COUNTS = (
    ("views", "Views"),
    ("likes", "Likes"),
    ("comments", "Comments"),
    ("shares", "Shares"),
    ("saves", "Saves"),
)
PROFILE_NUMBERS = (
    ("tempo_bpm", "Tempo", "BPM"),
    ("energy", "Energy", "0 calm – 1 intense"),
    ("valence", "Valence", "0 sad – 1 happy"),
    ("arousal", "Arousal", "0 calm – 1 excited"),
    ("danceability", "Danceability", "0–1"),
)
LIFT_ATTRIBUTES = {"tempo_band": "Tempo band", "mood": "Mood", "genre": "Genre"}
TEMPO_BAND_LABELS = {
    "slow": "Slow <90",
    "mid": "Mid 90–115",
    "upbeat": "Upbeat 115–135",
    "fast": "Fast ≥135",
}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: Any
    kind: str
    formula: str


def _figures(values: dict[str, Any], spec: tuple[tuple[str, str, str], ...]) -> list[Figure]:
    return [
        Figure(key, label, values.get(key), kind, METRIC_FORMULAS.get(key, ""))
        for key, label, kind in spec
    ]


def _mix(weights: Any, labels: dict[str, str]) -> list[tuple[str, float]]:
    """{key: weight} as (display label, weight) rows, heaviest first."""
    if not isinstance(weights, dict):
        return []
    rows = [(labels.get(k, k), float(v)) for k, v in weights.items() if isinstance(v, int | float)]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def _date(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


# --- Creators list ------------------------------------------------------------------------------


@require_GET
@vary_on_headers("HX-Request")
def author_list(request: HttpRequest) -> HttpResponse:
    """Creators with their key figures: search, tier and category filters, sort, pages."""
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    creators = selectors.author_detail_list().filter(is_creator=True)
    filterset = AuthorFilter(request.GET or None, queryset=creators)
    queryset = filterset.qs.order_by(*SORTS[sort][1])
    page = Paginator(queryset, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    filtering = any(request.GET.get(name) for name in ("search", "tier", "category"))
    context = {
        "page": page,
        "rows": [_list_row(author) for author in page.object_list],
        "filter_form": filterset.form,
        "sort": sort,
        "sorts": [(key, label) for key, (label, _) in SORTS.items()],
        "tiers": TIERS,
        "categories": CATEGORIES.items(),
        "filtering": filtering,
        "er_formula": METRIC_FORMULAS["engagement_rate_by_views"],
        "cadence_formula": METRIC_FORMULAS["videos_per_week"],
        "median_views_formula": METRIC_FORMULAS["median_views"],
        "category_formula": METRIC_FORMULAS["top_categories"],
        "tier_formula": METRIC_FORMULAS["tier"],
    }
    template = "authors/partials/_list_results.html" if request.htmx else "authors/list.html"
    return render(request, template, context)


def _list_row(author: Author) -> dict[str, Any]:
    analysis = _analysis(author)
    categories = (analysis.metrics.get("content") or {}).get("top_categories") if analysis else []
    return {
        "author": author,
        "analysis": analysis,
        "median_views": analysis.median_views if analysis else None,
        "top_category": categories[0] if categories else None,
        "videos_with_category": (
            (analysis.metrics.get("content") or {}).get("videos_with_category") if analysis else 0
        ),
    }


def _analysis(author: Author) -> AuthorAnalysis | None:
    try:
        return author.analysis
    except ObjectDoesNotExist:
        return None


# --- One creator -------------------------------------------------------------------------------


@require_GET
def author_detail(request: HttpRequest, author_id: int) -> HttpResponse:
    """One creator: profile header, every stored figure with its formula, charts, videos."""
    author = selectors.author_get(author_id)
    if author is None:
        raise Http404("No such creator.")
    analysis = _analysis(author)
    account = _tiktok_account(author)
    videos = list(
        video_selectors.video_detail_list()
        .filter(author_id=author.pk)
        .order_by(*video_selectors.DEFAULT_ORDERING)
    )
    metrics: dict[str, Any] = analysis.metrics if analysis else {}
    window = metrics.get("window") or {}
    window_start, window_end = _date(window.get("window_start")), _date(window.get("window_end"))
    video_rows = [_video_row(video, window_start, window_end) for video in videos]
    video_page = Paginator(video_rows, VIDEO_PAGE_SIZE).get_page(request.GET.get("vpage"))
    context = {
        "author": author,
        "account": account,
        "other_accounts": [s for s in author.sources.all() if s != account],
        "analysis": analysis,
        "m": metrics,
        "window_start": window_start,
        "window_end": window_end,
        "video_page": video_page,
        "video_count": len(videos),
        # Without videos in the window only reach and growth mean anything: the rest is hidden.
        "per_video": bool(window.get("videos_analysed")),
        **(_analysis_sections(metrics, videos) if analysis else {}),
        "views_chart": _views_chart(videos, metrics),
        "genre_chart": _genre_chart(metrics),
    }
    return render(request, "authors/detail.html", context)


def _tiktok_account(author: Author) -> AuthorSource | None:
    """The account the list and the analysis read: TikTok, the most recently scraped one."""
    accounts = list(author.sources.all())
    tiktok = [s for s in accounts if s.platform == Platform.TIKTOK]
    return (tiktok or accounts or [None])[0]


def _analysis_sections(metrics: dict[str, Any], videos: list[Video]) -> dict[str, Any]:
    performance = metrics.get("performance") or {}
    growth = metrics.get("growth") or {}
    music = metrics.get("music") or {}
    profile = metrics.get("content_profile") or {}
    consistency = profile.get("consistency") or {}
    return {
        "performance_rows": [
            {
                "label": label,
                "mean": performance.get(f"mean_{key}"),
                "median": performance.get(f"median_{key}"),
                "formula": METRIC_FORMULAS.get(f"median_{key}", ""),
            }
            for key, label in PERFORMANCE_COUNTS
        ],
        "engagement_figures": _figures(metrics.get("engagement") or {}, ENGAGEMENT_FIGURES),
        "cadence_figures": _figures(metrics.get("cadence") or {}, CADENCE_FIGURES),
        "growth_figures": _figures(growth, GROWTH_FIGURES),
        "has_growth": growth.get("growth_span_days") is not None,
        "genre_mix": _mix(music.get("genre_mix"), GENRES),
        "mood_mix": _mix(music.get("mood_mix"), MOODS),
        "tempo_mix": _mix(music.get("tempo_band_mix"), TEMPO_BAND_LABELS),
        "lifts": _lift_groups(music.get("attribute_lift") or []),
        "top_tracks": _top_tracks(music.get("top_tracks") or [], videos),
        "profile_numbers": [
            {
                "key": key,
                "label": label,
                "unit": unit,
                "value": profile.get(key),
                "consistency": consistency.get(key),
            }
            for key, label, unit in PROFILE_NUMBERS
        ],
        "profile_genres": _mix(profile.get("genres"), GENRES),
        "profile_moods": _mix(profile.get("moods"), MOODS),
        "min_lift_videos": MIN_VIDEOS_FOR_LIFT,
    }


def _lift_groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Attribute lift rows grouped by attribute, with values shown by their display names."""
    labels = {"tempo_band": TEMPO_BAND_LABELS, "mood": MOODS, "genre": GENRES}
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        attribute = row.get("attribute", "")
        value = row.get("value", "")
        groups.setdefault(attribute, []).append(
            {**row, "label": labels.get(attribute, {}).get(value, value)}
        )
    return [
        {"attribute": attribute, "label": LIFT_ATTRIBUTES.get(attribute, attribute), "rows": rows}
        for attribute, rows in groups.items()
    ]


def _top_tracks(rows: list[dict[str, Any]], videos: list[Video]) -> list[dict[str, Any]]:
    """Top tracks with the catalogue track's page where one of the creator's videos uses it.

    The analysis keys tracks by TikTok's music id and title/artist; the videos already loaded
    carry the Music rows, matched here by title and artist as the analysis reads them.
    """
    by_name: dict[tuple[str, str], int] = {}
    for video in videos:
        for link in video.music_links.all():
            key = (link.music.title or "", link.music.artist_name or "")
            by_name.setdefault(key, link.music_id)
    return [
        {**row, "music_pk": by_name.get((row.get("title", ""), row.get("artist", "")))}
        for row in rows
    ]


def _video_row(video: Video, start: datetime | None, end: datetime | None) -> dict[str, Any]:
    links = list(video.music_links.all())
    in_window = bool(
        start and end and video.posted_at is not None and start <= video.posted_at <= end
    )
    return {
        "video": video,
        "music": links[0].music if links else None,
        "content": _content_analysis(video),
        "in_window": in_window,
    }


def _content_analysis(video: Video) -> Any:
    """The video's stored content analysis (joined by the selector), or None."""
    try:
        return video.content_analysis
    except ObjectDoesNotExist:
        return None


def _views_chart(videos: list[Video], metrics: dict[str, Any]) -> dict[str, Any] | None:
    """Views per video by posting date (oldest first), with the window's median and the viral
    threshold drawn as lines; None when no video has both a date and a view count."""
    points = sorted(
        (v for v in videos if v.posted_at is not None and v.views is not None),
        key=lambda v: (v.posted_at, v.pk),
    )
    if not points:
        return None
    median = (metrics.get("performance") or {}).get("median_views")
    threshold = (metrics.get("cadence") or {}).get("viral_threshold_views")
    datasets: list[dict[str, Any]] = [{"label": "Views", "data": [v.views for v in points]}]
    if median:
        datasets.append(
            {"label": "Median views (window)", "data": [median] * len(points), "line": "dash"}
        )
    if threshold:
        datasets.append(
            {
                "label": "Viral threshold (3 × median)",
                "data": [threshold] * len(points),
                "line": "dot",
            }
        )
    return {
        "type": "line",
        "labels": [f"{v.posted_at:%d %b %Y}" for v in points],
        "notes": [(v.caption or "").strip()[:80] for v in points],
        "datasets": datasets,
        "y": {"title": "views (log scale)", "log": True},
    }


def _genre_chart(metrics: dict[str, Any]) -> dict[str, Any] | None:
    mix = _mix((metrics.get("music") or {}).get("genre_mix"), GENRES)
    if not mix:
        return None
    return {
        "type": "bar",
        "labels": [label for label, _ in mix],
        "datasets": [{"label": "Share of videos", "data": [round(w * 100, 1) for _, w in mix]}],
        "horizontal": True,
        "y": {"title": "% of videos with a music descriptor", "percent": True},
    }


@require_POST
def author_reanalyse(request: HttpRequest, author_id: int) -> HttpResponse:
    """Queue the creator's profile analysis as a Job and follow its progress."""
    if selectors.author_get(author_id) is None:
        raise Http404("No such creator.")
    job = services.author_analysis_job_enqueue(author_ids=[author_id], user=request.user)
    return redirect("authors:job", job_id=job.pk)


# --- Analyse a creator, jobs -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def author_analyse(request: HttpRequest) -> HttpResponse:
    """A handle or a scrape file in, a Job out: the same service the analyze-tiktok API calls."""
    posted = request.method == "POST"
    form = AnalyseCreatorForm(request.POST, request.FILES) if posted else AnalyseCreatorForm()
    if posted and form.is_valid():
        job = _enqueue(request, form)
        if job is not None:
            return redirect("authors:job", job_id=job.pk)
    recent = job_selectors.job_list().filter(kind__in=CREATOR_JOB_KINDS)[:RECENT_JOBS]
    return render(request, "authors/analyse.html", {"form": form, "recent_jobs": recent})


def _enqueue(request: HttpRequest, form: AnalyseCreatorForm) -> Job | None:
    """Queue the analysis; a refused handle or scrape becomes an error on its field."""
    handle = form.cleaned_data["handle"]
    try:
        if handle:
            return pipeline.analyze_influencer_enqueue(handle=handle, user=request.user)
        return pipeline.analyze_influencer_enqueue(scrape=form.scrape, user=request.user)
    except ScrapeError as error:
        name = form.cleaned_data["file"].name
        form.add_error("file", str(ScrapeError(error.reason, path=name, json_path=error.json_path)))
    except ValidationError as error:
        messages = error.message_dict.get("handle") if hasattr(error, "error_dict") else None
        form.add_error("handle" if handle else None, messages or error.messages)
    return None


@require_GET
@vary_on_headers("HX-Request")
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """A Job's progress; htmx polls the status partial every second until it finishes."""
    job = job_selectors.job_list().filter(pk=job_id).first()
    if job is None:
        raise Http404("No such job.")
    context = {
        "job": job,
        "problems": [line for line in job.error.splitlines() if line.strip()],
        "counts": _count_rows(job.counts),
        "creator_id": (
            int(job.target_id) if job.target_type == "author" and job.target_id.isdigit() else None
        ),
    }
    template = "authors/partials/_job_status.html" if request.htmx else "authors/job.html"
    return render(request, template, context)


def _count_rows(counts: Any) -> list[tuple[str, str]]:
    """A Job's counts ({step: {done: 3, created: {videos: 8}}} or {done: 3}) as readable rows."""
    if not isinstance(counts, dict):
        return []
    return [(_words(step).capitalize(), _count_text(value)) for step, value in counts.items()]


def _count_text(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    parts = []
    for key, inner in value.items():
        if isinstance(inner, dict):
            listed = ", ".join(f"{_words(k)} {v}" for k, v in inner.items() if v)
            parts.append(f"{_words(key)}: {listed or 'none'}")
        else:
            parts.append(f"{_words(key)} {inner}")
    return " · ".join(parts)


def _words(key: Any) -> str:
    return str(key).replace("_", " ")
