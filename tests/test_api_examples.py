"""The examples in the OpenAPI docs match their schemas, and every request example is accepted.

Integrators copy them from the docs page; an example the API refuses, or an answer shaped
differently from the one shown, costs them the hour the docs are meant to save.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from authors.services import author_analyze
from conftest import make_user
from musicrec.ingest import scrape_store
from musicrec.platforms.tiktok import parse_scrape_file
from recommendations.tests.db_catalogue import make_catalogue

pytestmark = pytest.mark.django_db

DEMO = Path(settings.BASE_DIR) / "sample_data" / "demo"
METHODS = ("get", "post", "put", "patch", "delete")


def json_schema(node: Any) -> Any:
    """OpenAPI 3.0's schema dialect as JSON Schema: `nullable` becomes a null alternative."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    return {"anyOf": [out, {"type": "null"}]} if node.get("nullable") else out


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def examples_of(schema: dict) -> list[tuple[str, str, str, dict, Any]]:
    """(operation, where, example name, media schema, value) for every example in the schema."""
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            name = f"{method.upper()} {path}"
            contents = [("request", operation.get("requestBody", {}).get("content", {}))]
            contents += [
                (f"response {code}", answer.get("content", {}))
                for code, answer in operation.get("responses", {}).items()
            ]
            for where, content in contents:
                for media in content.values():
                    for title, example in media.get("examples", {}).items():
                        found.append((name, where, title, media["schema"], example["value"]))
    return found


def test_the_main_operations_have_examples(schema):
    named = {(op, where.split()[0]) for op, where, *_ in examples_of(schema)}
    for operation in (
        "POST /api/v1/auth/token",
        "POST /api/v1/analyze-tiktok",
        "POST /api/v1/recommend-music",
        "POST /api/v1/recommendations/{run}/items/{id}/feedback",
    ):
        assert (operation, "request") in named, operation
        assert (operation, "response") in named, operation
    assert ("GET /api/v1/jobs/{id}", "response") in named


def test_every_example_matches_its_schema(schema):
    components = json_schema(schema["components"])
    checked = 0
    for operation, where, title, media_schema, value in examples_of(schema):
        validator = Draft202012Validator({**json_schema(media_schema), "components": components})
        errors = [error.message for error in validator.iter_errors(value)]
        assert not errors, f"{operation} {where} example {title!r}: {errors[:3]}"
        checked += 1
    assert checked >= 10


def test_every_request_example_is_accepted(schema, django_user_model):
    make_catalogue(per_kind=2)
    result = parse_scrape_file(
        DEMO / "scrapes" / "2026-11-24" / "lunamoves.json", max_bytes=settings.SCRAPE_MAX_BYTES
    )
    author_analyze(author_id=scrape_store(result=result, media_base=DEMO).main_author_id)
    demo = make_user(django_user_model, "demo", "marketer")  # the token example's log-in
    demo.set_password("musicrec-demo")
    demo.save()
    api = APIClient()
    api.force_authenticate(make_user(django_user_model, "integrator", "admin"))

    run = api.post("/api/v1/recommend-music", {"author": "lunamoves"}, format="json").json()
    paths = {"{run}": str(run["run"]), "{id}": str(run["items"][0]["id"])}
    sent = 0
    for operation, where, title, _, value in examples_of(schema):
        if where != "request":
            continue
        method, path = operation.split(" ", 1)
        for name, number in paths.items():
            path = path.replace(name, number)
        answer = getattr(api, method.lower())(path, value, format="json")
        assert answer.status_code < 300, f"{operation} example {title!r}: {answer.content[:300]}"
        sent += 1
    assert sent >= 7
