"""Helpers for tests that run the project's own processes (qcluster, a server) beside pytest."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection


def database_url() -> str:
    """DATABASE_URL of the test database this process uses: a subprocess opens the same one."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(check: Callable[[], Any], seconds: float, what: str) -> Any:
    """Poll `check` until it returns something true (returned), failing after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"waited {seconds:g} s for {what}")


def stop_cluster(process: subprocess.Popen, seconds: float = 20) -> None:
    """Stop a `qcluster` started in a session of its own, as `manage.py run_local` does.

    SIGTERM to its parent only: the parent stops its sentinel, which stops the workers in
    order. A signal to the whole group at once can leave the parent waiting forever. Whatever
    of the group is left after `seconds` is killed.
    """
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=seconds)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
