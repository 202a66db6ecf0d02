"""Analyse video files from the command line: pace, colour, soundtrack, category and moods.

    python manage.py analyze_video clip.mp4 other.mp4 --caption "new choreo 💃" --hashtags dance,fyp
    python manage.py analyze_video clip.mp4 --json      # one JSON object per file, every field

Nothing is stored: this is for curators checking what the analysis sees in a file, and for
scripts (--json). Unreadable files are reported by name and make the command exit non-zero,
after the readable ones have been printed.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from musicrec.core.descriptors import CATEGORIES
from musicrec.core.errors import MediaDecodeError
from videos.content import VideoContent, analyze_video_file
from videos.services import ANALYSIS_FPS


class Command(BaseCommand):
    help = "Analyse video files (picture, soundtrack, caption) and print what was found."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="video files to analyse")
        parser.add_argument("--caption", default="", help="the video's caption")
        parser.add_argument(
            "--hashtags", default="", help="comma-separated hashtags, with or without #"
        )
        parser.add_argument("--sticker", default="", help="text shown on screen (stickers)")
        # The stored analyses' own frame rate, so the command sees what the pipeline sees.
        parser.add_argument(
            "--fps",
            type=float,
            default=ANALYSIS_FPS,
            help=f"frames sampled per second (default {ANALYSIS_FPS:g})",
        )
        parser.add_argument(
            "--max-seconds", type=float, default=60.0, help="analyse at most this much (60)"
        )
        parser.add_argument("--json", action="store_true", help="one JSON object per file")

    def handle(self, *args, **options) -> None:
        hashtags = [tag.strip() for tag in options["hashtags"].split(",") if tag.strip()]
        failures: list[str] = []
        for path in options["paths"]:
            try:
                content = analyze_video_file(
                    path,
                    caption=options["caption"],
                    hashtags=hashtags,
                    sticker_text=options["sticker"],
                    fps=options["fps"],
                    max_seconds=options["max_seconds"],
                )
            except MediaDecodeError as exc:
                failures.append(str(exc))
                self.stderr.write(f"cannot analyse {exc}")
                continue
            if options["json"]:
                data = {"path": path, **content.to_dict()}
                self.stdout.write(json.dumps(data, ensure_ascii=False))
            else:
                self.stdout.write(summary(path, content))
        if failures:
            raise CommandError(
                f"{len(failures)} of {len(options['paths'])} files could not be analysed: "
                + "; ".join(failures)
            )


def summary(path: str, c: VideoContent) -> str:
    """A few readable lines per file; '–' where a value could not be measured."""
    lines = [f"{Path(path).name}  ({_source(c)})"]
    if c.category:
        lines.append(
            f"  category     {CATEGORIES[c.category.value]} (confidence "
            f"{c.category.confidence:.2f}, from {c.category.source})"
        )
    else:
        lines.append("  category     – (no category cues in the text)")
    if c.frames_analyzed:
        lines.append(
            f"  pace         {c.cuts} cuts ({c.cuts_per_min:.1f}/min), motion {c.motion:.3f}, "
            f"visual pace {c.visual_pace:.2f} ({c.frames_analyzed} frames)"
        )
        lines.append(
            f"  picture      brightness {c.brightness:.2f}, saturation {c.saturation:.2f}, "
            f"colourfulness {c.colourfulness:.1f}, warmth {c.warmth:+.2f}"
        )
    tempo = f"{c.tempo_bpm:.1f} BPM from {c.tempo_source}" if c.tempo_bpm else "tempo –"
    key = f"{c.key} {c.mode}" if c.key else "key –"
    loudness = f"{c.loudness_lufs:.1f} LUFS" if c.loudness_lufs is not None else "loudness –"
    speech = f"speech {c.speech_ratio:.2f}" if c.speech_ratio is not None else "speech –"
    lines.append(f"  sound        {tempo}, {key}, {loudness}, {speech}")
    lines.append(
        "  feel         "
        + ", ".join(
            f"{name} {_num(value)}"
            for name, value in (
                ("energy", c.energy),
                ("valence", c.valence),
                ("arousal", c.arousal),
                ("danceability", c.danceability),
            )
        )
    )
    top = sorted(c.moods.items(), key=lambda kv: -kv[1])[:3]
    lines.append("  moods        " + (", ".join(f"{m} {w:.2f}" for m, w in top) or "–"))
    for error in c.errors:
        lines.append(f"  note         {error}")
    return "\n".join(lines)


def _source(c: VideoContent) -> str:
    parts = [f"{c.duration_s:.1f} s" if c.duration_s else "duration unknown"]
    if c.width and c.height:
        parts.append(f"{c.width}x{c.height}")
    if c.fps:
        parts.append(f"{c.fps:.0f} fps")
    if c.partial:
        parts.append("partial")
    return ", ".join(parts)


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"
