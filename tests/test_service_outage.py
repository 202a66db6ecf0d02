"""PostgreSQL or Redis going away while the server runs (issue 14): /healthz, the pages and the
API answer 503 saying which service is away (no stack trace), and all works again once it is
back.

The server is gunicorn on the test database, as in production. Its PostgreSQL is reached
through a relay on loopback (`TcpProxy`) that the test takes away and brings back: the
machine's PostgreSQL, which other test runs use, is never stopped (on SQLite only the Redis
case runs). Its Redis is a redis-server
of its own, stopped and started. Settings are production's (`musicrec.settings.base`, DEBUG
off) but for plain static storage: no collectstatic in tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token

from conftest import skip_or_fail
from music.tests.factories import MusicFactory
from musicrec.core.models import Job
from musicrec.core.tests.processes import (
    RedisServer,
    database_url,
    free_port,
    stop_cluster,
    wait_for,
)
from musicrec.core.tests.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[1]
DATABASE_AWAY = "The database is not answering. Try again in a minute."
REDIS_AWAY = "The task queue and cache (Redis) are not answering. Try again in a minute."

pytestmark = pytest.mark.django_db(transaction=True)

SETTINGS = """\
from musicrec.settings.base import *  # noqa: F403
from musicrec.settings.base import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
"""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Stack:
    """gunicorn in front of `database` (a relay to PostgreSQL) and `redis`."""

    url: str
    env: dict[str, str]
    database: TcpProxy | None  # None on SQLite
    redis: RedisServer
    session: str
    token: str

    def get(self, path: str, **headers: str) -> Answer:
        return self.request("GET", path, headers)

    def request(self, method: str, path: str, headers: dict[str, str]) -> Answer:
        request = urllib.request.Request(self.url + path, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode())

    def page(self, path: str) -> Answer:
        return self.get(path, Cookie=f"sessionid={self.session}")

    def api(self, path: str, method: str = "GET") -> Answer:
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        return self.request(method, path, headers)

    def shell(self, code: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip


@pytest.fixture
def stack(staff_user, tmp_path: Path) -> Iterator[Stack]:
    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server is not installed")
    redis_server = RedisServer()
    redis_server.start()
    db = connection.settings_dict
    database = None  # SQLite: a file, nothing to take away
    url = database_url()
    if connection.vendor == "postgresql":
        database = TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        url = f"postgres://{auth}@127.0.0.1:{database.port}/{db['NAME']}"
    (tmp_path / "outage_settings.py").write_text(SETTINGS)
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "outage_settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # the test's session cookie must hold
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_CONN_MAX_AGE": "60",  # a kept connection must survive the outage too
        "DATABASE_URL": url,
        "REDIS_URL": redis_server.url(),
        "SPOTIFY_CLIENT_ID": "",
    }
    client = Client()
    client.force_login(staff_user)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "musicrec.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--threads", "2", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "server.log").open("w"),
        start_new_session=True,
    )  # fmt: skip
    stack = Stack(
        url=f"http://127.0.0.1:{port}",
        env=env,
        database=database,
        redis=redis_server,
        session=client.cookies["sessionid"].value,
        token=Token.objects.create(user=staff_user).key,
    )
    try:
        wait_for(lambda: _answers(stack), 60, "gunicorn to answer")
        yield stack
    finally:
        stop_cluster(server)  # gunicorn stops like qcluster: its master, then the group
        if database is not None:
            database.down()
        redis_server.stop()


def _answers(stack: Stack) -> bool:
    try:
        return stack.get("/healthz").status == 200
    except OSError:
        return False


def _assert_unavailable(answer: Answer, detail: str) -> None:
    assert answer.status == 503, answer.body[:500]
    assert answer.headers["Retry-After"] == "30"
    assert detail in answer.body
    assert "Traceback" not in answer.body and "File " not in answer.body


def test_the_server_answers_503_while_postgresql_is_away_and_recovers(stack: Stack) -> None:
    if stack.database is None:
        skip_or_fail("the outage test relays PostgreSQL: run it with DATABASE_URL=postgres://…")
    assert stack.page("/creators/").status == 200
    assert stack.api("/api/v1/authors").status == 200

    stack.database.down()
    health = stack.get("/healthz")
    page = stack.page("/creators/")
    api = stack.api("/api/v1/authors")

    _assert_unavailable(health, DATABASE_AWAY)
    assert health.json() == {"detail": DATABASE_AWAY}
    _assert_unavailable(page, DATABASE_AWAY)
    assert page.headers["Content-Type"].startswith("text/html")
    _assert_unavailable(api, DATABASE_AWAY)
    assert api.json() == {"detail": DATABASE_AWAY}

    stack.database.up()
    wait_for(lambda: stack.get("/healthz").status == 200, 30, "/healthz after PostgreSQL is back")
    assert stack.page("/creators/").status == 200
    assert stack.api("/api/v1/authors").status == 200


def test_the_server_answers_503_while_redis_is_away_and_recovers(stack: Stack) -> None:
    music = MusicFactory()
    analyze = f"/api/v1/music/{music.pk}/analyze"

    stack.redis.stop()
    health = stack.get("/healthz")
    queued = stack.api(analyze, method="POST")
    # Reads need no Redis: the catalogue stays readable.
    assert stack.page("/creators/").status == 200
    assert stack.api("/api/v1/authors").status == 200
    # Work sent meanwhile from elsewhere (a command, the admin) fails its Job with the reason,
    # instead of leaving it "queued" with nothing queued.
    sent = stack.shell(
        "from music.services.features import music_analysis_enqueue as enqueue; "
        f"enqueue(music_ids=[{music.pk}])"
    )

    _assert_unavailable(health, REDIS_AWAY)
    _assert_unavailable(queued, REDIS_AWAY)
    assert sent.returncode != 0 and "ConnectionError" in sent.stderr
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.error == "Could not be queued: the task queue is unreachable (ConnectionError)."

    stack.redis.start()
    wait_for(lambda: stack.get("/healthz").status == 200, 30, "/healthz after Redis is back")
    accepted = stack.api(analyze, method="POST")
    assert accepted.status == 202, accepted.body
    assert Job.objects.get(pk=accepted.json()["id"]).task_id != ""  # in the queue
