"""Security rules that hold across the apps (issue 14): nobody anonymous gets in, only web links
are shown, every page carries a Content-Security-Policy, log-ins cannot be guessed at speed, and
uploads are scrapes only and are never written anywhere.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from musicrec.core.models import Job
from musicrec.ingest import scrape_store
from musicrec.platforms.tiktok import parse_scrape
from musicrec.tests.scrapes import apify_dataset

pytestmark = pytest.mark.django_db

# The pages anyone may open (README, "Reliability and security"): logging in and out (the
# page, the admin's, and the API's token exchange, whose credentials are the authentication),
# the health check for load balancers, and the API schema with its two documentation pages.
# Static files are served before any URL is resolved.
PUBLIC = {
    "api/v1/auth/token",
    "accounts/login/",
    "accounts/logout/",
    "healthz",
    "api/schema/",
    "api/docs/",
    "api/redoc/",
    "admin/login/",
}
ANALYZE = "/api/v1/analyze-tiktok"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


# --- Nobody anonymous gets in ---------------------------------------------------------------------


def _routes(patterns: list, prefix: str = "") -> list[str]:
    """Every URL of the project with its parameters filled in (`<id:pk>` -> 1)."""
    found = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


def _concrete(route: str) -> str | None:
    """A path for a route; None for the admin's regex routes (checked through its index)."""
    if "^" in route or "(?P" in route:
        return None
    return "/" + re.sub(r"<[^>]+>", "1", route)


def test_every_api_endpoint_and_page_refuses_anonymous_users(client):
    routes = sorted(set(_routes(get_resolver().url_patterns)))
    checked = 0
    for route in routes:
        path = _concrete(route)
        if path is None or route in PUBLIC:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            if response.status_code in (404, 405):
                continue  # no such row or method: nothing is shown either way
            checked += 1
            if path.startswith("/api/"):
                assert response.status_code == 401, (method, path, response.status_code)
            else:
                assert response.status_code == 302, (method, path, response.status_code)
                login = ("/accounts/login/", "/admin/login/")
                assert response["Location"].startswith(login), (path, response["Location"])
    assert checked >= 40, checked


def test_the_public_pages_are_only_those_named(client):
    for route in PUBLIC - {"accounts/logout/", "api/v1/auth/token"}:
        assert client.get("/" + route).status_code == 200, route
    assert client.get("/").status_code == 302  # the home page shows what the product holds


# --- Only web links -------------------------------------------------------------------------------


def test_a_javascript_video_url_in_a_scrape_is_never_a_link_on_the_creator_page(client, user):
    items = apify_dataset(authors=1, videos_per_author=2, seed=9)
    items[0]["webVideoUrl"] = "javascript:alert(document.domain)"
    items[1]["webVideoUrl"] = " JaVaScRiPt:alert(1)"
    summary = scrape_store(result=parse_scrape(items))
    client.force_login(user)
    page = client.get(reverse("authors:detail", args=[summary.main_author_id]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "javascript:" not in body.lower()
    handle = items[0]["authorMeta"]["name"]
    assert f'href="https://www.tiktok.com/@{handle}/video/{items[0]["id"]}"' in body


# --- Content-Security-Policy ----------------------------------------------------------------------


def test_every_answer_carries_the_content_security_policy(client, staff_user):
    client.force_login(staff_user)
    for path in ("/", "/creators/", "/admin/", "/api/docs/", "/api/redoc/", "/api/v1/authors"):
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_the_api_docs_load_no_inline_script_and_nothing_from_a_cdn(client):
    docs = client.get("/api/docs/").content.decode()
    assert "<script>" not in docs and re.search(r'<script src="[^"]*\?script=', docs)
    redoc = client.get("/api/redoc/").content.decode()
    assert "<script>" not in redoc and "googleapis" not in redoc
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")


# --- Log-in limits --------------------------------------------------------------------------------


LIMITS = {"login-username": "3/hour", "login-address": "5/hour"}


def token(api_client, username: str, password: str, address: str = "10.0.0.1", **headers):
    return api_client.post(
        reverse("api-v1:auth-token"),
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
        **headers,
    )


def test_the_token_endpoint_refuses_a_user_name_after_its_failed_attempts(
    settings, api_client, user
):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, **LIMITS}
    # From three addresses: the user name's own limit applies wherever the guesses come from.
    codes = [token(api_client, "marketer", "wrong", f"10.0.0.{i}").status_code for i in range(3)]
    assert codes == [401, 401, 401]
    refused = token(api_client, "marketer", "pass-1234-word", "10.0.0.9")
    assert refused.status_code == 429
    assert 3000 < int(refused["Retry-After"]) <= 3600
    assert "Too many failed log-ins" in refused.json()["detail"]
    # Another user name is not held up.
    assert token(api_client, "someone-else", "x", "10.0.0.9").status_code == 401


def test_the_token_endpoint_refuses_an_address_after_its_failed_attempts(settings, api_client):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, **LIMITS}
    codes = [token(api_client, f"guess{i}", "wrong").status_code for i in range(5)]
    assert codes == [401] * 5
    assert token(api_client, "guess9", "wrong").status_code == 429
    assert token(api_client, "guess9", "wrong", "10.0.0.2").status_code == 401


def test_a_forged_forwarded_for_header_does_not_reset_the_address_limit(settings, api_client):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, **LIMITS}
    for i in range(5):
        forged = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{i}"}
        assert token(api_client, f"guess{i}", "wrong", **forged).status_code == 401
    assert (
        token(api_client, "guess9", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    )


def test_successful_log_ins_do_not_count(settings, api_client, user):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, **LIMITS}
    for _ in range(6):
        assert token(api_client, "marketer", "pass-1234-word").status_code == 200


def test_the_log_in_page_shares_the_limits_and_says_how_long_to_wait(settings, client, user):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, **LIMITS}
    url = reverse("login")
    for _ in range(3):
        page = client.post(url, {"username": "Marketer", "password": "nope"})
        assert page.status_code == 200 and "didn't match" in page.content.decode()
    refused = client.post(url, {"username": "marketer", "password": "pass-1234-word"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many failed log-ins" in refused.content.decode()
    assert "_auth_user_id" not in client.session  # the right password was not even checked


# --- Uploads --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("cover.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8 text"),
        ("archive.json", b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "not JSON"),
        ("page.html", b"<!doctype html><script>alert(1)</script>", "not JSON"),
        ("notes.csv", b"name,email,phone\nann,a@example.com,1\n", "not a creators CSV"),
    ],
)
def test_uploads_are_json_or_a_creators_csv_only(auth_api_client, name, content, reason):
    upload = SimpleUploadedFile(name, content)
    response = auth_api_client.post(ANALYZE, {"file": upload}, format="multipart")
    assert response.status_code == 400
    (message,) = response.json()["file"]
    assert message.startswith(f"{name}: ") and reason in message
    assert not Job.objects.exists()


def _files(folder: Path) -> set[Path]:
    return {Path(root) / name for root, _, names in os.walk(folder) for name in names}


def test_an_upload_is_never_written_to_disk_whatever_its_name(auth_api_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "spool")
    (tmp_path / "spool").mkdir()
    escape = tmp_path / "escaped.json"
    name = "../" * 12 + str(escape).lstrip("/")
    # Over Django's 2.5 MB in-memory threshold, where its default handler spools to disk.
    items = apify_dataset(authors=1, videos_per_author=3000, seed=2)
    content = json.dumps(items).encode()
    assert len(content) > 2.5 * 1024 * 1024
    before = _files(tmp_path)
    upload = SimpleUploadedFile(name, content, content_type="application/json")
    response = auth_api_client.post(ANALYZE, {"file": upload}, format="multipart")
    assert response.status_code == 202, response.content[:300]
    assert not escape.exists()
    assert _files(tmp_path) == before  # nothing in the media folder, the spool or above


def test_an_upload_over_the_limit_is_refused_with_its_real_size(auth_api_client, settings):
    settings.SCRAPE_MAX_BYTES = 10_000
    upload = SimpleUploadedFile("big.json", b"[" + b" " * 50_000 + b"]")
    response = auth_api_client.post(ANALYZE, {"file": upload}, format="multipart")
    assert response.status_code == 400
    (message,) = response.json()["file"]
    assert message.startswith("big.json: ") and "over the 9.8 KB limit" in message
