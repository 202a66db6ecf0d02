"""django-q2 entry points that belong to no app."""

from __future__ import annotations

import os
import socket


def worker_ping(token: str) -> dict[str, str | int]:
    """Echo a token with the worker's identity: proves a worker picks up and stores tasks."""
    return {"token": token, "host": socket.gethostname(), "pid": os.getpid()}
