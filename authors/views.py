"""Dashboard pages for creators: the list, one creator's analysis, analysing a new one, jobs.

Views parse the request, call selectors and services, and hand the rows to
`authors.presentation`, which shapes the stored AuthorAnalysis figures for the templates, each
with its formula from `METRIC_FORMULAS`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, OrderBy, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from authors import export, presentation, selectors, services
from authors.analysis import METRIC_FORMULAS, TIERS
from authors.filters import AuthorFilter
from authors.forms import AnalyzeCreatorForm
from authors.models import Author
from musicrec import pipeline
from musicrec.core import job_selectors, roles, throttling
from musicrec.core.descriptors import CATEGORIES
from musicrec.core.models import Job
from musicrec.csv_export import csv_download
from musicrec.platforms.tiktok import ScrapeError
from videos import selectors as video_selectors

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

# --- Creators list ------------------------------------------------------------------------------


@require_GET
@permission_required(roles.VIEW_CREATORS, raise_exception=True)
@vary_on_headers("HX-Request")
def author_list(request: HttpRequest) -> HttpResponse:
    """Creators with their key figures: search, tier and category filters, sort, pages."""
    sort, filterset, queryset = _creators(request, selectors.author_detail_list())
    page = Paginator(queryset, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    filtering = any(request.GET.get(name) for name in ("search", "tier", "category"))
    context = {
        "page": page,
        "rows": [presentation.list_row(author) for author in page.object_list],
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


@require_GET
@permission_required([roles.VIEW_CREATORS, roles.EXPORT_DATA], raise_exception=True)
def author_export(request: HttpRequest) -> HttpResponse:
    """The creators list as CSV: every row the list's active filters and sort select."""
    _, _, queryset = _creators(request, selectors.author_list(ordering=None))
    return csv_download(export.creator_table(queryset), "creators.csv")


def _creators(request: HttpRequest, base: QuerySet[Author]) -> tuple[str, AuthorFilter, QuerySet]:
    """(sort key, filterset, filtered and sorted creators) as the list's query string asks."""
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    filterset = AuthorFilter(request.GET or None, queryset=base.filter(is_creator=True))
    return sort, filterset, filterset.qs.order_by(*SORTS[sort][1])


# --- One creator -------------------------------------------------------------------------------


@require_GET
@permission_required(roles.VIEW_CREATORS, raise_exception=True)
def author_detail(request: HttpRequest, author_id: int) -> HttpResponse:
    """One creator: profile header, every stored figure with its formula, charts, videos."""
    author = selectors.author_page_get(author_id)
    if author is None:
        raise Http404("No such creator.")
    analysis = presentation.stored_analysis(author)
    account = presentation.tiktok_account(author)
    metrics: dict[str, Any] = analysis.metrics if analysis else {}
    window = metrics.get("window") or {}
    window_start, window_end = (
        presentation.iso_datetime(window.get("window_start")),
        presentation.iso_datetime(window.get("window_end")),
    )
    # The database pages the videos: one page of rows, whatever the creator's count.
    rows = video_selectors.video_table_rows(author_id=author.pk)
    video_page = Paginator(rows, VIDEO_PAGE_SIZE).get_page(request.GET.get("vpage"))
    video_page.object_list = [
        presentation.video_row(video, window_start, window_end) for video in video_page.object_list
    ]
    track_pages = (
        selectors.author_track_pages(author.pk, presentation.top_track_names(metrics))
        if analysis
        else {}
    )
    context = {
        "author": author,
        "account": account,
        "other_accounts": [s for s in author.sources.all() if s != account],
        "analysis": analysis,
        "m": metrics,
        "window_start": window_start,
        "window_end": window_end,
        "video_page": video_page,
        "video_count": video_page.paginator.count,
        # Without videos in the window only reach and growth mean anything: the rest is hidden.
        "per_video": bool(window.get("videos_analysed")),
        **(presentation.analysis_sections(metrics, track_pages) if analysis else {}),
        "views_chart": presentation.views_chart(
            video_selectors.video_views_points(author_id=author.pk), metrics
        ),
        "genre_chart": presentation.genre_chart(metrics),
    }
    return render(request, "authors/detail.html", context)


@require_POST
@permission_required(roles.RERUN_ANALYSES, raise_exception=True)
def author_reanalyze(request: HttpRequest, author_id: int) -> HttpResponse:
    """Queue the creator's profile analysis as a Job and follow its progress; over the user's
    limit, back to the creator's page with the reason (htmx gets a 429)."""
    if selectors.author_get(author_id) is None:
        raise Http404("No such creator.")
    if refusal := throttling.action_refusal(request, "analyze"):
        if request.htmx:
            return throttling.refused(HttpResponse(refusal.message), refusal)
        messages.error(request, refusal.message)
        return redirect("authors:detail", author_id=author_id)
    job = services.author_analysis_job_enqueue(author_ids=[author_id], user=request.user)
    return redirect("authors:job", job_id=job.pk)


# --- Analyze a creator, jobs -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(roles.ANALYZE_CREATORS, raise_exception=True)
def author_analyze(request: HttpRequest) -> HttpResponse:
    """A handle or a scrape file in, a Job out: the same service the analyze-tiktok API calls,
    under the same per-user limit (over it, the form says so and answers 429)."""
    posted = request.method == "POST"
    form = AnalyzeCreatorForm(request.POST, request.FILES) if posted else AnalyzeCreatorForm()
    refusal = None
    if posted and form.is_valid():
        refusal = throttling.action_refusal(request, "analyze-tiktok")
        if refusal is not None:
            form.add_error(None, refusal.message)
        elif (job := _enqueue(request, form)) is not None:
            return redirect("authors:job", job_id=job.pk)
    recent = job_selectors.job_list().filter(kind__in=CREATOR_JOB_KINDS)[:RECENT_JOBS]
    response = render(request, "authors/analyze.html", {"form": form, "recent_jobs": recent})
    return throttling.refused(response, refusal) if refusal else response


def _enqueue(request: HttpRequest, form: AnalyzeCreatorForm) -> Job | None:
    """Queue the analysis (storing a scrape file first); a refused handle or scrape becomes an
    error on its field."""
    handle = form.cleaned_data["handle"]
    try:
        if handle:
            return pipeline.analyze_influencer_enqueue(handle=handle, user=request.user)
        assert form.scrape is not None  # the form is valid and has no handle: it read a file
        return pipeline.scrape_submit(form.scrape, user=request.user).job
    except ScrapeError as error:
        name = form.cleaned_data["file"].name
        form.add_error("file", str(ScrapeError(error.reason, path=name, json_path=error.json_path)))
    except ValidationError as error:
        reasons = error.message_dict.get("handle") if hasattr(error, "error_dict") else None
        form.add_error("handle" if handle else None, reasons or error.messages)
    return None


@require_GET
@permission_required(roles.VIEW_JOBS, raise_exception=True)
@vary_on_headers("HX-Request")
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """A Job's progress; htmx polls the status partial every second until it finishes."""
    job = job_selectors.job_list().filter(pk=job_id).first()
    if job is None:
        raise Http404("No such job.")
    context = {
        "job": job,
        "problems": [line for line in job.error.splitlines() if line.strip()],
        "counts": presentation.job_count_rows(job.counts),
        "creator_id": (
            int(job.target_id) if job.target_type == "author" and job.target_id.isdigit() else None
        ),
    }
    template = "authors/partials/_job_status.html" if request.htmx else "authors/job.html"
    return render(request, template, context)
