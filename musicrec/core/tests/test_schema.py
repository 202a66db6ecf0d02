"""The OpenAPI schema validates with no warnings, so integrators get complete docs."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from musicrec.core.openapi import SUMMARY_MAX, operation_summary

pytestmark = pytest.mark.django_db


def test_openapi_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(target), stdout=StringIO()
    )
    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    for path in [
        "/api/v1/analyze-tiktok",
        "/api/v1/jobs/{id}",
        "/api/v1/authors/{id}/analysis",
        "/api/v1/authors/{id}/recommendations",
        "/api/v1/recommend-music",
        "/api/v1/recommendations",
        "/api/v1/music",
        "/api/v1/videos",
    ]:
        assert path in paths, f"{path} missing from the schema"
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_every_operation_has_a_summary_in_words(tmp_path):
    """ReDoc and Swagger UI title each operation by its summary, else by its operation id."""
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(target), stdout=StringIO())
    operations = [
        op
        for ops in yaml.safe_load(target.read_text())["paths"].values()
        for method, op in ops.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    for op in operations:
        summary = op.get("summary") or ""
        assert summary and summary != op["operationId"] and "_" not in summary, op["operationId"]
        assert len(summary) <= SUMMARY_MAX


@pytest.mark.parametrize(
    ("description", "summary"),
    [
        ("Background jobs, newest first: ingests, analyses.", "Background jobs, newest first"),
        ("Keep or reject a track.\n\nMore text.", "Keep or reject a track"),
        ("Tracks for a creator, one of their videos, or a brief; stores the run.",
         "Tracks for a creator, one of their videos, or a brief"),
        ("Spotify's `GET /v1/recommendations`, answered from our catalogue.",
         "Spotify's `GET /v1/recommendations`, answered from our catalogue"),
        ("One job's progress (0-100); poll until done.", "One job's progress (0-100)"),
        ("", None),
        ("word " * 30, ("word " * 30)[:79].rstrip() + "…"),
    ],
)  # fmt: skip
def test_operation_summary_is_the_first_clause(description, summary):
    assert operation_summary(description) == summary
