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


def test_token_endpoint_exchanges_credentials_for_a_working_token(api_client, user):
    response = api_client.post(
        reverse("api-v1:auth-token"), {"username": "marketer", "password": "pass-1234-word"}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get(reverse("api-v1:job-list")).status_code == 200


def test_token_endpoint_refuses_wrong_credentials_with_a_401(api_client, user):
    response = api_client.post(
        reverse("api-v1:auth-token"), {"username": "marketer", "password": "wrong"}
    )
    assert response.status_code == 401
    assert "Unable to log in" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Token")


def test_token_endpoint_names_a_missing_field(api_client):
    response = api_client.post(reverse("api-v1:auth-token"), {"username": "marketer"})
    assert response.status_code == 400
    assert "password" in response.json()
