"""Ingest benchmark: parse and store 10,000 TikTok videos from 100 creators (Apify shape).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_ingest.py

Runs against a throwaway database: for PostgreSQL a database `musicrec_bench` is created next to
the one DATABASE_URL names and dropped at the end; without DATABASE_URL a temporary SQLite file.
Prints store throughput (videos/s), the statements issued (total and per author), parsing alone
as the baseline measured in the same process, a run at 50 videos per author to show the
statement count does not follow the number of videos per author, and a re-import of the first
dataset with grown counts (the update path).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "musicrec_bench"


def _throwaway_database(url: str | None, tmp: Path) -> tuple[str, str | None]:
    """(DATABASE_URL for the benchmark, admin URL to drop it with, or None for SQLite)."""
    if not url:
        return f"sqlite:///{tmp / 'bench.sqlite3'}", None
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(f"unsupported DATABASE_URL scheme {parts.scheme!r}: use postgres or none")
    import psycopg2

    admin = psycopg2.connect(urlunsplit(parts._replace(scheme="postgresql")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        cursor.execute(f"CREATE DATABASE {BENCH_DB}")
    admin.close()
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}")), url


def _drop(admin_url: str) -> None:
    import psycopg2

    admin = psycopg2.connect(urlunsplit(urlsplit(admin_url)._replace(scheme="postgresql")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authors", type=int, default=100)
    parser.add_argument("--videos-per-author", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="timed imports of fresh datasets")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="musicrec-bench-") as tmp:
        url, admin_url = _throwaway_database(os.environ.get("DATABASE_URL"), Path(tmp))
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "musicrec.settings.base")
        os.environ.setdefault("DJANGO_DEBUG", "true")
        try:
            _run(args)
        finally:
            from django.db import connections

            connections.close_all()
            if admin_url:
                _drop(admin_url)


def _run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from musicrec.ingest import scrape_store
    from musicrec.platforms.tiktok import parse_scrape
    from musicrec.tests.scrapes import apify_dataset
    from videos.models import VideoSource

    call_command("migrate", verbosity=0)
    n_authors, per_author = args.authors, args.videos_per_author
    n_videos = n_authors * per_author
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"dataset:  {n_videos:,} videos from {n_authors} authors, Apify shape, in memory")

    def dataset(run: int, per: int, growth: float = 1.0) -> list[dict]:
        return apify_dataset(
            authors=n_authors,
            videos_per_author=per,
            seed=run,
            id_offset=run * 10 * n_authors,
            sound_offset=run * 1_000_000,  # every run brings new sounds, as a first import does
            growth=growth,
        )

    # Warm-up: imports, connection, statement caches; not timed.
    scrape_store(result=parse_scrape(dataset(99, 2)))

    parse_times, store_times, counts = [], [], []
    for run in range(args.repeat):
        items = dataset(run, per_author)
        started = time.perf_counter()
        result = parse_scrape(items)
        parsed = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            summary = scrape_store(result=result)
        stored = time.perf_counter()
        assert len(summary.video_ids) == n_videos, summary.describe()
        parse_times.append(parsed - started)
        store_times.append(stored - parsed)
        counts.append(len(queries.captured_queries))

    parse_s, store_s = statistics.median(parse_times), statistics.median(store_times)
    print(f"\nfirst import, median of {args.repeat} runs on fresh ids")
    print(f"  parse alone (baseline): {parse_s:7.3f} s  {n_videos / parse_s:9,.0f} videos/s")
    print(f"  store:                  {store_s:7.3f} s  {n_videos / store_s:9,.0f} videos/s")
    print(f"  parse + store:          {parse_s + store_s:7.3f} s  "
          f"{n_videos / (parse_s + store_s):9,.0f} videos/s")  # fmt: skip
    print(f"  store / parse time:     {store_s / parse_s:7.2f}x")
    print(f"  statements:             {counts[0]} ({counts[0] / n_authors:.2f} per author)")

    half = max(1, per_author // 2)
    result = parse_scrape(dataset(args.repeat, half))
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        scrape_store(result=result)
        elapsed = time.perf_counter() - started
    print(f"\nfirst import at {half} videos/author ({n_authors * half:,} videos)")
    print(
        f"  store:                  {elapsed:7.3f} s  {n_authors * half / elapsed:9,.0f} videos/s"
    )
    print(f"  statements:             {len(queries.captured_queries)} "
          f"(vs {counts[0]} at {per_author} videos/author)")  # fmt: skip

    grown = parse_scrape(dataset(0, per_author, growth=1.3))
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        summary = scrape_store(result=grown)
        elapsed = time.perf_counter() - started
    print("\nre-import of the first dataset with grown counts (update path)")
    print(f"  store:                  {elapsed:7.3f} s  {n_videos / elapsed:9,.0f} videos/s")
    print(f"  statements:             {len(queries.captured_queries)}; "
          f"updated {summary.updated.get('video_sources', 0):,} video sources")  # fmt: skip
    print(f"\nrows: {VideoSource.objects.count():,} video sources in the benchmark database")


if __name__ == "__main__":
    main()
