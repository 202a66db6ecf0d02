"""The answer every "run this on a worker" endpoint gives: 202 with the Job to poll.

One place so that every app's analyse action answers the same shape, and the schema says so.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

from musicrec.core.api.serializers import JobSerializer
from musicrec.core.models import Job

JOB_ACCEPTED = OpenApiResponse(JobSerializer, description="Queued; `Location` is the job.")
INVALID_BODY = OpenApiResponse(description="Invalid body: the field and the reason.")


def job_accepted(job: Job) -> Response:
    """202 with the Job's fields and its status URL in `Location`, where the client polls."""
    location = reverse("api-v1:job-detail", args=[job.pk])
    return Response(
        JobSerializer(job).data, status=status.HTTP_202_ACCEPTED, headers={"Location": location}
    )
