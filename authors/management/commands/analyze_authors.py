"""`manage.py analyze_authors [HANDLE ...] [--json]`: compute and store profile analyses now."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from tqdm import tqdm

from authors import selectors, services
from authors.api.serializers import AuthorAnalysisSerializer
from authors.models import Author, AuthorAnalysis


def _label(author: Author) -> str:
    handle = getattr(author, "handle", None)
    return f"@{handle}" if handle else author.name


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.2f} %"


def _summary(author: Author, analysis: AuthorAnalysis) -> str:
    reason = analysis.metrics.get("status_label", "")
    per_week = analysis.videos_per_week
    return (
        f"{_label(author)}: {analysis.get_status_display().lower()}"
        + (f" ({reason})" if reason and reason != "ok" else "")
        + f"; {analysis.videos_analysed} videos"
        + f"; engagement by views {_percent(analysis.engagement_rate_by_views)}"
        + f"; {'n/a' if per_week is None else f'{per_week:g}'} videos/week"
        + f"; tier {analysis.tier or 'n/a'}"
    )


class Command(BaseCommand):
    help = (
        "Compute and store the profile analysis of the given creators (TikTok handles, '@' "
        "optional), or of every creator when no handle is given. A progress bar goes to stderr; "
        "with --json, stdout carries one compact JSON object per creator, as the API serves it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("handles", nargs="*", metavar="HANDLE", help="Creator handles.")
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="Print each stored analysis as one JSON object per line (API field names).",
        )

    def handle(self, *args: Any, handles: list[str], as_json: bool, **options: Any) -> None:
        authors = self._authors(handles)
        # The raw streams, not Django's OutputWrapper: the bar redraws a line with "\r" and the
        # wrapper would end every redraw with a newline.
        out = options.get("stdout") or sys.stdout
        err = options.get("stderr") or sys.stderr
        failures: list[str] = []
        with tqdm(total=len(authors), file=err, unit="creator", desc="Profile analysis") as bar:
            for author in authors:
                bar.set_postfix_str(_label(author), refresh=False)
                try:
                    analysis = services.author_analyze(author_id=author.pk)
                except Exception as exc:
                    failures.append(_label(author))
                    tqdm.write(f"{_label(author)}: failed: {type(exc).__name__}: {exc}", file=err)
                else:
                    line = (
                        json.dumps(
                            AuthorAnalysisSerializer(analysis).data,
                            cls=DjangoJSONEncoder,
                            ensure_ascii=False,
                            separators=(",", ":"),
                        )
                        if as_json
                        else _summary(author, analysis)
                    )
                    tqdm.write(line, file=out)
                bar.update(1)
        if failures:
            raise CommandError(
                f"{len(failures)} of {len(authors)} analyses failed: {', '.join(failures)}"
            )
        if not as_json:
            tqdm.write(f"Analysed {len(authors)} creator(s).", file=out)

    def _authors(self, handles: list[str]) -> list[Author]:
        """The creators to analyse, in the order given, each once; unknown handles are an error
        before any work is done."""
        if not handles:
            return list(selectors.author_list(is_creator=True, ordering=("name", "pk")))
        found: dict[int, Author] = {}
        unknown: list[str] = []
        for handle in handles:
            author = selectors.author_get_by_handle(handle)
            if author is None:
                unknown.append(f"@{selectors.normalise_handle(handle)}")
            else:
                found.setdefault(author.pk, author)
        if unknown:
            raise CommandError(f"Unknown handle(s): {', '.join(unknown)}")
        return list(found.values())
