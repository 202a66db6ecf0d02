"""Reads of background jobs."""

from __future__ import annotations

from django.db.models import QuerySet

from musicrec.core.models import Job


def job_list() -> QuerySet[Job]:
    return Job.objects.all()
