"""A real django-q2 cluster on Redis meeting failures (issue 14): a worker SIGKILLed mid-analysis,
a task past its time limit, a task signed with another secret key, Redis restarted under it.

Each test module starts its own `redis-server` on a free port, so the machine's Redis (and
whatever other test runs keep in it) is never touched, and stops and starts it at will. The
cluster (`manage.py qcluster`) and the commands that queue work and run the sweep
(`manage.py shell`) are separate processes on the test database, as the web server and the
workers are in production; nothing of ours is replaced. The sweep's clock is moved forward
(`job_sweep(now=...)`) instead of waiting out a time limit.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.db import transaction
from django_q.models import Task

from authors.models import Author, AuthorAnalysis
from conftest import skip_or_fail
from music.models import Music, MusicFeatures
from music.tests.factories import MusicSourceFactory
from musicrec.core.jobs import job_task_name
from musicrec.core.models import Job
from musicrec.core.synth import render_music, write_audio
from musicrec.core.tests.processes import RedisServer, database_url, stop_cluster, wait_for
from musicrec.core.video import write_clip
from musicrec.ingest import scrape_store
from musicrec.platforms.tiktok import parse_scrape
from musicrec.tests.scrapes import apify_dataset
from videos.models import Video, VideoContentAnalysis, VideoSnapshot, VideoSource

ROOT = Path(__file__).resolve().parents[3]
CLUSTER_KEY = "worker-failures-test-key-" + "x" * 24
QUEUE = "django_q:musicrec:q"  # the Redis broker's list for the cluster named "musicrec"

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Cluster:
    """`manage.py qcluster` and `manage.py shell` on the test database and this Redis."""

    env: dict[str, str]
    log: Path
    db: int
    process: subprocess.Popen | None = None

    def start(self) -> None:
        handle = self.log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        wait_for(lambda: self.worker_pids(), 90, "the cluster's worker to be ready")

    def stop(self) -> None:
        if self.process is not None:
            stop_cluster(self.process)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def worker_pids(self) -> list[int]:
        """Workers that said they are ready, and are alive."""
        pids = [int(p) for p in re.findall(r"ready for work at (\d+)", self.output())]
        return [pid for pid in pids if _alive(pid)]

    def shell(self, code: str, **env: str) -> Any:
        """Run `code` in a `manage.py shell` of this deployment; returns what it prints as JSON."""
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT, env={**self.env, **env}, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed worker stays a zombie until its parent reaps it.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server is not installed")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def _cluster(
    redis_server: RedisServer, folder: Path, *, timeout: int, db: int
) -> Iterator[Cluster]:
    """A cluster on its own Redis database: two clusters never take each other's tasks."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "musicrec.settings.base",
        "DJANGO_DEBUG": "true",
        "DJANGO_SECRET_KEY": CLUSTER_KEY,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_server.url(db),
        "Q_WORKERS": "1",
        "Q_TIMEOUT": str(timeout),
        "Q_RETRY": str(timeout + 2),
        "MEDIA_LOCAL_ROOTS": str(folder / "media"),
        "MEDIA_CACHE_DIR": str(folder / "media-cache"),
        "SCRAPER_SOURCE": "file",
        "SCRAPER_FILE_DIR": str(folder / "scrapes"),
        "SPOTIFY_CLIENT_ID": "",
    }
    for name in ("media", "scrapes"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    cluster = Cluster(env, folder / "cluster.log", db)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
        redis_server.client(db).delete(QUEUE)


@pytest.fixture(scope="module")
def cluster(
    redis_server, tmp_path_factory, django_db_setup, django_db_blocker
) -> Iterator[Cluster]:
    """One worker with a time limit well past any task here."""
    with django_db_blocker.unblock():
        yield from _cluster(redis_server, tmp_path_factory.mktemp("cluster"), timeout=120, db=0)


@pytest.fixture(scope="module")
def short_cluster(
    redis_server, tmp_path_factory, django_db_setup, django_db_blocker
) -> Iterator[Cluster]:
    """One worker whose tasks may run 3 s."""
    with django_db_blocker.unblock():
        yield from _cluster(redis_server, tmp_path_factory.mktemp("short"), timeout=3, db=1)


def _job(job_id: int) -> Job:
    return Job.objects.get(pk=job_id)


def _ended(job_id: int, seconds: float = 120) -> Job:
    return wait_for(
        lambda: (job := _job(job_id)).is_finished and job, seconds, f"job {job_id} to end"
    )


def _counts() -> dict[str, int]:
    models = (Author, Video, VideoSource, VideoSnapshot, VideoContentAnalysis, Music,
              MusicFeatures, AuthorAnalysis)  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def _write_creator(cluster: Cluster, videos: int = 6) -> list[dict]:
    """creator_0's scrape in the cluster's scrape folder; its sounds are 60 s files, its videos
    8 s clips, all local, so the analysis takes seconds (long enough to be killed in)."""
    media = Path(cluster.env["MEDIA_LOCAL_ROOTS"])
    song = render_music(bpm=124, key="E", mode="minor", seconds=8.0, seed=3)
    items = apify_dataset(authors=1, videos_per_author=videos, sounds=videos, seed=5)
    for index, item in enumerate(items):
        sound = media / f"sound-{index}.wav"
        write_audio(sound, np.tile(np.roll(song, index * 997), 8), 22050)
        item["musicMeta"]["playUrl"] = str(sound)
        clip = media / f"video-{index}.mp4"
        write_clip(clip, song, 22050)
        item["mediaUrls"] = [str(clip)]
        item["videoMeta"].pop("coverUrl")
    (Path(cluster.env["SCRAPER_FILE_DIR"]) / "creator_0.json").write_text(json.dumps(items))
    return items


ENQUEUE_CREATOR = (
    "import json; from musicrec.pipeline import analyze_influencer_enqueue as enqueue; "
    "print(json.dumps(enqueue(handle='creator_0').pk))"
)
SWEEP_LATER = (
    "import json; from datetime import timedelta; from django.utils import timezone; "
    "from musicrec.core.job_sweep import job_sweep; "
    "print(json.dumps(job_sweep(now=timezone.now() + timedelta(seconds={seconds})).as_dict()))"
)


def _single_run_counts(items: list[dict]) -> dict[str, int]:
    """The rows one analysis of `items` leaves: what storing the scrape writes (stored here and
    rolled back), plus one analysis per track, video and creator."""
    with transaction.atomic():
        summary = scrape_store(result=parse_scrape(items))
        counts = _counts()
        transaction.set_rollback(True)
    counts.update(
        MusicFeatures=counts["Music"],
        VideoContentAnalysis=counts["Video"],
        AuthorAnalysis=len({summary.main_author_id}),
    )
    return counts


def test_a_worker_killed_mid_analysis_is_replaced_and_the_job_runs_again_once(cluster):
    items = _write_creator(cluster)
    expected = _single_run_counts(items)

    job_id = cluster.shell(ENQUEUE_CREATOR)
    running = wait_for(
        lambda: (
            (job := _job(job_id)).status == Job.Status.RUNNING and 30 <= job.progress < 90 and job
        ),
        60,
        "the analysis to reach its music step",
    )
    [worker] = cluster.worker_pids()
    os.kill(worker, signal.SIGKILL)
    replacement = wait_for(
        lambda: [pid for pid in cluster.worker_pids() if pid != worker], 60, "a new worker"
    )

    # Nothing on the worker side knows the task any more: the Job would say "running" for ever.
    stuck = _job(job_id)
    assert stuck.status == Job.Status.RUNNING and stuck.progress < 100, stuck.message
    assert not Task.objects.filter(name=job_task_name(job_id)).exists()
    assert cluster.shell(SWEEP_LATER.format(seconds=0))["requeued"] == []  # within its limit
    swept = cluster.shell(SWEEP_LATER.format(seconds=120 + 61))
    assert swept["requeued"] == [job_id]

    job = _ended(job_id)
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.task["attempt"] == 2 and job.started_at > running.started_at
    # Ended once: one result for the Job's task, no second Job, and not one row more than a
    # single run of the same scrape leaves. The task ends its Job before the cluster's monitor
    # stores the task's result, so the result may land a moment after the Job reads succeeded.
    results = Task.objects.filter(name=job_task_name(job_id))
    wait_for(lambda: results.exists(), 30, "the task's result to be stored")
    assert results.count() == 1
    assert Job.objects.count() == 1
    assert _counts() == expected
    assert replacement and "reincarnated worker" in cluster.output()


def test_a_task_past_its_time_limit_fails_its_job_with_the_reason(short_cluster, tmp_path):
    media = Path(short_cluster.env["MEDIA_LOCAL_ROOTS"])
    minute = media / "minute.wav"
    write_audio(minute, np.tile(render_music(bpm=120, key="C", mode="major", seconds=6.0), 10),
                22050)  # fmt: skip
    # 60 one-minute analyses: tens of seconds of work against a 3 s limit.
    ids = [MusicSourceFactory(audio_url=str(minute)).music_id for _ in range(60)]

    job_id = short_cluster.shell(
        "import json; from music.services.features import music_analysis_enqueue as enqueue; "
        f"print(json.dumps(enqueue(music_ids={ids}).pk))"
    )

    job = _ended(job_id, 60)
    assert job.status == Job.Status.FAILED
    assert job.error == "Stopped: the task ran past its time limit of 3 s (Q_TIMEOUT)."
    assert not Task.objects.get(name=job_task_name(job_id)).success


def test_a_task_signed_with_another_secret_key_fails_its_job(short_cluster, redis_server):
    job_id = short_cluster.shell(
        "import json; from music.services.features import music_analysis_enqueue as enqueue; "
        "print(json.dumps(enqueue(music_ids=[1]).pk))",
        DJANGO_SECRET_KEY="a-rotated-secret-key-" + "y" * 30,
    )
    queue = redis_server.client(short_cluster.db)
    wait_for(lambda: queue.llen(QUEUE) == 0, 30, "the cluster to take the task")
    wait_for(lambda: "BadSignature" in short_cluster.output(), 30, "the worker to refuse it")

    watching = short_cluster.shell(SWEEP_LATER.format(seconds=0))
    # 1 worker holds at most 2 tasks of 3 s each before starting this one; then the grace.
    failed = short_cluster.shell(SWEEP_LATER.format(seconds=2 * 3 + 61))

    job = _job(job_id)
    assert watching["watching"] == [job_id] and failed["failed"] == [job_id]
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("No worker started it: the task left the queue but never ran.")
    assert "DJANGO_SECRET_KEY" in job.error


PING = (
    "import json; from django_q.tasks import async_task; "
    "print(json.dumps(async_task('musicrec.core.tasks.worker_ping', '{token}')))"
)


def test_the_cluster_takes_work_again_after_redis_restarts(cluster, redis_server):
    def ping() -> Task:
        token = uuid.uuid4().hex
        task_id = cluster.shell(PING.format(token=token))
        task = wait_for(lambda: Task.objects.filter(id=task_id).first(), 60, "the ping")
        assert task.success and task.result["token"] == token
        return task

    ping()
    redis_server.stop()
    # The pusher loses its connection ("Failed to pull task from broker") while Redis is down.
    wait_for(lambda: "Failed to pull task from broker" in cluster.output(), 30, "the outage")
    redis_server.start()

    started = time.monotonic()
    ping()
    assert time.monotonic() - started < 60
    assert cluster.process is not None and cluster.process.poll() is None
