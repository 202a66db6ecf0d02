"""README's recommendation-quality table, written from `evaluate_recommender --json` (not a test).

The README's headline table must not drift from what the command measures, so it is generated:
run the command on each database and give its JSON here, labelled. Per data set, protocol and
target: the engine's HitRate@10 with its 95 % interval, most popular's, and the best other
baseline (temporal rows of generated sets are left out: a handful of cases per half).

Run:
  DATABASE_URL=sqlite:///creators.sqlite3 manage.py evaluate_recommender --protocol both --json \
      > real.json
  .venv/bin/python bench/quality_table.py "real creators=real.json" "demo (seed 7)=demo.json" \
      "seed 8=seed8.json" --real "real creators"
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

TARGETS = {"author": "creator", "video": "video"}
PROTOCOLS = {"leave-one-out": "leave one out", "temporal": "temporal"}


def rows(label: str, report: dict, *, real: bool) -> list[str]:
    out = []
    for protocol in report["protocols"]:
        if protocol["protocol"] == "temporal" and not real:
            continue
        for target, name in TARGETS.items():
            found = {r["method"]: r for r in protocol["results"] if r["target"] == target}
            if not found:
                continue
            engine, popular = found["engine"], found["most popular"]
            others = [r for method, r in found.items() if method != "engine"]
            best = max(others, key=lambda r: (r["hit_rate@10"], r["method"] != "most popular"))

            def rate(r: dict) -> str:
                return (
                    f"{r['hit_rate@10']:.3f} ({r['hit_rate@10_ci_low']:.3f}–"
                    f"{r['hit_rate@10_ci_high']:.3f})"
                )

            best_text = f"{best['method']} {best['hit_rate@10']:.3f}"
            if best["hit_rate@10"] == 0:
                best_text = "every baseline 0.000"
            out.append(
                f"| {label} | {PROTOCOLS[protocol['protocol']]} | {name} | "
                f"{int(engine['cases']):,} | **{rate(engine)}** | {rate(popular)} | {best_text} |"
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", metavar="LABEL=FILE")
    parser.add_argument("--real", action="append", default=[], help="Labels of real data sets.")
    args = parser.parse_args()
    lines = [
        "| data | protocol | target | cases | engine HitRate@10 (95 % CI) | most popular | "
        "best other baseline |",
        "|---|---|---|---|---|---|---|",
    ]
    for item in args.reports:
        label, _, path = item.partition("=")
        report = json.loads(Path(path).read_text(encoding="utf-8"))
        lines += rows(label, report, real=label in args.real)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
