"""The Content-Security-Policy in a real browser: the dashboard, the admin and both API docs
work under it, and the browser reports no violation (a blocked script, style or worker would
be one). A `javascript:` link from a scrape never reaches the creator page."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import ConsoleMessage, Page, expect

from musicrec.ingest import scrape_store
from musicrec.platforms.tiktok import parse_scrape
from musicrec.tests.scrapes import apify_dataset
from recommendations.catalogue_source import caches_clear
from recommendations.tests.db_catalogue import make_catalogue
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_engine_caches():
    caches_clear()
    yield
    caches_clear()


def _record_violations(page: Page) -> list[str]:
    """Every CSP violation the page reports, from the console and the DOM event."""
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            violations.append(message.text)

    page.on("console", on_console)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Refused to load (CSP): ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return violations


def test_the_pages_admin_and_api_docs_work_under_the_policy(
    page: Page, live_server, django_user_model
):
    make_catalogue(per_kind=2)
    items = apify_dataset(authors=1, videos_per_author=3, seed=11)
    for item in items:
        item["mediaUrls"] = []
    items[0]["webVideoUrl"] = "javascript:alert(document.domain)"
    author_id = scrape_store(result=parse_scrape(items)).main_author_id
    call_command("analyze_authors", verbosity=0)  # the creator page's charts need an analysis
    violations = _record_violations(page)
    log_in(page, live_server, django_user_model, "csp-admin", "admin")

    response = page.goto(live_server.url + "/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(
        page.get_by_role("heading", name="Pick the music that fits the creator.")
    ).to_be_visible()

    # The creator page with its charts (Chart.js from this site) and the filtered link.
    page.goto(f"{live_server.url}/creators/{author_id}/")
    expect(page.locator("canvas").first).to_be_visible()
    assert page.locator("a[href^='javascript:' i]").count() == 0
    expect(page.locator(f"a[href$='/video/{items[0]['id']}']")).to_have_count(1)

    # htmx (the catalogue's live filters) and the admin.
    page.goto(live_server.url + "/music/")
    expect(page.get_by_role("heading", name="Music")).to_be_visible()
    page.goto(live_server.url + "/admin/")
    expect(page.get_by_role("heading", name="Curate creators, videos and music")).to_be_visible()
    page.goto(live_server.url + "/admin/authors/author/")
    expect(page.locator("#result_list")).to_be_visible()

    # Swagger UI renders the operations; Redoc renders the title and the operations.
    page.goto(live_server.url + "/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)
    expect(page.get_by_text("musicrec API").first).to_be_visible()
    page.goto(live_server.url + "/api/redoc/")
    expect(page.get_by_role("heading", name="musicrec API")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("analyze-tiktok").first).to_be_attached()

    # Redoc's "API docs by Redocly" footer always fetches its logo from cdn.redoc.ly; the
    # policy blocks it (nothing loads from a CDN) and the page works without it.
    assert [v for v in violations if "cdn.redoc.ly" not in v] == [], violations
