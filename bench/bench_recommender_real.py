"""The recommender on real creators: both evaluation protocols on the 2025 creators (not a test).

Imports ../shared/data/tiktok-creators-2025-dev/user_videos.csv (290 real creators' timelines,
no audio) into a fresh SQLite database with `import_tiktok`, exactly as a user would, then runs
`evaluate_recommender --protocol both` on the test and the validation split and prints the
tables, each step's time and the headline ratios (engine against most popular). The weights were
learnt on the validation split; the test split is what the README reports.

Run: .venv/bin/python bench/bench_recommender_real.py [--csv PATH] [--keep DB]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CSV = ROOT.parent / "shared" / "data" / "tiktok-creators-2025-dev" / "user_videos.csv"


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def headline(report: dict, split: str) -> list[str]:
    lines = []
    for protocol in report["protocols"]:
        for target in ("author", "video"):
            rows = {r["method"]: r for r in protocol["results"] if r["target"] == target}
            if not rows:
                continue
            engine, popular = rows["engine"], rows["most popular"]
            best_other = max(
                (r for name, r in rows.items() if name != "engine"), key=lambda r: r["hit_rate@10"]
            )
            ratio = engine["hit_rate@10"] / popular["hit_rate@10"] if popular["hit_rate@10"] else 0
            separated = engine["hit_rate@10_ci_low"] > popular["hit_rate@10_ci_high"]
            lines.append(
                f"{split:<10} {protocol['protocol']:<13} {target:<6} engine "
                f"{engine['hit_rate@10']:.3f} ({engine['hit_rate@10_ci_low']:.3f}-"
                f"{engine['hit_rate@10_ci_high']:.3f}) vs most popular "
                f"{popular['hit_rate@10']:.3f} "
                f"({popular['hit_rate@10_ci_low']:.3f}-{popular['hit_rate@10_ci_high']:.3f}): "
                f"{ratio:.2f}x, intervals {'apart' if separated else 'overlap'}; best baseline "
                f"{best_other['method']} {best_other['hit_rate@10']:.3f}"
            )
    return lines


def table(report: dict) -> list[str]:
    lines = []
    for protocol in report["protocols"]:
        counts = ", ".join(f"{n} {kind}" for kind, n in protocol["cases"].items())
        lines.append(f"{protocol['protocol']}: {protocol['creators']} creators, {counts} cases")
        for r in protocol["results"]:
            lines.append(
                f"  {r['target']:<6} {r['method']:<27} HitRate@10 {r['hit_rate@10']:.3f} "
                f"({r['hit_rate@10_ci_low']:.3f}-{r['hit_rate@10_ci_high']:.3f})  nDCG@10 "
                f"{r['ndcg@10']:.3f}  MRR@10 {r['mrr@10']:.3f}  coverage {r['coverage@10']:.3f}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--keep", type=Path, help="Keep the database at this path.")
    args = parser.parse_args()
    if not args.csv.exists():
        sys.exit(f"{args.csv} not found (the real creators are in ../shared/data)")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        database = args.keep or Path(tmp) / "creators.sqlite3"
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_DEBUG": "true",
            "NUMBA_CACHE_DIR": os.environ.get("NUMBA_CACHE_DIR", str(ROOT / ".cache" / "numba")),
        }
        t0 = time.perf_counter()
        manage("migrate", "--no-input", "-v", "0", env=env)
        print(f"migrate: {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        print(manage("import_tiktok", str(args.csv), "-v", "1", env=env).strip().splitlines()[0])
        print(f"import: {time.perf_counter() - t0:.1f} s")
        summary = []
        for split in ("test", "validation"):
            t0 = time.perf_counter()
            report = json.loads(
                manage(
                    "evaluate_recommender",
                    "--protocol",
                    "both",
                    "--split",
                    split,
                    "--json",
                    env=env,
                )  # fmt: skip
            )
            print(f"\nevaluation, {split} split: {time.perf_counter() - t0:.1f} s")
            print("\n".join(table(report)))
            summary += headline(report, split)
    print("\nReal creators, HitRate@10 with 95 % intervals:")
    print("\n".join(summary))
    print(f"\ntotal: {time.perf_counter() - started:.0f} s  (target < 300 s)")


if __name__ == "__main__":
    main()
