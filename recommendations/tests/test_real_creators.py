"""The recommender on real creators, as CI's guard: the 2025 creators' timelines (no audio),
imported as a user would, must keep the engine above "most popular" in both protocols.

A fast version of bench/bench_recommender_real.py (which prints the full tables): the same data
and code on the test split, the engine and most popular only, asserting the direction, not the
margin, so the test catches an engine that falls to the popularity list without pinning noisy
figures. The temporal comparison is a strict expected failure until the engine wins it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from conftest import skip_or_fail
from recommendations.catalogue_source import caches_clear, engine_data
from recommendations.services.evaluation import PROTOCOLS, protocol_cases, stored_data
from recommendations.services.evaluation.methods import baseline_methods, engine_method

pytestmark = pytest.mark.django_db

DEV_CREATORS = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "tiktok-creators-2025-dev"
    / "user_videos.csv"
)  # fmt: skip


@pytest.fixture
def creators():
    if not DEV_CREATORS.exists():
        skip_or_fail(f"{DEV_CREATORS} is not on this machine (shared/ data sets absent)")
    caches_clear()
    call_command("import_tiktok", str(DEV_CREATORS), verbosity=0)
    yield
    caches_clear()


@pytest.fixture
def found(creators):
    """Per protocol and target kind, how many test-split cases the engine and most popular find
    in their top 10 (the weights were learnt on the validation split)."""
    data = stored_data(engine_data().arrays)
    engine, popular = engine_method(None, 10), baseline_methods(10)["most popular"]
    out = {}
    for protocol in PROTOCOLS:
        cases = [c for c in protocol_cases(data, protocol) if c.split == "test"]
        assert len({c.author_id for c in cases}) > 80, protocol
        for target in ("author", "video"):
            group = [c for c in cases if c.kind == target]
            out[protocol, target] = {
                name: sum(bool(c.relevant & set(method(c))) for c in group)
                for name, method in (("engine", engine), ("most popular", popular))
            }
    return out


def test_the_engine_beats_most_popular_leaving_one_track_out(found):
    for target in ("author", "video"):
        counts = found["leave-one-out", target]
        assert counts["engine"] > counts["most popular"], (target, counts)


@pytest.mark.xfail(
    strict=True,
    reason="Measured: on the test split no method finds any of the 102 creators' next new "
    "sounds (engine 0, most popular 0; 1 to 3 in 91 on the validation split): too few of them "
    "were used by anyone before (docs/evaluation.md). Strict: it fails as soon as the engine "
    "finds more than most popular, so this mark is then removed.",
)
def test_the_engine_beats_most_popular_as_of_each_creators_moment(found):
    for target in ("author", "video"):
        counts = found["temporal", target]
        assert counts["engine"] > counts["most popular"], (target, counts)
