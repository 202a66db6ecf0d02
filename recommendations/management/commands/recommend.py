"""`manage.py recommend HANDLE`: recommend tracks for a creator from the command line."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from musicrec.core.descriptors import GENRE_KEYS, MOOD_KEYS
from recommendations import selectors, services
from recommendations.api.serializers import RecommendationRunSerializer, parse_weights_text
from recommendations.engine import MAX_LIMIT

COMPONENT_ABBREVIATIONS = {
    "tempo": "tmp",
    "mood": "mood",
    "genre": "gen",
    "energy": "nrg",
    "popularity": "pop",
    "trend": "trd",
    "momentum": "mom",
    "collaborative": "col",
    "topic": "top",
    "tier_fit": "tier",
    "kept_similarity": "kept",
    "history": "hist",
}


class Command(BaseCommand):
    help = (
        "Recommend tracks for a creator (by handle), optionally for one of their videos and a "
        "brief (--mood, --genre, --tempo-min/--tempo-max, --energy, --note). Stores the run like "
        "the API does and prints a table with reasons, or the API's JSON with --json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("handle", help="The creator's handle (with or without @).")
        parser.add_argument("--video", type=int, help="Recommend for this video of theirs.")
        parser.add_argument(
            "--mood", action="append", default=[], choices=MOOD_KEYS, help="Brief mood (repeat)."
        )
        parser.add_argument(
            "--genre", action="append", default=[], choices=GENRE_KEYS, help="Brief genre."
        )
        parser.add_argument("--tempo-min", type=float, help="Brief tempo range, BPM.")
        parser.add_argument("--tempo-max", type=float)
        parser.add_argument("--energy", type=float, help="Brief energy, 0-1.")
        parser.add_argument("--note", default="", help='Brief free text, e.g. "chill summer".')
        parser.add_argument("--weights", default="", help="e.g. tempo:0.3,mood:0.2")
        parser.add_argument("--limit", type=int, default=20, help=f"1-{MAX_LIMIT} (default 20).")
        parser.add_argument(
            "--include-used", action="store_true", help="Allow tracks they already used."
        )
        parser.add_argument(
            "--business-safe", action="store_true", help="Only tracks cleared for business use."
        )
        parser.add_argument("--json", action="store_true", help="Print the API's JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        author = selectors.author_for_recommendation(handle=options["handle"])
        if author is None:
            raise CommandError(f"no creator with handle '{options['handle']}'")
        brief = {
            "moods": options["mood"],
            "genres": options["genre"],
            "tempo_min": options["tempo_min"],
            "tempo_max": options["tempo_max"],
            "energy": options["energy"],
            "note": options["note"],
        }
        try:
            run = services.recommendation_generate(
                author_id=author.pk,
                video_id=options["video"],
                brief=brief,
                weights=parse_weights_text(options["weights"]),
                limit=options["limit"],
                include_used=options["include_used"],
                filters={"commercial_only": options["business_safe"]},
            )
        except ValidationError as exc:
            raise CommandError("; ".join(_messages(exc))) from None
        except (ValueError, services.TargetMissing) as exc:
            raise CommandError(str(exc)) from None
        data = RecommendationRunSerializer(selectors.run_get(run.pk)).data
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str))
            return
        self.stdout.write(format_run(data, handle=author.handle or author.name))


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {' '.join(m)}" for field, m in exc.message_dict.items()]
    return list(exc.messages)


def format_run(data: dict[str, Any], *, handle: str) -> str:
    """A readable table: rank, score, track, the component scores, then each reason."""
    target = {"author": "profile", "video": f"video {data['video']}", "brief": "brief"}
    lines = [
        f"Recommendations for @{handle} ({target.get(data['target_kind'], data['target_kind'])}) "
        f"- run {data['run']}, {data['candidates']} candidates",
        # Heaviest first: the order a reader cares about, and stable whatever order the
        # database returns JSON keys in (PostgreSQL's jsonb reorders them).
        "Weights used: "
        + ", ".join(
            f"{k} {v:.2f}"
            for k, v in sorted(data["effective_weights"].items(), key=lambda kv: (-kv[1], kv[0]))
        ),
    ]
    lines += [f"Note: {notice}" for notice in data["notices"]]
    if not data["items"]:
        lines.append("No tracks to recommend.")
        return "\n".join(lines)
    width = max(len(_track(item)) for item in data["items"])
    width = min(max(width, 20), 60)
    lines.append("")
    lines.append(f"{'#':>3}  {'score':>5}  {'track':<{width}}  components")
    for item in data["items"]:
        parts = " ".join(
            f"{COMPONENT_ABBREVIATIONS.get(k, k)} {v:.2f}" for k, v in item["components"].items()
        )
        business = "" if item["music"]["commercial_ok"] is not True else "  [business-safe]"
        lines.append(
            f"{item['rank']:>3}  {item['score']:.3f}  {_track(item)[:width]:<{width}}  "
            f"{parts}{business}"
        )
        lines += [f"{'':>12}- {reason}" for reason in item["reasons"]]
    return "\n".join(lines)


def _track(item: dict[str, Any]) -> str:
    music = item["music"]
    return f"{music['title']} — {music['artist']}" if music["artist"] else music["title"]
