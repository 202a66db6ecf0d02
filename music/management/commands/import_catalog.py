"""`manage.py import_catalog tracks.csv [--commercial flags.csv]`: load the music catalogue."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from music.catalogue_csv import CatalogueError, parse_spotify_tracks_csv
from music.services.catalogue_import import catalogue_import, commercial_flags_from_csv


class Command(BaseCommand):
    help = (
        "Import a Spotify tracks dataset CSV (track_id, artists, album_name, track_name, "
        "popularity, the audio features, track_genre) as the recommendable catalogue. "
        "Every row is validated first: one bad cell stops the import and nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", type=Path, help="Spotify tracks dataset CSV.")
        parser.add_argument(
            "--commercial",
            type=Path,
            help="CSV of track_id,commercial_ok: which tracks are cleared for business use.",
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["csv"]
        flags_path: Path | None = options["commercial"]
        for candidate in filter(None, (path, flags_path)):
            if not candidate.is_file():
                raise CommandError(f"{candidate}: no such file")
        try:
            rows = list(parse_spotify_tracks_csv(path))
            flags = commercial_flags_from_csv(flags_path) if flags_path else None
        except CatalogueError as error:
            raise CommandError(str(error)) from None
        except (UnicodeDecodeError, OSError) as error:
            raise CommandError(f"{path.name}: cannot read the file: {error}") from None
        show = options["verbosity"] > 0
        with tqdm(total=100, desc="catalogue", unit="%", disable=not show) as bar:

            def progress(percent: int, message: str) -> None:
                bar.set_postfix_str(message[:40])
                bar.update(max(0, percent - bar.n))

            summary = catalogue_import(rows=rows, commercial=flags, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {summary.describe()}"))
        if summary.commercial_unmatched and options["verbosity"] > 1:
            self.stdout.write("Not in the catalogue: " + ", ".join(summary.commercial_unmatched))
