"""A marketer opens the product, is sent to the log-in page, logs in and lands on the home page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_marketer_logs_in_from_the_home_page(page: Page, live_server, django_user_model):
    django_user_model.objects.create_user(username="marketer", password="pass-1234-word")

    # Every page but the log-in page needs a log-in: the home page sends a visitor there.
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert "/accounts/login/?next=/" in page.url

    page.get_by_label("Username").fill("marketer")
    page.get_by_label("Password").fill("pass-1234-word")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("button", name="Log out marketer")).to_be_visible()
    heading = page.get_by_role("heading", name="Pick the music that fits the creator.")
    expect(heading).to_be_visible()
    # The stylesheet is served locally (no CDN): the brand mark is styled.
    color = page.locator(".brand-mark").evaluate("el => getComputedStyle(el).color")
    assert color == "rgb(255, 255, 255)"


def test_wrong_password_shows_a_clear_error(page: Page, live_server, django_user_model):
    django_user_model.objects.create_user(username="marketer", password="pass-1234-word")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("marketer")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("didn't match")).to_be_visible()
