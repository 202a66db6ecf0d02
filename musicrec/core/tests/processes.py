"""Helpers for tests that run the project's own processes (qcluster, a server) beside pytest."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
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


def processes() -> dict[int, tuple[str, int, int]]:
    """pid -> (state, parent pid, session id) of every process, from /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        table[int(entry)] = (fields[0], int(fields[1]), int(fields[3]))
    return table


def descendants(root: int) -> dict[int, tuple[str, int, int]]:
    """`root` and every process below it, from /proc."""
    table = processes()
    found = {root}
    grew = True
    while grew:
        before = len(found)
        found |= {pid for pid, (_, parent, _) in table.items() if parent in found}
        grew = len(found) > before
    return {pid: table[pid] for pid in found if pid in table}


def alive_in(sessions: set[int]) -> list[int]:
    """Processes of these sessions still running (zombies are gone, waiting to be reaped)."""
    table = processes().items()
    return [pid for pid, (state, _, sid) in table if sid in sessions and state != "Z"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RedisServer:
    """A throwaway redis-server on 127.0.0.1 that a test may stop and start again."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis(port=self.port, db=db, socket_connect_timeout=2, socket_timeout=5)

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for(lambda: self._pings(), 10, "redis-server to start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def _pings(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False
