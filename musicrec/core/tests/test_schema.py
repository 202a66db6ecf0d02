"""The OpenAPI schema validates with no warnings, so integrators get complete docs."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.management import call_command

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
