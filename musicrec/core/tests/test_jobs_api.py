from __future__ import annotations

import pytest
from django.urls import reverse

from musicrec.core.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def test_job_detail_needs_authentication(api_client):
    job = JobFactory()
    response = api_client.get(reverse("api-v1:job-detail", args=[job.pk]))
    assert response.status_code in (401, 403)


def test_job_detail_shows_status_and_progress(auth_api_client):
    job = JobFactory(status="running", progress=40, message="Analysing videos")
    body = auth_api_client.get(reverse("api-v1:job-detail", args=[job.pk])).json()
    assert body["status"] == "running"
    assert body["progress"] == 40
    assert body["message"] == "Analysing videos"
    assert body["is_finished"] is False


def test_job_list_is_paginated_and_filterable(auth_api_client):
    JobFactory(status="failed")
    JobFactory(status="succeeded")
    body = auth_api_client.get(reverse("api-v1:job-list"), {"status": "failed"}).json()
    assert body["count"] == 1
    assert body["results"][0]["status"] == "failed"
