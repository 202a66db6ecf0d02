"""`manage.py analyze_audio PATH [PATH ...] [--json]`: audio features of local files, printed.

For curators and developers checking what the analyser hears in a file (mp3, m4a, ogg, wav, or
the soundtrack of an mp4/webm); nothing is stored. Every readable file is analysed even when an
earlier one fails; the command then exits non-zero naming each failure and its reason.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from musicrec.core.errors import MediaDecodeError

# Printed in this order by the table view; to_dict() carries everything for --json.
_TABLE_FIELDS: tuple[tuple[str, str], ...] = (
    ("duration_s", "duration (s)"),
    ("tempo_bpm", "tempo (BPM)"),
    ("tempo_candidates", "tempo candidates"),
    ("tempo_confidence", "tempo confidence"),
    ("key", "key"),
    ("key_confidence", "key confidence"),
    ("loudness_lufs", "loudness (LUFS)"),
    ("energy", "energy"),
    ("danceability", "danceability"),
    ("valence", "valence"),
    ("arousal", "arousal"),
    ("brightness", "brightness"),
    ("onset_rate", "onsets per s"),
    ("acousticness", "acousticness"),
    ("speechiness", "speechiness"),
    ("moods", "moods"),
)


class Command(BaseCommand):
    help = "Analyse audio files (or video soundtracks) and print tempo, key, loudness and moods."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="audio or video files")
        parser.add_argument(
            "--json", action="store_true", help="one compact JSON object per line, per file"
        )
        parser.add_argument(
            "--max-seconds",
            type=float,
            default=60.0,
            help="analyse at most this many seconds from the start (default 60)",
        )

    def handle(self, *args, **options) -> None:
        # librosa's JIT cache must be writable and shared between runs, or every call recompiles
        os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(settings.BASE_DIR) / ".cache" / "numba"))
        from music.features import analyze_file

        failures: list[str] = []
        for raw_path in options["paths"]:
            started = time.perf_counter()
            try:
                features = analyze_file(raw_path, max_seconds=options["max_seconds"])
            except MediaDecodeError as exc:
                failures.append(str(exc))
                self.stderr.write(self.style.ERROR(f"error: {exc}"))
                continue
            data = {"path": raw_path, **features.to_dict()}
            if options["json"]:
                self.stdout.write(json.dumps(data, separators=(",", ":"), ensure_ascii=False))
            else:
                self._write_table(data, time.perf_counter() - started)
        if failures:
            count = len(failures)
            raise CommandError(
                f"{count} of {len(options['paths'])} file(s) could not be analysed: "
                + "; ".join(failures)
            )

    def _write_table(self, data: dict, seconds: float) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(data["path"]))
        for name, label in _TABLE_FIELDS:
            self.stdout.write(f"  {label:18s} {_format(name, data)}")
        self.stdout.write(f"  {'analysed in':18s} {seconds:.2f} s")
        self.stdout.write("")


def _format(name: str, data: dict) -> str:
    value = data.get(name)
    if value is None:
        return "-"
    if name == "key":
        return f"{value} {data.get('mode') or ''}".strip()
    if name == "tempo_candidates":
        return ", ".join(f"{c:g}" for c in value) or "-"
    if name == "moods":
        ranked = sorted(value.items(), key=lambda item: -item[1])
        return ", ".join(f"{mood} {weight:.2f}" for mood, weight in ranked if weight >= 0.05)
    if name == "brightness":
        return f"{value:.3f} ({data.get('brightness_hz', 0):.0f} Hz centroid)"
    return f"{value:g}" if isinstance(value, float) else str(value)
