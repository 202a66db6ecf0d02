"""Pages that belong to no single app: the home page, the health check and the jobs page."""

from __future__ import annotations

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from musicrec.core import job_selectors, jobs, roles, selectors
from musicrec.core.models import Job

JOBS_PAGE_SIZE = 50
HEALTH_TIMEOUT_S = 3
# Where a job's subject has a page: target_type -> URL name taking the target id.
SUBJECT_PAGES = {"author": "authors:detail", "music": "music:detail"}


def home(request: HttpRequest) -> HttpResponse:
    """What the product holds; like every page, for logged-in users only (the counts are data)."""
    return render(request, "core/home.html", {"counts": selectors.catalogue_counts()})


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and docker-compose: the database and Redis (when used) answer.

    503 with which one does not (handlers.service_unavailable), so an orchestrator holds
    traffic back until it returns. Redis is asked on a connection of its own, with a timeout.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    if settings.REDIS_URL:
        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=HEALTH_TIMEOUT_S,
            socket_timeout=HEALTH_TIMEOUT_S,
        )
        with client:
            client.ping()
    return JsonResponse({"status": "ok"})


# --- Jobs --------------------------------------------------------------------------------------


def subject_url(job: Job) -> str:
    """The dashboard page of what the job works on, or "" (a handle, several videos)."""
    name = SUBJECT_PAGES.get(job.target_type)
    if not name or not job.target_id.isdigit():
        return ""
    try:
        return reverse(name, args=[int(job.target_id)])
    except NoReverseMatch:
        return ""


@require_GET
@permission_required(roles.VIEW_JOBS, raise_exception=True)
@vary_on_headers("HX-Request")
def job_list(request: HttpRequest) -> HttpResponse:
    """Recent jobs with their progress; htmx refreshes the table every 2 s while one is live."""
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    status = status if status in Job.Status.values else ""
    kind = kind if kind in Job.Kind.values else ""
    page = Paginator(
        job_selectors.job_page_list(status=status, kind=kind), JOBS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    rows = [
        {
            "job": job,
            "subject_url": subject_url(job),
            "problems": [line for line in job.error.splitlines() if line.strip()],
        }
        for job in page.object_list
    ]
    context = {
        "page": page,
        "rows": rows,
        "live": any(row["job"].status in job_selectors.ACTIVE_STATUSES for row in rows),
        "status": status,
        "kind": kind,
        "statuses": Job.Status.choices,
        "kinds": Job.Kind.choices,
        "can_retry": request.user.has_perm(roles.RETRY_JOBS),
    }
    template = "core/partials/_job_table.html" if request.htmx else "core/jobs.html"
    return render(request, template, context)


@require_POST
@permission_required(roles.RETRY_JOBS, raise_exception=True)
def job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    """Queue a failed job again (curators); back to the jobs page, which follows the new job."""
    try:
        retry = jobs.job_retry(job_id=job_id, user=request.user)
    except ValidationError as error:
        for message in error.message_dict.get("job", error.messages):
            messages.error(request, message)
    else:
        messages.success(
            request,
            format_html("Job {} queued again as job {}.", job_id, retry.pk),
        )
    return redirect(f"{reverse('jobs:list')}#job-{job_id}")
