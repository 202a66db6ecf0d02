"""Page speed on PostgreSQL: 1,000 creators, 50,000 videos; p50/p95 of four dashboard pages.

Creates its own database (musicrec_bench by default, from BENCH_DATABASE_URL), migrates it,
seeds it in bulk (the measured creator with a real profile analysis; then ANALYZE, as
autovacuum would), times each page through Django's test client as a logged-in marketer, and
drops the database at the end. Target: p95 <= 150 ms per page.

    .venv/bin/python bench/bench_pages.py [--requests 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/musicrec_bench")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "musicrec.settings.base")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghij")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")

CREATORS = 1_000
VIDEOS = 50_000
TRACKS = 2_000
TARGET_P95_MS = 150.0


def _admin_dsn() -> tuple[str, str]:
    """(DSN of the server's postgres database, the bench database's name)."""
    from urllib.parse import urlsplit

    parts = urlsplit(URL)
    name = parts.path.lstrip("/")
    return parts._replace(path="/postgres").geturl(), name


def _recreate(drop_only: bool = False) -> None:
    import psycopg2

    dsn, name = _admin_dsn()
    connection = psycopg2.connect(dsn)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def seed() -> int:
    """Creators with accounts and analyses, tracks, videos with posts and sounds, jobs."""
    from django.utils import timezone

    from authors.models import Author, AuthorAnalysis, AuthorSource
    from music.models import Music, MusicFeatures
    from musicrec.core.models import Job, Platform
    from videos.models import Video, VideoMusic, VideoSource

    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    genres = ["pop", "electronic", "hip-hop", "folk-acoustic", "rock"]
    tracks = Music.objects.bulk_create(
        Music(title=f"Track {i}", artist_name=f"Artist {i % 300}") for i in range(TRACKS)
    )
    MusicFeatures.objects.bulk_create(
        MusicFeatures(
            music=m,
            feature_source=MusicFeatures.FeatureSource.CATALOGUE,
            tempo_bpm=80 + i % 80,
            energy=(i % 10) / 10,
            valence=(i % 7) / 7,
            arousal=(i % 5) / 5,
            genre=genres[i % 5],
            genres={genres[i % 5]: 1.0},
            analyzed_at=now,
        )
        for i, m in enumerate(tracks)
    )
    authors = Author.objects.bulk_create(
        Author(name=f"Creator {i} {'🎵' if i % 7 == 0 else ''}", is_creator=True)
        for i in range(CREATORS)
    )
    AuthorSource.objects.bulk_create(
        AuthorSource(
            author=a, platform=Platform.TIKTOK, external_id=str(10_000 + i), handle=f"creator{i}",
            followers=1_000 + 997 * i, last_scraped_at=now,
        )
        for i, a in enumerate(authors)
    )  # fmt: skip
    AuthorAnalysis.objects.bulk_create(
        AuthorAnalysis(
            author=a, version="bench", analyzed_at=now, tier=["nano", "micro", "mid"][i % 3],
            followers=1_000 + 997 * i, engagement_rate_by_views=0.05, videos_per_week=3.0,
            median_views=10_000, metrics={},
        )
        for i, a in enumerate(authors)
    )  # fmt: skip
    per_author = VIDEOS // CREATORS
    videos = Video.objects.bulk_create(
        Video(author=a, caption=f"video {j} #dance", posted_at=now - timedelta(days=j * 3 % 120))
        for a in authors
        for j in range(per_author)
    )
    VideoSource.objects.bulk_create(
        VideoSource(video=v, platform=Platform.TIKTOK, external_id=str(7_000_000 + i),
                    views=1_000 + i % 5_000, likes=100 + i % 400, comments=i % 30, shares=i % 11)
        for i, v in enumerate(videos)
    )  # fmt: skip
    VideoMusic.objects.bulk_create(
        VideoMusic(video=v, music=tracks[(i * 7 + i // 97) % TRACKS], is_primary=True)
        for i, v in enumerate(videos)
    )
    Job.objects.bulk_create(
        Job(kind=Job.Kind.AUTHOR_ANALYSIS, status=s, target_type="author",
            target_id=str(authors[i % CREATORS].pk), target_label=f"@creator{i}",
            error="boom" if s == Job.Status.FAILED else "", created_at=timezone.now())
        for i, s in enumerate([Job.Status.SUCCEEDED] * 900 + [Job.Status.FAILED] * 100)
    )  # fmt: skip
    measured = authors[CREATORS // 2].pk
    # The measured creator's page shows every section: a real profile analysis of their videos.
    from authors.services import author_analyze

    author_analyze(author_id=measured)
    # What autovacuum does on a live database after a bulk load (it is off on some dev
    # clusters): without statistics the planner guesses, and a bad guess turns on JIT
    # compilation, which costs more than the query.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return measured


def measure(client, url: str, n: int) -> tuple[float, float]:
    client.get(url)  # warm: caches, templates
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[max(0, int(round(0.95 * len(times))) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    args = parser.parse_args()

    _recreate()
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test.utils import override_settings

        # No collectstatic here: plain static storage, as the tests use.
        override_settings(
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ).enable()
        from django.test import Client

        from conftest import make_user

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        creator_id = seed()
        print(f"seeded {CREATORS:,} creators, {VIDEOS:,} videos, {TRACKS:,} tracks "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        from django.contrib.auth import get_user_model

        user = make_user(get_user_model(), "bench", "marketer")
        client = Client()
        client.force_login(user)
        pages = {
            "creators list": "/creators/",
            "creator page": f"/creators/{creator_id}/",
            "trending page": "/music/trending/",
            "jobs page": "/jobs/",
        }
        failed = False
        print(f"{'page':<16} {'p50 ms':>8} {'p95 ms':>8}  target p95 <= {TARGET_P95_MS:.0f} ms")
        for name, url in pages.items():
            p50, p95 = measure(client, url, args.requests)
            ok = p95 <= TARGET_P95_MS
            failed |= not ok
            print(f"{name:<16} {p50:8.1f} {p95:8.1f}  {'ok' if ok else 'OVER'}")
        from django.db import connections

        connections.close_all()
        return 1 if failed else 0
    finally:
        _recreate(drop_only=True)


if __name__ == "__main__":
    sys.exit(main())
