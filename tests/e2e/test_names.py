"""Names from scrapes (emoji, styled letters, long handles) keep every page inside the window.

This machine's chromium has no colour emoji font (`fc-list` lists none), which is the case the
pages must survive: emoji then fall back to whatever glyphs exist, and a name must still wrap or
clip inside its cell instead of widening the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from authors.models import Author, AuthorSource
from authors.services import author_analyze
from musicrec.ingest import scrape_store
from musicrec.platforms.tiktok import parse_scrape_file
from recommendations.services.runs import recommendation_generate
from tests.e2e.conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO = Path(settings.BASE_DIR) / "sample_data" / "demo"
SCRAPES = DEMO / "scrapes" / "2026-11-24"
# Names as the 2025 creators' timelines carry them: emoji runs, mathematical letters, Vietnamese
# marks, a flag, and no space for a long stretch.
NAME = "🌙✨💃 𝓛𝓾𝓷𝓪 𝓜𝓸𝓿𝓮𝓼 💃✨🌙 Yến Nồi Cơm Điện 🇻🇳 " + "🎧" * 12 + "✭lh2t☆" * 6
HANDLE = "luna.moves.official.vietnam.dance.every.single.day_2025"

# Horizontal overflow of the document: the page grew wider than the window.
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# The outermost elements reaching past the window's right edge, to say what widened the page.
WIDEST = """() => {
  const edge = document.documentElement.clientWidth;
  const past = e => e.getBoundingClientRect().right > edge + 1;
  const all = [...document.querySelectorAll("body *")];
  const out = all.filter(e => past(e) && !past(e.parentElement));
  const label = e => e.tagName.toLowerCase() + "." + [...e.classList].join(".") + " "
    + Math.round(e.getBoundingClientRect().right) + " " + (e.textContent || "").trim().slice(0, 40);
  return out.slice(0, 5).map(label);
}"""


@pytest.fixture
def styled_creator(db) -> Author:
    result = parse_scrape_file(SCRAPES / "lunamoves.json", max_bytes=settings.SCRAPE_MAX_BYTES)
    summary = scrape_store(result=result, media_base=DEMO)
    author_analyze(author_id=summary.main_author_id)
    Author.objects.filter(pk=summary.main_author_id).update(name=NAME)
    AuthorSource.objects.filter(author_id=summary.main_author_id).update(handle=HANDLE)
    return Author.objects.get(pk=summary.main_author_id)


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_long_emoji_names_stay_inside_the_window(
    page: Page, live_server, django_user_model, styled_creator, width
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, django_user_model)
    # Tracks the creator used, so the run has cards to lay out (this data holds no others).
    run = recommendation_generate(author_id=styled_creator.pk, limit=10, include_used=True)
    named = {
        "creators": "/creators/",
        "creator": f"/creators/{styled_creator.pk}/",
        "recommendations": f"/recommendations/creator/{styled_creator.pk}/",
    }
    others = {
        "run": f"/recommendations/runs/{run.pk}/",
        "home": "/",
        "music": "/music/",
        "trending": "/music/trending/",
        "jobs": "/jobs/",
    }
    for name, path in {**named, **others}.items():
        page.goto(live_server.url + path)
        if name in named:
            expect(page.get_by_text(f"@{HANDLE}").first).to_be_attached()
        page.screenshot(path=str(ARTIFACTS / f"names-{name}-{width}.png"), full_page=True)
        wide = page.evaluate(WIDEST)
        assert page.evaluate(OVERFLOW) <= 0, f"{path} is wider than a {width} px window: {wide}"
