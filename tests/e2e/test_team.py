"""A marketing team's day: trending sounds, listening, exporting, and a curator's retry; roles
keep each one to their part."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from music.models import MusicSource
from musicrec.core.models import Job
from recommendations.catalogue_source import caches_clear
from recommendations.tests.db_catalogue import make_catalogue, make_creator
from recommendations.tests.trending_data import make_uses
from tests.e2e.conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CLIPS = sorted((Path(settings.BASE_DIR) / "sample_data" / "demo" / "media" / "audio").glob("*.ogg"))


@pytest.fixture(autouse=True)
def fresh_engine_caches():
    caches_clear()  # per process, and ids repeat across transactional tests
    yield
    caches_clear()


def test_marketer_follows_a_rising_sound_listens_and_exports_the_run(
    page: Page, live_server, django_user_model
):
    catalogue = make_catalogue(per_kind=3)
    rising = catalogue.tracks["dance-pop"][1]
    make_uses(rising, [1, 2, 3, 4, 40])
    make_uses(catalogue.tracks["edm"][0], [2, 3, 4, 40])  # rising, slower: ln(4/2)
    for music, clip in zip(catalogue.all, CLIPS, strict=False):
        MusicSource.objects.filter(music=music).update(audio_url=str(clip))
    creator = make_creator("lunamoves", "dance-pop")
    log_in(page, live_server, django_user_model)

    page.get_by_role("link", name="Trending", exact=True).click()
    # htmx (a deferred script) wires the filters up at DOMContentLoaded: wait for the load, or a
    # filter changed first is lost on a busy machine (seen once in a full run).
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Trending sounds")).to_be_visible()
    expect(page.locator(".as-of")).to_contain_text("As of the latest data")
    rows = page.locator("#rising tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(rising.title)
    expect(rows.first.locator("svg.sparkline")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "trending.png"), full_page=True)

    # The genre filter narrows the list in place and keeps it in the address bar.
    page.get_by_label("Genre").select_option("electronic")
    expect(rows).to_have_count(1)
    assert "genre=electronic" in page.url
    page.get_by_label("Genre").select_option("")
    expect(rows).to_have_count(2)

    rows.first.get_by_role("link", name="Recommend to a creator").click()
    expect(
        page.get_by_role("heading", name=f"Recommend “{rising.title}” to a creator")
    ).to_be_visible()
    page.get_by_role("link", name=f"Recommend for {creator.name}").click()
    expect(page.locator(".seed-banner")).to_contain_text(rising.title)
    expect(page.locator("label.chip-check", has_text="Pop").first.locator("input")).to_be_checked()
    page.get_by_role("button", name="Recommend music").click()
    cards = page.locator(".rec-card")
    expect(cards.first).to_be_visible()
    expect(page.locator(".rec-title a", has_text=rising.title)).to_have_count(1)

    # Play the first card's track: the browser reads its duration through range requests.
    player = cards.first.locator("audio.player")
    duration = player.evaluate(
        """el => new Promise((resolve, reject) => {
            el.muted = true;
            el.addEventListener("loadedmetadata", () => resolve(el.duration), {once: true});
            el.addEventListener("error", () => reject(new Error("audio error")), {once: true});
            el.play().catch(() => el.load());
        })"""
    )
    assert duration > 0

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").first.click()
    download = download_info.value
    assert download.suggested_filename.startswith("recommendation-run-")
    saved = ARTIFACTS / download.suggested_filename
    download.save_as(saved)
    rows_read = list(csv.DictReader(saved.open(encoding="utf-8-sig")))
    assert rows_read and rows_read[0]["rank"] == "1"
    assert {r["title"] for r in rows_read} >= {rising.title}


def test_curator_retries_a_failed_job_and_watches_it_finish(
    page: Page, live_server, django_user_model
):
    creator = make_creator("lunamoves", None)
    failed = Job.objects.create(
        kind=Job.Kind.AUTHOR_ANALYSIS,
        status=Job.Status.FAILED,
        target_type="author",
        target_id=str(creator.pk),
        target_label="@lunamoves",
        error="Worker lost: the machine restarted",
        task={"func": "authors.tasks.author_analyze_many_task", "args": [[creator.pk]]},
    )
    log_in(page, live_server, django_user_model, "curator", "curator")
    page.get_by_role("link", name="Jobs", exact=True).click()
    expect(page.get_by_role("heading", name="Jobs")).to_be_visible()
    expect(page.locator(".job-problems")).to_contain_text("Worker lost")
    page.get_by_role("button", name=f"Retry job #{failed.pk}").click()

    expect(page.locator(".messages")).to_contain_text(f"Job {failed.pk} queued again")
    retry = Job.objects.get(retry_of=failed)
    row = page.locator(f"#job-{retry.pk}")
    expect(row).to_contain_text(f"retry of #{failed.pk}")
    expect(row.locator(".status")).to_have_text("Succeeded")
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator(".job-problems")).to_contain_text(f"Retried as job #{retry.pk}")
    # Each status wears its own colour: red for failed, green for succeeded (a scoped page rule
    # once painted them all green).
    failed_badge = page.locator(f"#job-{failed.pk} .status")
    expect(failed_badge).to_have_text("Failed")
    expect(failed_badge).to_have_css("background-color", "rgb(253, 232, 232)")
    expect(failed_badge).to_have_css("color", "rgb(210, 59, 59)")
    expect(row.locator(".status")).to_have_css("color", "rgb(31, 157, 99)")
    page.screenshot(path=str(ARTIFACTS / "jobs.png"), full_page=True)


def test_marketer_is_refused_the_admin_and_curator_actions(
    page: Page, live_server, django_user_model
):
    creator = make_creator("lunamoves", None)
    failed = Job.objects.create(
        kind=Job.Kind.AUTHOR_ANALYSIS,
        status=Job.Status.FAILED,
        error="boom",
        task={"func": "authors.tasks.author_analyze_many_task", "args": [[creator.pk]]},
    )
    log_in(page, live_server, django_user_model)
    expect(page.get_by_role("link", name="Admin", exact=True)).to_have_count(0)

    page.goto(live_server.url + "/admin/")
    expect(page.get_by_text("not authorized to access this page")).to_be_visible()

    page.goto(live_server.url + "/jobs/")
    expect(page.locator(".job-problems")).to_contain_text("boom")
    expect(page.get_by_role("button", name=f"Retry job #{failed.pk}")).to_have_count(0)
    token = page.context.cookies()
    csrf = next(c["value"] for c in token if c["name"] == "csrftoken")
    refused = page.request.post(
        f"{live_server.url}/jobs/{failed.pk}/retry/", headers={"X-CSRFToken": csrf}
    )
    assert refused.status == 403
    reanalyze = page.request.post(
        f"{live_server.url}/creators/{creator.pk}/analyze/", headers={"X-CSRFToken": csrf}
    )
    assert reanalyze.status == 403
    api = page.request.post(f"{live_server.url}/api/v1/authors/{creator.pk}/analyze",
                            headers={"X-CSRFToken": csrf})  # fmt: skip
    assert api.status == 403
    assert not Job.objects.filter(retry_of=failed).exists()


def test_marketer_over_the_recommend_limit_reads_why_in_the_brief(
    page: Page, live_server, django_user_model, settings
):
    from django.core.cache import cache

    # The live server runs in this process: the rate set here is the one it applies.
    settings.API_THROTTLE_RATES = {"analyze-tiktok": None, "analyze": None, "recommend": "1/hour"}
    cache.clear()
    make_catalogue(per_kind=3)
    creator = make_creator("lunamoves", "dance-pop")
    log_in(page, live_server, django_user_model)
    page.goto(f"{live_server.url}/recommendations/creator/{creator.pk}/")
    page.get_by_label("How many").fill("3")
    page.get_by_role("button", name="Recommend music").click()
    expect(page.locator(".rec-card")).to_have_count(3)
    # The second run is over the limit: htmx swaps the 429's brief form, reason included.
    page.get_by_role("button", name="Recommend music").click()
    expect(page.locator("#brief-form [role=alert]")).to_contain_text(
        "Limit reached: recommendation runs are limited to 1 per hour for each user."
    )
    expect(page.locator(".rec-card")).to_have_count(3)  # the first run's results stay
    cache.clear()
