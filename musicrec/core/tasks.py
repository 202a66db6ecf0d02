"""django-q2 entry points that belong to no app."""

from __future__ import annotations

import os
import socket


def worker_ping(token: str) -> dict[str, str | int]:
    """Echo a token with the worker's identity: proves a worker picks up and stores tasks."""
    return {"token": token, "host": socket.gethostname(), "pid": os.getpid()}


def job_sweep_task() -> dict[str, list[int]]:
    """Every minute (setup_schedules): end or re-queue the Jobs whose task is gone."""
    from musicrec.core.job_sweep import job_sweep

    return job_sweep().as_dict()
