"""Reads of background jobs."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from musicrec.core.models import Job

# Statuses a job can still leave: the jobs page keeps polling while one of these is shown.
ACTIVE_STATUSES = (Job.Status.QUEUED, Job.Status.RUNNING)


def job_list() -> QuerySet[Job]:
    return Job.objects.all()


def job_page_list(*, status: str = "", kind: str = "") -> QuerySet[Job]:
    """Jobs newest first with who queued them and the retry that followed a failure
    (`retried_as`, the newest retry's id, or None), in one query whatever the number of rows."""
    retries = Job.objects.filter(retry_of=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    queryset = (
        Job.objects.select_related("created_by")
        .annotate(retried_as=Subquery(retries))
        .order_by("-created_at", "-pk")
    )
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset
