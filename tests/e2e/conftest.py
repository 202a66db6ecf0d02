"""Browser tests: pytest-playwright's `page` driving Debian's chromium against live_server."""

from __future__ import annotations

import os
import shutil

import pytest

from conftest import skip_or_fail

# The sync Playwright API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told it is safe (djangoproject.com does the same).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("MUSICREC_CHROMIUM", "/usr/bin/chromium")


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
