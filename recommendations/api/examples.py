"""Request and response examples for the OpenAPI docs of the recommendation endpoints.

Taken from a real answer on the demo data (trimmed to two items). `tests/test_api_examples.py`
checks that every example in the schema matches its schema and that every request example is
accepted, so they cannot drift from what the API does.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

from recommendations.weights import DEFAULT_WEIGHTS

_APPLIED = {
    "tempo": 0.0533,
    "mood": 0.28,
    "popularity": 0.1067,
    "trend": 0.1067,
    "tier_fit": 0.1733,
    "history": 0.28,
}

RUN = {
    "run": 1851,
    "target_kind": "author",
    "author": {"id": 1, "name": "Luna Ortega 💃", "handle": "lunamoves"},
    "video": None,
    "brief": {
        "moods": ["happy"],
        "genres": [],
        "tempo_min": 100.0,
        "tempo_max": 130.0,
        "energy": None,
        "note": "",
    },
    "params": {
        "limit": 2,
        "include_used": False,
        "filters": {
            "genres": [],
            "moods": [],
            "tempo_min": None,
            "tempo_max": None,
            "commercial_only": False,
        },
        "requested_weights": {},
        "effective_weights": _APPLIED,
        "candidates": 106,
    },
    "weights": dict(DEFAULT_WEIGHTS),  # the content-led defaults the run started from
    "effective_weights": _APPLIED,
    "candidates": 106,
    "notices": [],
    "engine_version": "1.0",
    "catalogue_version": "catalogue-21@2026-12-05T05:08:59.083761Z",
    "duration_ms": 19.41,
    "created_at": "2026-12-05T05:32:25.466443Z",
    "items": [
        {
            "id": 18501,
            "rank": 1,
            "music": {
                "id": 64,
                "title": "ANTIFRAGILE",
                "artist": "LE SSERAFIM",
                "commercial_ok": False,
            },
            "score": 0.7482,
            "components": {
                "tempo": 1.0,
                "mood": 0.9921,
                "popularity": 0.77,
                "trend": 0.0,
                "tier_fit": 0.616,
                "history": 0.8148,
            },
            "reasons": [
                "Happy mood (valence 0.82, arousal 0.67), as your brief asks",
                "Close to “Gangnam Style (강남스타일)”, used in one of your better-performing "
                "videos (+49% engagement)",
                "A proven hit, a safe choice for a mega-tier audience",
            ],
        },
        {
            "id": 18502,
            "rank": 2,
            "music": {
                "id": 81,
                "title": "I Remember",
                "artist": "Cheat Codes, Russell Dickerson",
                "commercial_ok": False,
            },
            "score": 0.6445,
            "components": {
                "tempo": 1.0,
                "mood": 0.7668,
                "popularity": 0.7437,
                "trend": 0.0,
                "tier_fit": 0.595,
                "history": 0.6928,
            },
            "reasons": [
                "Happy mood (valence 0.62, arousal 0.62), as your brief asks",
                "Close to “Under Control (feat. Hurts)”, used in one of your better-performing "
                "videos (+40% engagement)",
                "A proven hit, a safe choice for a mega-tier audience",
            ],
        },
    ],
}

RECOMMEND_MUSIC = [
    OpenApiExample(
        "For a creator",
        value={"author": "lunamoves", "limit": 10},
        request_only=True,
        description="From the creator's analysed profile, with the default weights.",
    ),
    OpenApiExample(
        "A creator and a brief",
        value={
            "author": "lunamoves",
            "brief": {"moods": ["happy"], "tempo_min": 100, "tempo_max": 130},
            "limit": 2,
        },
        request_only=True,
        description="The brief overrides the parts of the creator's profile it names.",
    ),
    OpenApiExample(
        "A brief alone, business-safe",
        value={
            "brief": {"genres": ["pop"], "moods": ["happy"], "note": "summer launch"},
            "business_safe": True,
            "weights": {"trend": 0.4},
        },
        request_only=True,
    ),
    OpenApiExample("Ranked run", value=RUN, response_only=True, status_codes=["201"]),
]

AUTHOR_RECOMMENDATIONS = [
    OpenApiExample("Ranked run", value=RUN, response_only=True, status_codes=["200"]),
]

FEEDBACK = [
    OpenApiExample(
        "Keep", value={"verdict": "keep", "note": "fits the spring campaign"}, request_only=True
    ),
    OpenApiExample("Reject", value={"verdict": "reject"}, request_only=True),
    OpenApiExample(
        "Stored",
        value={
            "id": 7,
            "author": 1,
            "music": 64,
            "item": 18501,
            "verdict": "keep",
            "note": "fits the spring campaign",
            "created_at": "2026-12-05T05:40:02.118000Z",
            "updated_at": "2026-12-05T05:40:02.118000Z",
        },
        response_only=True,
        status_codes=["201"],
    ),
]
