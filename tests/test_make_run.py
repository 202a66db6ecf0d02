"""`make run` stops cleanly: Ctrl-C (SIGINT) or SIGTERM to its process group leaves nothing
running within 10 s.

The test runs the Makefile's own `run` recipe (its set-up prerequisites marked done with
`-o`) on a fresh SQLite database and the ORM broker, waits until the web server answers and
the worker is running, signals the whole process group as a terminal's Ctrl-C would, and then
watches every process the recipe started, in every session they made, until none is left.
Before `manage.py run_local`, the qcluster parent sometimes outlived SIGTERM indefinitely.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from musicrec.core.tests.processes import alive_in, descendants

ROOT = Path(settings.BASE_DIR)
LIMIT_S = 10.0
PREREQUISITES_DONE = ["-o", "demo", "-o", "migrate", "-o", "install", "-o", ".venv/.installed"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_DEBUG": "true",
        "Q_WORKERS": "2",
    }
    env.pop("REDIS_URL", None)  # the ORM broker on this database: nothing shared
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py's own (the test settings are pytest's)
    for command in (["migrate", "--no-input"], ["createcachetable"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
            capture_output=True,
        )  # fmt: skip
    return env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_make_run_leaves_nothing_running_10_s_after_a_signal(database, tmp_path, signum):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    port = _free_port()
    log = (tmp_path / "run.log").open("w")
    make = subprocess.Popen(
        ["make", *PREREQUISITES_DONE, "run", "HOST=127.0.0.1", f"PORT={port}"],
        cwd=ROOT, env=database, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    sessions: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert make.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
            up = "running." in (tmp_path / "run.log").read_text()  # "Q Cluster … running."
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            except OSError:
                up = False
            if up:
                break
            time.sleep(0.5)
        else:
            pytest.fail("make run did not come up: " + (tmp_path / "run.log").read_text()[-3000:])
        started = descendants(make.pid)
        sessions = {sid for _, _, sid in started.values()}
        assert len(started) >= 5  # make, run_local, runserver x2, qcluster and its processes

        os.killpg(make.pid, signum)
        signalled = time.monotonic()
        while alive_in(sessions) and time.monotonic() - signalled < LIMIT_S:
            time.sleep(0.1)
        elapsed = time.monotonic() - signalled
        left = alive_in(sessions)
        print(f"make run: {len(started)} processes, all gone {elapsed:.1f} s after {signum.name}")
        assert not left, f"{left} still running {LIMIT_S:.0f} s after {signum.name}"
    finally:
        for pid in alive_in(sessions | {make.pid}):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        make.wait(timeout=10)
        log.close()
