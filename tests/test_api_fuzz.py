"""schemathesis against the running API: no server error, every answer documented and shaped as
the schema says, whatever a generated request holds.

The live server serves the demo data (creators analysed, so every read has something to show)
on the configured database: PostgreSQL in CI (`.ci/run` sets DATABASE_URL), SQLite locally.
schemathesis runs twice from the command line, as an admin (every permission, so every action
reaches its logic) and anonymously, through all four phases (schema examples, coverage of
boundaries and wrong types, random fuzzing, and stateful chains that follow the schema's links
from lists to rows and from `recommend-music` to its run and to feedback on its items). The
seed is fixed, so a failure replays; the run is bounded to about 3,000 generated cases (at
least 1,000 are required), a couple of minutes on two cores.
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

from conftest import make_user
from recommendations.models import Feedback

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMATHESIS = Path(sys.executable).with_name("st")
SEED = 14
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
PHASES = "examples,coverage,fuzzing,stateful"
MIN_CASES = 1_000


@pytest.fixture
def fuzz_token(live_server, django_user_model, settings, tmp_path) -> str:
    """The demo data, its creators analysed, and an admin's API token.

    Re-analysing a video or a track runs in the request (tasks are synchronous in tests); with
    no media folder allowed the analysis ends "unavailable" at once instead of decoding files.
    """
    call_command("load_demo", "--no-analysis", verbosity=0)
    call_command("analyze_authors", verbosity=0)
    settings.MEDIA_LOCAL_ROOTS = [tmp_path / "no-media"]
    admin = make_user(django_user_model, "fuzzer", "admin")
    return Token.objects.create(user=admin).key


def schemathesis(
    base_url: str, workdir: Path, name: str, *, max_examples: int, headers: list[str]
) -> tuple[dict[str, Any], str]:
    report = workdir / f"{name}.json"
    command = [
        str(SCHEMATHESIS), "run", f"{base_url}/api/schema/?format=json",
        "--checks", CHECKS, "--phases", PHASES, "--seed", str(SEED),
        "--max-examples", str(max_examples), "--workers", "2",
        "--generation-database", "none", "--request-timeout", "60", "--no-color",
        "--report", "json", "--report-json-path", str(report),
        *(part for header in headers for part in ("--header", header)),
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=workdir, capture_output=True, text=True, timeout=1200, check=False
    )
    output = done.stdout + done.stderr
    assert report.exists(), output[-3000:]
    return json.loads(report.read_text()), output


def check_run(report: dict[str, Any], output: str) -> None:
    assert report["failures"] == [] and report["errors"] == [], output[-6000:]
    assert report["exit_code"] == 0, output[-6000:]
    assert report["complete"], output[-3000:]
    assert {name: phase["status"] for name, phase in report["phases"].items()} == {
        "examples": "success",
        "coverage": "success",
        "fuzzing": "success",
        "stateful": "success",
    }, output[-3000:]
    assert report["operations"]["tested"] == report["operations"]["total"] >= 20


def test_the_api_answers_generated_requests_as_its_schema_says(live_server, fuzz_token, tmp_path):
    admin, admin_output = schemathesis(
        live_server.url,
        tmp_path,
        "admin",
        max_examples=10,
        headers=[f"Authorization: Token {fuzz_token}"],
    )
    anonymous, anonymous_output = schemathesis(
        live_server.url, tmp_path, "anonymous", max_examples=2, headers=[]
    )
    check_run(admin, admin_output)
    check_run(anonymous, anonymous_output)

    generated = admin["test_cases"]["generated"] + anonymous["test_cases"]["generated"]
    print(
        f"schemathesis: {admin['test_cases']['generated']} cases as an admin in "
        f"{admin['running_time']:.0f} s, {anonymous['test_cases']['generated']} anonymous in "
        f"{anonymous['running_time']:.0f} s; 0 failures"
    )
    assert generated >= MIN_CASES
    # The stateful phase followed recommend-music's links as far as feedback on an item.
    assert Feedback.objects.exists(), admin_output[-3000:]
    assert (
        "POST /api/v1/recommendations/{run}/items/{id}/feedback"
        not in (admin["warnings"]["missing_test_data"])
    )
