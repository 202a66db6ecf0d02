"""A real django-q2 cluster picks a task off the configured broker and stores its result.

The cluster runs as `manage.py qcluster` in a subprocess on the same test database: the ORM
broker by default, Redis when REDIS_URL is set (as in CI).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django_q.models import Task
from django_q.tasks import async_task

from conftest import skip_or_fail
from musicrec.core.tests.processes import alive_in, database_url, stop_cluster, wait_for

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cluster():
    if settings.REDIS_URL:
        import redis

        try:
            redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
        except redis.RedisError as exc:
            skip_or_fail(f"Redis at REDIS_URL is unreachable: {exc}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "musicrec.settings.base",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": database_url(),
        "Q_WORKERS": "1",
        # Tasks are signed with the secret key: the cluster must share the test process's.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
    }
    # The cluster's monitor and stats use the cache; the embedded default is a database cache.
    subprocess.run([sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    yield process
    stop_cluster(process)


def test_qcluster_runs_a_task_end_to_end_on_the_configured_broker(cluster):
    token = uuid.uuid4().hex
    # sync=False overrides the test settings' global sync flag: this goes through the broker.
    task_id = async_task("musicrec.core.tasks.worker_ping", token, sync=False)

    deadline = time.monotonic() + 90
    task = None
    while time.monotonic() < deadline:
        task = Task.objects.filter(id=task_id).first()
        if task is not None or cluster.poll() is not None:
            break
        time.sleep(0.5)

    if task is None:
        cluster.terminate()
        output = cluster.communicate(timeout=10)[0]
        pytest.fail(f"the cluster did not store the task in time; its output:\n{output}")
    assert task.success, task.result
    assert task.result["token"] == token
    assert task.result["pid"] != os.getpid()


def test_qcluster_stops_on_sigterm_to_its_first_process_as_docker_compose_stop_sends_it(cluster):
    """`docker compose stop` signals the container's first process (tini, which hands SIGTERM to
    qcluster alone) and kills what is left after the worker's stop_grace_period: every process
    of the cluster must be gone well before that, with a task just run (the workers are warm)."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    grace = int(compose["services"]["worker"]["stop_grace_period"].removesuffix("s"))
    token = uuid.uuid4().hex
    task_id = async_task("musicrec.core.tasks.worker_ping", token, sync=False)
    wait_for(lambda: Task.objects.filter(id=task_id).exists(), 90, "the cluster to run a task")
    session = os.getsid(cluster.pid)
    assert len(alive_in({session})) >= 3  # the parent, its sentinel and monitor, a worker

    signalled = time.monotonic()
    cluster.send_signal(signal.SIGTERM)
    while alive_in({session}) and time.monotonic() - signalled < grace:
        time.sleep(0.1)
    took = time.monotonic() - signalled

    assert alive_in({session}) == [], f"still running {grace} s after SIGTERM"
    print(f"qcluster stopped {took:.1f} s after SIGTERM (grace period {grace} s)")
    assert took < grace / 2
