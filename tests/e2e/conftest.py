"""Browser tests: pytest-playwright's `page` driving Debian's chromium against live_server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import skip_or_fail

# The sync Playwright API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told it is safe (djangoproject.com does the same).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("MUSICREC_CHROMIUM", "/usr/bin/chromium")
# Screenshots and downloads the browser tests leave for a person to look at.
ARTIFACTS = Path(os.environ.get("MUSICREC_TEST_ARTIFACTS", "/tmp"))


def log_in(
    page, live_server, django_user_model, username: str = "marketer", role: str = "marketer"
):
    """Create a user in `role` and log them in through the login form."""
    from playwright.sync_api import expect

    from conftest import make_user

    make_user(django_user_model, username, role)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pass-1234-word")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name=f"Log out {username}")).to_be_visible()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
