"""schemathesis against the running API: no server error, every answer documented and shaped as
the schema says, whatever a generated request holds.

The live server serves the demo data (creators analysed, so every read has something to show)
on the configured database: PostgreSQL in CI (`.ci/run` sets DATABASE_URL), SQLite locally.
schemathesis runs twice from the command line, as an admin (every permission, so every action
reaches its logic) and anonymously, through all four phases (schema examples, coverage of
boundaries and wrong types, random fuzzing, and stateful chains that follow the schema's links
from lists to rows and from `recommend-music` to its run and to feedback on its items). The
seed is fixed, so a failure replays; the run is bounded to about 4,500 generated cases (at
least 1,000 are required), about three minutes on two cores.

Random creator ids and handles rarely name a stored creator, and feedback needs a run made for
one, so half the generated `recommend-music` bodies take their `author` from the demo's
creators (a schemathesis dictionary), and a third, stateful-only run follows
`recommend-music` -> feedback on its own, so the chain is walked on every run, not by luck.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from authors.models import AuthorSource
from conftest import make_user
from recommendations.models import Feedback

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMATHESIS = Path(sys.executable).with_name("st")
SEED = 14
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
PHASES_RUN = ("examples", "coverage", "fuzzing", "stateful")
CHAIN = ("recommend_music", "recommendation_run", "recommendation_feedback")
MIN_CASES = 1_000


@pytest.fixture
def fuzz_token(live_server, django_user_model, settings, tmp_path) -> str:
    """The demo data, its creators analysed, an admin's API token, and schemathesis's config.

    Re-analysing a video or a track runs in the request (tasks are synchronous in tests); with
    no media folder allowed the analysis ends "unavailable" at once instead of decoding files.
    """
    call_command("load_demo", "--no-analysis", verbosity=0)
    call_command("analyze_authors", verbosity=0)
    settings.MEDIA_LOCAL_ROOTS = [tmp_path / "no-media"]
    creators = [
        *AuthorSource.objects.exclude(handle="").values_list("handle", flat=True),
        *(str(pk) for pk in AuthorSource.objects.values_list("author_id", flat=True)),
    ]
    config = (
        f"[dictionaries.creators]\nvalues = {json.dumps(sorted(set(creators)))}\n\n"
        '[[operations]]\ninclude-operation-id = "recommend_music"\n\n'
        '[operations.parameters]\n"body.author" = { dictionary = "creators", probability = 0.5 }\n'
    )
    (tmp_path / "schemathesis.toml").write_text(config)
    (tmp_path / "chain.toml").write_text(
        "[phases.stateful.generation]\nmax-examples = 40\n\n" + config
    )
    admin = make_user(django_user_model, "fuzzer", "admin")
    return Token.objects.create(user=admin).key


def schemathesis(
    base_url: str,
    workdir: Path,
    name: str,
    *,
    max_examples: int,
    headers: list[str],
    config: str = "schemathesis.toml",
    options: tuple[str, ...] = ("--phases", ",".join(PHASES_RUN)),
) -> tuple[dict[str, Any], str]:
    report = workdir / f"{name}.json"
    command = [
        str(SCHEMATHESIS), "--config-file", str(workdir / config),
        "run", f"{base_url}/api/schema/?format=json",
        "--checks", CHECKS, "--seed", str(SEED),
        # One worker: Python 3.11.7's ast.parse keeps its recursion depth per process, so two
        # threads of Hypothesis describing lambdas at once can fail with "SystemError: AST
        # constructor recursion depth mismatch" (seen once in CI), a tool error, not ours.
        "--max-examples", str(max_examples), "--workers", "1",
        "--generation-database", "none", "--request-timeout", "60", "--no-color",
        "--report", "json", "--report-json-path", str(report),
        *(part for header in headers for part in ("--header", header)), *options,
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=workdir, capture_output=True, text=True, timeout=1200, check=False
    )
    output = done.stdout + done.stderr
    assert report.exists(), output[-3000:]
    return json.loads(report.read_text()), output


def check_run(report: dict[str, Any], output: str, phases: tuple[str, ...] = PHASES_RUN) -> None:
    assert report["failures"] == [] and report["errors"] == [], output[-6000:]
    assert report["exit_code"] == 0, output[-6000:]
    assert report["complete"], output[-3000:]
    statuses = {name: phase["status"] for name, phase in report["phases"].items()}
    assert {name: statuses.get(name) for name in phases} == dict.fromkeys(phases, "success")
    assert report["operations"]["tested"] == report["operations"]["selected"]


def test_the_api_answers_generated_requests_as_its_schema_says(live_server, fuzz_token, tmp_path):
    token = f"Authorization: Token {fuzz_token}"
    admin, admin_output = schemathesis(
        live_server.url, tmp_path, "admin", max_examples=10, headers=[token]
    )
    anonymous, anonymous_output = schemathesis(
        live_server.url, tmp_path, "anonymous", max_examples=2, headers=[]
    )
    check_run(admin, admin_output)
    check_run(anonymous, anonymous_output)
    assert admin["operations"]["tested"] >= 20

    feedback_before = Feedback.objects.count()
    chain, chain_output = schemathesis(
        live_server.url,
        tmp_path,
        "chain",
        max_examples=10,
        headers=[token],
        config="chain.toml",
        options=("--phases", "stateful",
                 *(part for op in CHAIN for part in ("--include-operation-id", op))),
    )  # fmt: skip
    check_run(chain, chain_output, phases=("stateful",))

    runs = {"admin": admin, "anonymous": anonymous, "recommend-feedback chain": chain}
    print(
        "schemathesis: "
        + "; ".join(
            f"{name} {report['test_cases']['generated']} cases in {report['running_time']:.0f} s"
            for name, report in runs.items()
        )
        + "; 0 failures"
    )
    assert sum(report["test_cases"]["generated"] for report in runs.values()) >= MIN_CASES
    # The stateful chain reached feedback on items of the runs recommend-music made.
    assert Feedback.objects.count() > feedback_before, chain_output[-3000:]
