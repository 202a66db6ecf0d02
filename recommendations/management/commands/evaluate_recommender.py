"""`manage.py evaluate_recommender`: how well the engine finds tracks creators really used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations.api.serializers import parse_weights_text
from recommendations.services.evaluation import (
    LEAVE_ONE_OUT,
    MIN_VIDEOS,
    PROTOCOLS,
    EvaluationReport,
    ProtocolReport,
    recommender_cases_export,
    recommender_evaluate,
)

PROTOCOL_CHOICES = (*PROTOCOLS, "both")
TITLES = {
    "leave-one-out": "Leave-one-track-out",
    "temporal": "Temporal (each creator's last videos, as of then)",
}

COLUMNS = (
    ("cases", "cases", "{:>5.0f}"),
    ("hit_rate@{k}", "HitRate@{k}", "{:>10.3f}"),
    ("ndcg@{k}", "nDCG@{k}", "{:>8.3f}"),
    ("mrr@{k}", "MRR@{k}", "{:>7.3f}"),
    ("coverage@{k}", "coverage", "{:>8.3f}"),
    ("intra_list_diversity", "diversity", "{:>9.3f}"),
    ("novelty_bits", "novelty", "{:>7.2f}"),
)


class Command(BaseCommand):
    help = (
        "Evaluate the recommender on the stored data. Leave-one-track-out (default): for each "
        "creator with at least 3 videos on catalogue tracks, hide each track they used and rank "
        "the catalogue for them and for each hidden video. Temporal (--protocol temporal): for "
        "each creator, rank as of the moment before their last 20%% of videos, seeing only what "
        "was posted before it, and find the new tracks those videos used. Reports HitRate, "
        "nDCG, MRR, coverage, intra-list diversity and novelty for the engine and the baselines "
        "(most popular, most popular in the last 28 days, most frequent attribute, item-kNN, "
        "random) on the test split."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--k", type=int, default=10, help="List length (default 10).")
        parser.add_argument(
            "--protocol",
            choices=PROTOCOL_CHOICES,
            default=LEAVE_ONE_OUT,
            help="Evaluation protocol (default leave-one-out; both: one table each).",
        )
        parser.add_argument(
            "--search",
            action="store_true",
            help="Search the weights on the validation split first and print the trace.",
        )
        parser.add_argument(
            "--split",
            choices=("test", "validation", "all"),
            default="test",
            help="Cases to report.",
        )
        parser.add_argument("--weights", default="", help="Engine weights, e.g. tempo:0.3,trend:0")
        parser.add_argument(
            "--min-videos", type=int, default=MIN_VIDEOS, help="Videos on catalogue tracks."
        )
        parser.add_argument("--json", action="store_true", help="Print the table as JSON.")
        parser.add_argument(
            "--markdown",
            action="store_true",
            help="Print the tables as Markdown (what README and docs/evaluation.md show).",
        )
        parser.add_argument(
            "--export-cases",
            type=Path,
            metavar="FILE",
            help="Write this database's evaluation inputs to FILE (JSON) and stop.",
        )
        parser.add_argument(
            "--search-also",
            type=Path,
            nargs="+",
            default=[],
            metavar="FILE",
            help="With --search: add the validation cases of these exports to the search.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["k"] < 1 or options["k"] > 100:
            raise CommandError("--k must be between 1 and 100")
        protocol = options["protocol"]
        protocols = PROTOCOLS if protocol == "both" else (protocol,)
        if options["export_cases"]:
            export = recommender_cases_export(protocols=protocols, min_videos=options["min_videos"])
            options["export_cases"].write_text(json.dumps(export), encoding="utf-8")
            self.stdout.write(f"Wrote {len(export['cases'])} cases to {options['export_cases']}")
            return
        if options["search_also"] and not options["search"]:
            raise CommandError("--search-also needs --search")
        exports = []
        for path in options["search_also"]:
            try:
                exports.append(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError) as exc:
                raise CommandError(f"{path}: {exc}") from None
        try:
            report = recommender_evaluate(
                protocols=protocols,
                k=options["k"],
                split=options["split"],
                search=options["search"],
                search_also=exports,
                weights=parse_weights_text(options["weights"]) or None,
                min_videos=options["min_videos"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
            return
        if options["markdown"]:
            self.stdout.write(format_markdown(report))
            return
        if report.search is not None:
            k = report.k
            self.stdout.write(
                f"Weight search on the validation split of {1 + len(exports)} data set(s) "
                f"({', '.join(protocols)}), score (HitRate@{k} + nDCG@{k}) / 2:"
            )
            self.stdout.write(report.search.format_trace())
            best = ", ".join(f"{k} {v:g}" for k, v in report.search.best_weights.items())
            self.stdout.write(f"Best weights: {best}\n")
        self.stdout.write(format_report(report))


def format_report(report: EvaluationReport) -> str:
    lines = [
        f"Engine weights, {kind} (cases {'with' if kind == 'content-led' else 'without'} a "
        "content profile): " + ", ".join(f"{n} {w:.2f}" for n, w in weights.items() if w)
        for kind, weights in report.weights.items()
    ]
    for protocol in report.protocols:
        lines += ["", *format_protocol(protocol, report.k, report.split)]
    return "\n".join(lines)


def format_protocol(report: ProtocolReport, k: int, split: str) -> list[str]:
    counts = ", ".join(f"{n} {kind} cases" for kind, n in report.case_counts.items())
    lines = [
        f"{TITLES[report.protocol]}, {split} split: {report.creators} creators, {counts}, k = {k}",
    ]
    header = (
        f"{'target':<7} {'method':<27} "
        + " ".join(title.format(k=k).rjust(len(fmt.format(0))) for _, title, fmt in COLUMNS)
        + f" {'HitRate 95% CI':>15}"
    )
    lines.append(header)
    lines.append("-" * len(header))
    previous = None
    for result in report.results:
        if previous is not None and result.target != previous:
            lines.append("")
        previous = result.target
        m = result.metrics
        cells = " ".join(fmt.format(m[key.format(k=k)]) for key, _, fmt in COLUMNS)
        interval = f"{m[f'hit_rate@{k}_ci_low']:.3f}-{m[f'hit_rate@{k}_ci_high']:.3f}"
        lines.append(f"{result.target:<7} {result.method:<27} {cells} {interval:>15}")
    if not report.results:
        lines.append("No cases: no creator has enough videos on catalogue tracks.")
    return lines


def format_markdown(report: EvaluationReport) -> str:
    """The tables as Markdown: engine rows in bold, HitRate and nDCG with their intervals."""
    k = report.k
    lines: list[str] = []
    for protocol in report.protocols:
        counts = ", ".join(f"{n} {kind} cases" for kind, n in protocol.case_counts.items())
        lines += [
            f"{TITLES[protocol.protocol]}, {report.split} split: {protocol.creators} creators, "
            f"{counts}",
            "",
            f"| target | method | HitRate@{k} (95 % CI) | nDCG@{k} (95 % CI) | MRR@{k} | coverage "
            "| diversity | novelty (bits) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in protocol.results:
            m = r.metrics
            bold = "**" if r.method == "engine" else ""
            hit = (
                f"{bold}{m[f'hit_rate@{k}']:.3f}{bold} ({m[f'hit_rate@{k}_ci_low']:.3f}–"
                f"{m[f'hit_rate@{k}_ci_high']:.3f})"
            )
            ndcg = (
                f"{bold}{m[f'ndcg@{k}']:.3f}{bold} ({m[f'ndcg@{k}_ci_low']:.3f}–"
                f"{m[f'ndcg@{k}_ci_high']:.3f})"
            )
            lines.append(
                f"| {r.target} | {bold}{r.method}{bold} | {hit} | {ndcg} | "
                f"{m[f'mrr@{k}']:.3f} | {m[f'coverage@{k}']:.3f} | "
                f"{m['intra_list_diversity']:.3f} | {m['novelty_bits']:.2f} |"
            )
        lines.append("")
    return "\n".join(lines)
