"""A marketer analyses a creator from a scrape file, follows the job and reads the creator page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from authors.models import Author
from authors.services import author_analyze
from musicrec.ingest import scrape_store
from musicrec.platforms.tiktok import parse_scrape_file
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO = Path(settings.BASE_DIR) / "sample_data" / "demo"
SCRAPES = DEMO / "scrapes" / "2026-11-24"
SHOTS = Path("/tmp")


def small_scrape(tmp_path: Path, videos: int = 8) -> Path:
    """The demo piano creator's collector file cut down to a few videos."""
    data = json.loads((SCRAPES / "lea.au.piano.json").read_text(encoding="utf-8"))
    data["collector"] = data["collector"][:videos]
    path = tmp_path / "lea.au.piano.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_marketer_analyses_a_creator_from_a_scrape_file(
    page: Page, live_server, django_user_model, tmp_path
):
    log_in(page, live_server, django_user_model)
    page.get_by_role("link", name="Analyse a creator").first.click()
    expect(page.get_by_role("heading", name="Analyse a creator")).to_be_visible()

    page.get_by_label("Or upload a scrape file").set_input_files(str(small_scrape(tmp_path)))
    page.get_by_role("button", name="Analyse").click()

    # Jobs run in-process in tests: the job page shows the finished job at once.
    expect(page.locator("#job-status")).to_contain_text("100 %")
    expect(page.locator(".progress")).to_have_attribute("aria-valuenow", "100")
    page.screenshot(path=str(SHOTS / "creators-job.png"), full_page=True)
    page.get_by_role("link", name="Open the creator page").click()

    expect(page.get_by_role("heading", name="Léa au piano", level=1)).to_be_visible()
    engagement = page.locator(".figures li", has_text="Engagement rate by views").first
    expect(engagement).to_contain_text("%")
    expect(engagement).to_contain_text("median over videos of (likes + comments + shares + saves)")
    # Chart.js (served locally) drew the views chart into its canvas.
    canvas = page.locator("#views-chart")
    expect(canvas).to_be_visible()
    drawn = canvas.evaluate("c => !!window.Chart.getChart(c) && c.width > 0 && c.height > 0")
    assert drawn
    page.screenshot(path=str(SHOTS / "creators-detail.png"), full_page=True)


def test_marketer_finds_a_creator_in_the_list(page: Page, live_server, django_user_model):
    for handle in ("lunamoves", "mochi.the.corgi"):
        result = parse_scrape_file(SCRAPES / f"{handle}.json", max_bytes=settings.SCRAPE_MAX_BYTES)
        summary = scrape_store(result=result, media_base=DEMO)
        author_analyze(author_id=summary.main_author_id)
    log_in(page, live_server, django_user_model)

    page.get_by_role("link", name="Creators", exact=True).click()
    # htmx (a deferred script) wires the filters up at DOMContentLoaded: wait for the load, or a
    # filter changed first is lost on a busy machine (seen once in a full run).
    page.wait_for_load_state()
    rows = page.locator("table.creators tbody tr")
    expect(rows).to_have_count(2)
    page.screenshot(path=str(SHOTS / "creators-list.png"), full_page=True)

    # Typing filters the list in place (htmx) and keeps the filter in the address bar.
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.headers.get("hx-request") else None)
    page.get_by_placeholder("Name or @handle").fill("corgi")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("@mochi.the.corgi")
    assert "search=corgi" in page.url
    # Leaving the box sends nothing more (a request then would replace the row being clicked).
    page.get_by_placeholder("Name or @handle").blur()
    page.get_by_label("Sort by").select_option("name")
    expect(page).to_have_url(re.compile(r"sort=name"))
    expect(rows).to_have_count(1)
    assert len(sent) == 2, sent  # search, sort

    rows.first.get_by_role("link").click()
    mochi = Author.objects.get(sources__handle="mochi.the.corgi")
    expect(page).to_have_url(f"{live_server.url}/creators/{mochi.pk}/")
    expect(page.locator(".badge.tier-nano").first).to_be_visible()
