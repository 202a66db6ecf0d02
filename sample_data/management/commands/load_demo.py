"""`manage.py load_demo`: load the shipped demo set and queue its analysis; safe to run again.

The catalogue and commercial flags come first (so TikTok sounds join their catalogue track),
then every scrape in date order, each dated by manifest.json, with media paths resolved against
the demo folder. A scrape already stored (its creator has a snapshot at that time) and a
catalogue already loaded at that time are skipped, so a second run writes nothing. Analysis is
queued per creator through the pipeline when something new was stored for them or they have
never been analysed; a running worker (`manage.py qcluster`) picks the jobs up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from authors.models import AuthorAnalysis, AuthorSnapshot, AuthorSource
from music.catalogue_csv import CatalogueError, parse_spotify_tracks_csv
from music.models import MusicSnapshot
from music.services.catalogue_import import catalogue_import, commercial_flags_from_csv
from musicrec.core.models import Job, Platform
from musicrec.ingest import IngestSummary, scrape_store
from musicrec.platforms.tiktok import ScrapeError, ScrapeResult, parse_scrape_file

DEFAULT_SEED_DIR = Path(__file__).resolve().parents[2] / "demo"


@dataclass
class DemoScrape:
    path: Path
    handle: str
    scraped_at: datetime
    result: ScrapeResult


class Command(BaseCommand):
    help = (
        "Load the demo data set (catalogue, commercial flags, two dated scrapes of ten creators) "
        "and queue its analysis. Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed-dir",
            type=Path,
            default=DEFAULT_SEED_DIR,
            help="Folder with manifest.json (default: sample_data/demo).",
        )
        parser.add_argument(
            "--no-analysis", action="store_true", help="Load the data only; queue no analysis."
        )
        parser.add_argument(
            "--only",
            nargs="+",
            metavar="HANDLE",
            help="Load only these creators' scrapes (the catalogue is always loaded).",
        )

    def handle(self, *args, **options) -> None:
        seed_dir: Path = options["seed_dir"].resolve()
        manifest = self._manifest(seed_dir)
        show = options["verbosity"] > 0
        scrapes = self._read_scrapes(seed_dir, manifest, options["only"], show)
        as_of = min((s.scraped_at for s in scrapes), default=_time(manifest["scrapes"][0]))

        self._load_catalogue(seed_dir, manifest, as_of)
        stored: dict[int, bool] = {}  # creator -> something new stored for them
        total = IngestSummary(taken_at=as_of)
        skipped = 0
        for scrape in tqdm(scrapes, desc="scrapes", unit="file", disable=not show):
            main = scrape.result.main_author()
            assert main is not None  # _read_scrapes refuses files without one
            if _already_stored(main.external_id, scrape.scraped_at):
                skipped += 1
                author_id = AuthorSource.objects.get(
                    platform=Platform.TIKTOK, external_id=main.external_id
                ).author_id
                stored.setdefault(author_id, False)
                continue
            summary = scrape_store(
                result=scrape.result, scraped_at=scrape.scraped_at, media_base=seed_dir
            )
            total.add(summary)
            stored[summary.main_author_id] = True
        self.stdout.write(
            f"Scrapes: {len(scrapes) - skipped} stored, {skipped} already there"
            + (f"; {total.describe()}" if len(scrapes) > skipped else "")
        )
        if not options["no_analysis"]:
            self._queue_analysis(stored)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded from {seed_dir}"))
        if not any(seed_dir.is_relative_to(Path(r).resolve()) for r in settings.MEDIA_LOCAL_ROOTS):
            self.stdout.write(
                self.style.WARNING(
                    f"{seed_dir} is outside MEDIA_LOCAL_ROOTS: its media files cannot be analysed"
                )
            )

    # --- Steps --------------------------------------------------------------------------------

    def _manifest(self, seed_dir: Path) -> dict[str, Any]:
        path = seed_dir / "manifest.json"
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file (is --seed-dir the demo folder?)") from None
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: cannot read the manifest: {error}") from None
        missing = [k for k in ("catalogue", "scrapes") if k not in manifest]
        if missing or not manifest["scrapes"]:
            raise CommandError(f"{path}: the manifest lacks {', '.join(missing) or 'scrapes'}")
        return manifest

    def _read_scrapes(
        self, seed_dir: Path, manifest: dict[str, Any], only: list[str] | None, show: bool
    ) -> list[DemoScrape]:
        wanted = {h.lstrip("@").lower() for h in only} if only else None
        entries = [
            e for e in manifest["scrapes"] if wanted is None or e["handle"].lower() in wanted
        ]
        if wanted and not entries:
            raise CommandError(f"no scrapes for {', '.join(sorted(wanted))} in the manifest")
        scrapes = []
        for entry in tqdm(entries, desc="reading", unit="file", disable=not show):
            path = seed_dir / entry["path"]
            try:
                result = parse_scrape_file(path, max_bytes=settings.SCRAPE_MAX_BYTES)
            except ScrapeError as error:
                raise CommandError(
                    str(ScrapeError(error.reason, path=str(path), json_path=error.json_path))
                ) from None
            if result.main_author() is None:
                raise CommandError(f"{path}: the scrape holds no creator")
            scrapes.append(DemoScrape(path, entry["handle"], _time(entry), result))
        return sorted(scrapes, key=lambda s: s.scraped_at)

    def _load_catalogue(self, seed_dir: Path, manifest: dict[str, Any], as_of: datetime) -> None:
        path = seed_dir / manifest["catalogue"]
        flags_name = manifest.get("commercial_music")
        try:
            rows = list(parse_spotify_tracks_csv(path))
            flags = commercial_flags_from_csv(seed_dir / flags_name) if flags_name else None
        except CatalogueError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"cannot read the catalogue: {error}") from None
        loaded = (
            MusicSnapshot.objects.filter(
                taken_at=as_of,
                source__platform=Platform.SPOTIFY,
                source__external_id__in=[row.track_id for row in rows],
            )
            .values("source_id")
            .distinct()
            .count()
        )
        if loaded == len(rows):
            self.stdout.write(f"Catalogue: {len(rows)} tracks already there")
            return
        summary = catalogue_import(rows=rows, commercial=flags, taken_at=as_of)
        self.stdout.write(f"Catalogue: {summary.describe()}")

    def _queue_analysis(self, stored: dict[int, bool]) -> None:
        from musicrec.pipeline import analyze_influencer_enqueue

        analysed = set(
            AuthorAnalysis.objects.filter(author_id__in=stored).values_list("author_id", flat=True)
        )
        waiting = set(
            Job.objects.filter(
                kind=Job.Kind.ANALYZE_INFLUENCER,
                target_type="author",
                target_id__in=[str(pk) for pk in stored],
                status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
            ).values_list("target_id", flat=True)
        )
        queued = []
        for author_id, new_data in stored.items():
            if new_data or (author_id not in analysed and str(author_id) not in waiting):
                queued.append(analyze_influencer_enqueue(author_id=author_id))
        if queued:
            labels = ", ".join(job.target_label for job in queued)
            self.stdout.write(
                f"Analysis queued for {len(queued)} creators ({labels}); "
                "a worker runs it: manage.py qcluster"
            )
        else:
            self.stdout.write("Analysis: every creator is analysed or queued already")


def _time(entry: dict[str, Any]) -> datetime:
    try:
        return datetime.fromisoformat(entry["scraped_at"])
    except (KeyError, TypeError, ValueError):
        raise CommandError(f"manifest entry {entry.get('path')!r}: no valid scraped_at") from None


def _already_stored(author_external_id: str, taken_at: datetime) -> bool:
    return AuthorSnapshot.objects.filter(
        source__platform=Platform.TIKTOK,
        source__external_id=author_external_id,
        taken_at=taken_at,
    ).exists()
