"""Load on gunicorn + PostgreSQL + Redis: 32 clients for 60 s per endpoint, then a burst of 50
analysis jobs drained by 1 and then 2 workers (issue 14; figures go in README, not a test).

Creates its own database (musicrec_load, from BENCH_DATABASE_URL), seeds it in bulk as
bench_pages does but with 100,000 tracks (1,000 creators, 50,000 videos), starts gunicorn on
127.0.0.1 with production settings (DEBUG off; plain static storage, no throttles: the load is
the point), and drives it from threads of this process, each with a kept-alive connection.
Redis is the machine's, on a database of its own (BENCH_REDIS_URL). The client shares the
server's cores: the figures are a floor, not what a separate client would see.

    .venv/bin/python bench/bench_load.py [--seconds 60] [--clients 32] [--jobs 50]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/musicrec_load")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
os.environ["BENCH_DATABASE_URL"] = URL
import bench_pages  # noqa: E402 (reads BENCH_DATABASE_URL and sets the Django environment)

os.environ["REDIS_URL"] = REDIS_URL
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
TRACKS = 100_000
QUEUE = "django_q:musicrec:q"

SETTINGS = """\
from musicrec.settings.base import *  # noqa: F403
from musicrec.settings.base import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
API_THROTTLE_RATES = {"analyze-tiktok": None, "analyze": None, "recommend": None}
"""


def _env(folder: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "load_settings",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": URL,
        "REDIS_URL": REDIS_URL,
        "SPOTIFY_CLIENT_ID": "",
        **extra,
    }


def _wait(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"waited {seconds:g} s for {what}")


def _stop(process: subprocess.Popen) -> None:
    from musicrec.core.tests.processes import stop_cluster

    stop_cluster(process)


# --- HTTP load -------------------------------------------------------------------------------


def drive(
    port: int,
    method: str,
    path: str,
    headers: dict,
    bodies: list[bytes | None],
    clients: int,
    s: float,
) -> dict[str, float]:
    """`clients` threads sending the request back to back for `s` seconds, the bodies in turn."""
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + s

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        while time.monotonic() < stop_at:
            body = bodies[(index + len(mine) * clients) % len(bodies)]
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock:
                    errors.append(type(error).__name__)
                continue
            mine.append((time.perf_counter() - started) * 1000)
            if not 200 <= status < 300:  # recommend-music answers 201 (a stored run)
                with lock:
                    errors.append(str(status))
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    times.sort()

    def pct(p: float) -> float:
        return times[min(len(times) - 1, int(p * len(times)))] if times else float("nan")

    return {
        "requests": len(times), "errors": len(errors), "rps": len(times) / elapsed,
        "p50": statistics.median(times) if times else float("nan"), "p95": pct(0.95),
        "p99": pct(0.99), "error_kinds": sorted(set(errors)),
    }  # fmt: skip


# --- Job burst -------------------------------------------------------------------------------


def burst(folder: Path, workers: int, jobs: int) -> dict[str, float]:
    """`jobs` one-track analysis Jobs queued at once; seconds until `workers` ended them all."""
    import redis
    from django.db import transaction
    from django_q.models import Task

    from music.models import Music, MusicFeatures, MusicSource
    from music.services.features import music_analysis_enqueue
    from musicrec.core.jobs import job_task_name
    from musicrec.core.models import Job, Platform

    redis.from_url(REDIS_URL).delete(QUEUE)
    clip = folder / "media" / "clip.wav"
    music = Music.objects.bulk_create(
        Music(title=f"Burst {workers}-{i}", artist_name="Bench") for i in range(jobs)
    )
    MusicSource.objects.bulk_create(
        MusicSource(music=m, platform=Platform.TIKTOK, external_id=f"burst-{workers}-{i}",
                    audio_url=str(clip))
        for i, m in enumerate(music)
    )  # fmt: skip
    log = (folder / f"cluster-{workers}.log").open("w")
    env = _env(folder, Q_WORKERS=str(workers), MEDIA_LOCAL_ROOTS=str(folder / "media"))
    cluster = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        ready = folder / f"cluster-{workers}.log"
        _wait(lambda: ready.read_text().count("ready for work") >= workers, 120, "the workers")
        time.sleep(3)  # the workers' librosa warm-up (post_spawn)
        started = time.monotonic()
        with transaction.atomic():
            ids = [music_analysis_enqueue(music_ids=[m.pk]).pk for m in music]
        _wait(
            lambda: Job.objects.filter(pk__in=ids, finished_at__isnull=False).count() == jobs,
            600,
            "the burst to drain",
        )
        seconds = time.monotonic() - started
    finally:
        _stop(cluster)
    statuses = Job.objects.filter(pk__in=ids).values_list("status", flat=True)
    tasks = Task.objects.filter(name__in=[job_task_name(i) for i in ids]).count()
    features = MusicFeatures.objects.filter(music__in=music).count()
    return {
        "seconds": seconds, "jobs_per_s": jobs / seconds,
        "succeeded": sum(s == Job.Status.SUCCEEDED for s in statuses),
        "task_results": tasks, "features_rows": features,
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    args = parser.parse_args()

    bench_pages.TRACKS = TRACKS
    bench_pages._recreate()
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    (folder / "load_settings.py").write_text(SETTINGS)
    (folder / "media").mkdir()
    os.environ["DJANGO_SETTINGS_MODULE"] = "load_settings"
    sys.path.insert(0, str(folder))
    server = None
    try:
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.test import Client
        from rest_framework.authtoken.models import Token

        from conftest import make_user
        from musicrec.core.synth import render_music, write_audio

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        creator_id = bench_pages.seed()
        print(f"seeded {bench_pages.CREATORS:,} creators, {bench_pages.VIDEOS:,} videos, "
              f"{TRACKS:,} tracks in {time.perf_counter() - started:.1f} s")  # fmt: skip
        user = make_user(get_user_model(), "load", "marketer")
        token = Token.objects.create(user=user).key
        client = Client()
        client.force_login(user)
        session = client.cookies["sessionid"].value
        write_audio(
            folder / "media" / "clip.wav",
            render_music(bpm=120, key="A", mode="minor", seconds=30.0),
            22050,
        )

        from musicrec.core.tests.processes import free_port

        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "musicrec.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.gunicorn_workers), "--threads", "4", "--timeout", "60"],
            cwd=ROOT, env=_env(folder), stdout=subprocess.DEVNULL,
            stderr=(folder / "gunicorn.log").open("w"), start_new_session=True,
        )  # fmt: skip

        def healthy() -> bool:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200

        _wait(healthy, 60, "gunicorn")
        api = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        # Every creator in turn: one creator asked 2,000 times would weigh its own 2,000 runs.
        from authors.models import Author

        creators = list(Author.objects.filter(is_creator=True).values_list("pk", flat=True))
        recommend = [json.dumps({"author": str(pk)}).encode() for pk in creators]
        endpoints = {
            "POST recommend-music": ("POST", "/api/v1/recommend-music", api, recommend),
            "GET authors": ("GET", "/api/v1/authors", api, [None]),
            "creator page": ("GET", f"/creators/{creator_id}/",
                             {"Cookie": f"sessionid={session}"}, [None]),
        }  # fmt: skip
        print(f"gunicorn -w {args.gunicorn_workers} --threads 4; {args.clients} clients for "
              f"{args.seconds:g} s each, client on the same machine")  # fmt: skip
        print(f"{'endpoint':<22} {'requests':>8} {'errors':>6} {'req/s':>7} "
              f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")  # fmt: skip
        for name, (method, path, headers, bodies) in endpoints.items():
            drive(port, method, path, headers, bodies, 4, 3)  # warm every worker's caches
            r = drive(port, method, path, headers, bodies, args.clients, args.seconds)
            print(f"{name:<22} {r['requests']:>8} {r['errors']:>6} {r['rps']:>7.1f} "
                  f"{r['p50']:>7.0f} {r['p95']:>7.0f} {r['p99']:>7.0f} "
                  f"{' '.join(r['error_kinds'])}", flush=True)  # fmt: skip
        _stop(server)
        server = None

        print(f"burst of {args.jobs} one-track analysis jobs (30 s clip each), Redis broker")
        drained = {}
        for workers in (1, 2):
            r = burst(folder, workers, args.jobs)
            drained[workers] = r["jobs_per_s"]
            print(f"{workers} worker(s): {r['seconds']:.1f} s, {r['jobs_per_s']:.2f} jobs/s; "
                  f"succeeded {r['succeeded']}/{args.jobs}, task results {r['task_results']}, "
                  f"features rows {r['features_rows']}", flush=True)  # fmt: skip
        print(f"2 workers drain {drained[2] / drained[1]:.2f}x as fast as 1")
    finally:
        if server is not None:
            _stop(server)
        from django.db import connections

        connections.close_all()
        bench_pages._recreate(drop_only=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
