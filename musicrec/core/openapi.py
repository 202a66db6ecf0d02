"""The OpenAPI schema says every answer an operation can give, and how operations chain.

drf-spectacular documents the success answer of each operation and whatever `@extend_schema`
adds; the errors every endpoint shares were missing, so clients (and schemathesis's
status-code check) met undocumented 400s, 401s and 404s. `AutoSchema` adds them from what the
view really does: a 400 naming the field for any input, 401/403 unless the view is open, 404
where a path names a row or a list has pages, 413/415 for request bodies and 429 where a rate
limit applies. `add_links` adds OpenAPI links, so a client (and schemathesis's stateful phase)
can follow a list to its rows and a recommendation run to feedback on its items.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import get_doc
from rest_framework.permissions import AllowAny

from musicrec.core.json_input import MAX_JSON_DEPTH

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong."}},
    "required": ["detail"],
}
# DRF's validation answer: each bad field (nested for nested objects) with its reasons, or
# `detail` for a body that could not be read at all.
INVALID = {
    "type": "object",
    "description": (
        'Each bad field with its reasons (`{"limit": ["..."]}`, nested for nested objects; '
        "`non_field_errors` for the body as a whole), or `detail` when the body could not be read "
        f"(not JSON, nested deeper than {MAX_JSON_DEPTH} levels)."
    ),
    "additionalProperties": {},
}
ERRORS: dict[str, tuple[str, dict[str, Any]]] = {
    "400": ("Bad input: the field and the reason.", INVALID),
    "401": ("Not logged in: send `Authorization: Token <key>` or a session cookie.", DETAIL),
    "403": ("Logged in, but the role does not allow this (or no CSRF token).", DETAIL),
    "404": ("Nothing with this id, or a page past the last one.", DETAIL),
    "413": ("The body is over the request size limit (SCRAPE_MAX_BYTES).", DETAIL),
    "415": ("A content type this operation does not read.", DETAIL),
    "429": ("Over the rate limit; `Retry-After` says how many seconds to wait.", DETAIL),
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 0},
        "description": "Seconds until a request may succeed.",
    }
}


SUMMARY_MAX = 80


def operation_summary(description: str | None) -> str | None:
    """The first clause of a description: up to its first full stop, colon or semicolon."""
    first = re.split(r"(?<=[^.])[.:;](?:\s|$)", (description or "").strip(), maxsplit=1)[0]
    first = " ".join(first.split())
    if not first:
        return None
    return first if len(first) <= SUMMARY_MAX else first[: SUMMARY_MAX - 1].rstrip() + "…"


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, plus the shared error answers, each request serializer's
    `schema_rules` (rules across fields, such as "give one of these", that a field cannot say)
    and a summary per operation."""

    def get_summary(self) -> str | None:
        """The first clause of the view's docstring ("Background jobs, newest first"), so the
        docs' menus and headings read as words rather than operation ids."""
        method = getattr(self.view, getattr(self.view, "action", self.method.lower()), None)
        return operation_summary(get_doc(method) or get_doc(self.view.__class__))

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        schema = super()._map_basic_serializer(serializer, direction)
        rules = getattr(serializer, "schema_rules", None)
        if rules and direction == "request":
            schema.update(rules)
        return schema

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            description, schema = ERRORS[code]
            response = responses.setdefault(code, {"description": description})
            if "content" not in response:
                response["content"] = {"application/json": {"schema": schema}}
            if code == "429":
                response.setdefault("headers", {}).update(RETRY_AFTER)
        return responses

    def _error_codes(self) -> list[str]:
        codes = ["400"]
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes += ["401", "403"]
        if "{" in self.path or self._is_list_view():
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["413", "415"]
        if self._throttled():
            codes.append("429")
        return codes

    def _throttled(self) -> bool:
        if getattr(self.view, "login_throttled", False):
            return True
        scope = getattr(self.view, "throttle_scope", None)
        return scope is not None and scope in getattr(settings, "API_THROTTLE_RATES", {})


# --- Links --------------------------------------------------------------------------------------

FIRST_ROW = "$response.body#/results/0/id"
RUN = {"id": "$response.body#/run"}
FEEDBACK = {"run": "$response.body#/run", "id": "$response.body#/items/0/id"}

# (operation, status) -> {link name: the OpenAPI link object, without its operationId's checks}
LINKS: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    ("authors_list", "200"): {
        "author": {"operationId": "authors_retrieve", "parameters": {"id": FIRST_ROW}},
        "analysis": {"operationId": "authors_analysis_retrieve", "parameters": {"id": FIRST_ROW}},
        "recommendations": {
            "operationId": "author_recommendations",
            "parameters": {"id": FIRST_ROW},
        },
        "recommend": {
            "operationId": "recommend_music",
            "requestBody": {"author": "$response.body#/results/0/id", "limit": 5},
        },
    },
    ("videos_list", "200"): {
        "video": {"operationId": "videos_retrieve", "parameters": {"id": FIRST_ROW}},
        "recommend": {
            "operationId": "recommend_music",
            "requestBody": {"video": "$response.body#/results/0/id", "limit": 5},
        },
    },
    ("music_list", "200"): {
        "track": {"operationId": "music_retrieve", "parameters": {"id": FIRST_ROW}},
    },
    ("jobs_list", "200"): {
        "job": {"operationId": "jobs_retrieve", "parameters": {"id": FIRST_ROW}},
    },
    ("analyze_tiktok_create", "202"): {
        "job": {"operationId": "jobs_retrieve", "parameters": {"id": "$response.body#/job/id"}},
    },
    ("recommend_music", "201"): {
        "run": {"operationId": "recommendation_run", "parameters": RUN},
        "feedback": {"operationId": "recommendation_feedback", "parameters": FEEDBACK},
    },
    ("author_recommendations", "200"): {
        "run": {"operationId": "recommendation_run", "parameters": RUN},
        "feedback": {"operationId": "recommendation_feedback", "parameters": FEEDBACK},
    },
}


def add_links(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular post-processing hook: the LINKS above, between operations in the schema."""
    operations = {
        operation.get("operationId"): operation
        for methods in result.get("paths", {}).values()
        for operation in methods.values()
        if isinstance(operation, dict)
    }
    for (operation_id, code), links in LINKS.items():
        response = operations.get(operation_id, {}).get("responses", {}).get(code)
        if response is None:
            continue
        response["links"] = {
            name: dict(link) for name, link in links.items() if link["operationId"] in operations
        }
    return result
