"""`manage.py import_tiktok PATH [PATH ...]`: store TikTok scrape files (any supported shape).

JSON scrapes and creators CSVs (one row per video) alike; folders give their *.json and *.csv.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from tqdm import tqdm

from musicrec.ingest import IngestSummary, scrape_store
from musicrec.platforms.tiktok import ScrapeError, ScrapeResult, parse_scrape_file


def iso_datetime(text: str) -> datetime:
    """An ISO 8601 time; without a zone it is UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"--scraped-at: {text!r} is not an ISO 8601 time") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


SCRAPE_SUFFIXES = (".json", ".csv")


def scrape_files(paths: list[Path]) -> list[Path]:
    """The files named, and every *.json / *.csv under the folders named, each once, in order."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            inside = (p for p in path.rglob("*") if p.suffix.lower() in SCRAPE_SUFFIXES)
            found.update(dict.fromkeys(sorted(p for p in inside if p.is_file())))
        elif path.is_file():
            found[path] = None
        else:
            raise CommandError(f"{path}: no such file or folder")
    if not found:
        raise CommandError("no *.json or *.csv scrape files in " + ", ".join(map(str, paths)))
    return list(found)


class Command(BaseCommand):
    help = (
        "Import TikTok scrape results (TikTok web JSON, Apify tiktok-scraper datasets, "
        "tiktok-scraper collector files, creators CSVs with one row per video) from files or "
        "folders. Every file is read and checked first: if one is bad, nothing is written and "
        "the file, JSON path or CSV line and column, and reason are shown."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="Scrape files or folders.")
        parser.add_argument(
            "--scraped-at",
            type=iso_datetime,
            help="When the scrapes were taken (ISO 8601), for files that do not say.",
        )
        parser.add_argument(
            "--media-base",
            type=Path,
            help="Folder that relative media paths in the scrapes are relative to.",
        )
        parser.add_argument(
            "--analyze",
            action="store_true",
            help="Also queue the analysis of every creator with videos in the files (a worker "
            "runs them).",
        )

    def handle(self, *args, **options) -> None:
        files = scrape_files(options["paths"])
        show = options["verbosity"] > 0
        results: list[tuple[Path, ScrapeResult]] = []
        errors: list[str] = []
        for path in tqdm(files, desc="reading", unit="file", disable=not show):
            try:
                results.append((path, parse_scrape_file(path, max_bytes=settings.SCRAPE_MAX_BYTES)))
            except ScrapeError as error:
                errors.append(
                    str(ScrapeError(error.reason, path=str(path), json_path=error.json_path))
                )
        if errors:
            raise CommandError(
                f"{len(errors)} of {len(files)} files cannot be imported; nothing was written:\n"
                + "\n".join(errors)
            )

        override: datetime | None = options["scraped_at"]
        # Oldest first, so the newest scrape's counts are the ones left as the latest.
        far_future = datetime.max.replace(tzinfo=UTC)
        results.sort(key=lambda item: override or item[1].scraped_at or far_future)
        total: IngestSummary | None = None
        creators: dict[int, None] = {}
        with transaction.atomic():
            for path, result in tqdm(results, desc="storing", unit="file", disable=not show):
                summary = scrape_store(
                    result=result, scraped_at=override, media_base=options["media_base"]
                )
                # Every creator with videos in the file, not only its main one: a creators CSV
                # holds hundreds of timelines.
                for video in result.videos:
                    author_id = summary.authors_by_scrape_id.get(video.author_external_id)
                    if author_id is not None:
                        creators[author_id] = None
                if options["verbosity"] > 1:
                    self.stdout.write(f"{path}: {summary.describe()}")
                if total is None:
                    total = summary
                else:
                    total.add(summary)
        assert total is not None
        self.stdout.write(self.style.SUCCESS(f"Imported {len(results)} files: {total.describe()}"))
        if total.warnings:
            self.stdout.write(f"{len(total.warnings)} warnings (-v 2 lists them)")
            if options["verbosity"] > 1:
                for warning in total.warnings:
                    self.stdout.write(f"  {warning}")
        if options["analyze"]:
            self._queue_analysis(list(creators))

    def _queue_analysis(self, author_ids: list[int]) -> None:
        from musicrec.pipeline import analyze_influencer_enqueue

        for author_id in author_ids:
            try:
                job = analyze_influencer_enqueue(author_id=author_id)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
            self.stdout.write(f"Queued analysis of {job.target_label}: job {job.pk}")
