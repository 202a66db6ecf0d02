"""Request and response examples for the OpenAPI docs of the analysis and job endpoints.

Taken from real answers on the demo data. `tests/test_api_examples.py` checks that every example
in the schema matches its schema and that every request example is accepted, so they cannot
drift from what the API does.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

_QUEUED_JOB = {
    "id": 11,
    "kind": "analyze_influencer",
    "status": "queued",
    "progress": 0,
    "message": "",
    "target_type": "handle",
    "target_id": "lunamoves",
    "target_label": "@lunamoves",
    "counts": {},
    "error": "",
    "created_at": "2026-12-05T05:32:25.479334Z",
    "started_at": None,
    "finished_at": None,
    "duration_s": None,
    "is_finished": False,
}

# One video of a scrape in Apify's TikTok scraper shape (the other shapes are accepted too).
_SCRAPE_ITEM = {
    "id": "7300000000000000000",
    "text": "morning routine 🌅 #fyp #dance",
    "createTime": 1790000000,
    "authorMeta": {
        "id": "6900000000000000000",
        "name": "sunny.dancer",
        "nickName": "Sunny",
        "verified": False,
        "fans": 282782,
        "heart": 76407250,
        "following": 867,
        "video": 1,
    },
    "musicMeta": {
        "musicId": "7100000000000000000",
        "musicName": "Espresso",
        "musicAuthor": "Sabrina Carpenter",
        "musicOriginal": False,
    },
    "webVideoUrl": "https://www.tiktok.com/@sunny.dancer/video/7300000000000000000",
    "videoMeta": {"height": 1024, "width": 576, "duration": 8},
    "playCount": 2323,
    "diggCount": 232,
    "shareCount": 7,
    "commentCount": 11,
    "collectCount": 9,
    "hashtags": [{"name": "fyp"}, {"name": "dance"}],
}

ANALYZE_TIKTOK = [
    OpenApiExample(
        "By handle",
        value={"handle": "lunamoves"},
        request_only=True,
        description="The configured scraper fetches the creator on a worker.",
    ),
    OpenApiExample(
        "A scrape you hold",
        value={"scrape": [_SCRAPE_ITEM]},
        request_only=True,
        description="Stored now (a bad one is a 400 naming the JSON path); analysed on a worker.",
    ),
    OpenApiExample(
        "Queued",
        value={"job": _QUEUED_JOB, "status_url": "/api/v1/jobs/11"},
        response_only=True,
        status_codes=["202"],
    ),
]

JOB = [
    OpenApiExample(
        "Finished",
        value={
            "id": 10,
            "kind": "analyze_influencer",
            "status": "succeeded",
            "progress": 100,
            "message": "Analysed @lea.au.piano: 25 videos, 19 tracks",
            "target_type": "author",
            "target_id": "10",
            "target_label": "@lea.au.piano",
            "counts": {
                "spotify": {"done": 0, "failed": 0, "skipped": 19},
                "music": {"done": 3, "failed": 0, "skipped": 16},
                "trends": {"updated": 19},
                "videos": {"done": 25, "failed": 0, "skipped": 0},
                "profile": {"status": "ok", "videos_analysed": 25},
            },
            "error": "",
            "created_at": "2026-12-05T05:21:04.192072Z",
            "started_at": "2026-12-05T05:21:40.492116Z",
            "finished_at": "2026-12-05T05:21:41.362087Z",
            "duration_s": 0.87,
            "is_finished": True,
        },
        response_only=True,
        description="Poll `status_url` until `is_finished`; then read the creator.",
    ),
]

TOKEN = [
    OpenApiExample(
        "Log-in",
        value={"username": "demo", "password": "musicrec-demo"},
        request_only=True,
        description="The demo marketer that `make run` creates.",
    ),
    OpenApiExample(
        "Token",
        value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"},
        response_only=True,
        status_codes=["200"],
    ),
]
