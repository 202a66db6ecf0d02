"""`manage.py run_local [ADDR:PORT]`: the web server and one worker side by side (`make run`).

Ctrl-C or SIGTERM (to this process or to its whole process group) stops both, and nothing is
left running after STOP_SECONDS. The Makefile used to start `qcluster` and `runserver` from a
shell with `trap 'kill 0'`; a signal to the process group then reached every qcluster process
at once, and when the sentinel died while holding its stop event's lock, the qcluster parent
waited on that lock forever (seen: still alive 10 s after SIGTERM, only SIGKILL ended it).

Here each child runs in a session of its own, so only this process receives a terminal's
Ctrl-C or a signal to the group, and it stops the children in order: the worker's parent is
asked to stop (it stops its sentinel, which stops the workers), the web server's process group
is terminated, and whatever is still alive after STOP_SECONDS is killed, group and all.
If either child exits on its own, the other is stopped too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

# How long the children get to stop cleanly before they are killed: `make run` must leave
# nothing running 10 s after Ctrl-C.
STOP_SECONDS = 6.0
POLL_SECONDS = 0.2


class Command(BaseCommand):
    help = "Run the web server and one django-q2 worker; Ctrl-C stops both."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, addrport: str, **options: Any) -> None:
        stopping: list[int] = []

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stopping.append(signum)

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        children = {
            "worker": _start([*manage, "qcluster"]),
            "web": _start([*manage, "runserver", addrport]),
        }
        code = 0
        while not stopping:
            ended = [name for name, child in children.items() if child.poll() is not None]
            if ended:
                self.stderr.write(f"run_local: the {ended[0]} process exited; stopping")
                code = 1
                break
            time.sleep(POLL_SECONDS)
        _stop(children)
        sys.exit(code)


def _start(command: list[str]) -> subprocess.Popen:
    # A session (and process group) of its own: signals to ours never reach it directly.
    return subprocess.Popen(command, start_new_session=True)


def _stop(children: dict[str, subprocess.Popen]) -> None:
    """Ask every child to stop, wait up to STOP_SECONDS, then kill each group still there."""
    for name, child in children.items():
        if child.poll() is not None:
            continue
        if name == "worker":
            # Only qcluster's parent: it stops its sentinel, which stops the workers in order.
            # (A signal to all of them at once is what left the parent waiting forever.)
            child.send_signal(signal.SIGTERM)
        else:
            # runserver's reloader parent and the serving child it started: both, at once.
            _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    while time.monotonic() < deadline and any(_group_alive(c) for c in children.values()):
        time.sleep(POLL_SECONDS)
    for child in children.values():
        if _group_alive(child):
            _signal_group(child, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=1)


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signum)


def _group_alive(child: subprocess.Popen) -> bool:
    """Whether any process of the child's group is still running (zombies are reaped)."""
    child.poll()
    try:
        os.killpg(child.pid, 0)
    except ProcessLookupError:
        return False
    return True
