from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import generics

from musicrec.core import job_selectors
from musicrec.core.api.serializers import JobSerializer
from musicrec.core.models import Job


class JobListApi(generics.ListAPIView):
    """Background jobs, newest first: ingests, analyses, imports."""

    serializer_class = JobSerializer
    filterset_fields = ["status", "kind"]
    ordering_fields = ["created_at", "finished_at"]

    def get_queryset(self) -> QuerySet[Job]:
        return job_selectors.job_list()


class JobDetailApi(generics.RetrieveAPIView):
    """One job's status and progress (0-100); poll until `is_finished`."""

    serializer_class = JobSerializer

    def get_queryset(self) -> QuerySet[Job]:
        return job_selectors.job_list()
