"""`manage.py recommend`: the readable table, the JSON, and errors."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from recommendations.models import RecommendationRun
from recommendations.tests.db_catalogue import add_video_analysis, make_catalogue, make_creator

pytestmark = pytest.mark.django_db


@pytest.fixture
def luna():
    catalogue = make_catalogue(per_kind=4)
    return make_creator("luna.moves", "dance-pop", used=catalogue.tracks["dance-pop"][:1])


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("recommend", *args, stdout=out)
    return out.getvalue()


def test_recommend_prints_a_table_with_reasons(luna):
    text = run_command("@luna.moves", "--limit", "3")
    lines = text.splitlines()
    run = RecommendationRun.objects.get()
    assert lines[0] == f"Recommendations for @luna.moves (profile) - run {run.pk}, 19 candidates"
    assert lines[1].startswith("Weights used: ")
    shown = [float(part.split()[1]) for part in lines[1].removeprefix("Weights used: ").split(", ")]
    assert shown == sorted(shown, reverse=True) and len(shown) >= 5
    item = run.items.select_related("music").get(rank=1)
    row = next(line for line in lines if line.lstrip().startswith("1  "))
    assert f"{item.score:.3f}" in row and item.music.title in row and "gen 1.00" in row
    assert f"- {item.reasons[0]}" in text
    assert sum(1 for line in lines if line.strip().startswith("- ")) >= 6


def test_recommend_with_a_brief_and_business_safe(luna):
    brief = ["--mood", "calm", "--genre", "folk-acoustic"]
    text = run_command("luna.moves", *brief, "--business-safe", "--limit", "2")
    run = RecommendationRun.objects.get()
    assert run.brief["moods"] == ["calm"] and run.brief["genres"] == ["folk-acoustic"]
    assert run.params["filters"]["commercial_only"] is True
    assert text.count("[business-safe]") == 2


def test_recommend_for_a_video_as_json(luna):
    video = luna.videos.get()
    add_video_analysis(video, "edm")
    data = json.loads(run_command("luna.moves", "--video", str(video.pk), "--json"))
    assert data["target_kind"] == "video" and data["video"] == video.pk
    assert len(data["items"]) == 19 and data["items"][0]["reasons"]
    assert data["run"] == RecommendationRun.objects.get().pk


def test_recommend_cold_start_prints_the_notice():
    make_catalogue(per_kind=2)
    make_creator("newbie", None)
    assert "Note: No content analysis for this creator yet" in run_command("newbie")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody"], "no creator with handle 'nobody'"),
        (["luna.moves", "--weights", "tempos:1"], "weights: unknown weight 'tempos'"),
        (["luna.moves", "--weights", "tempo"], "not name:value"),
        (["luna.moves", "--tempo-min", "150", "--tempo-max", "90"], "brief: tempo_min"),
        (["luna.moves", "--video", "999999"], "no video with id 999999"),
        (["luna.moves", "--limit", "0"], "limit: must be between 1 and 100"),
    ],
)
def test_recommend_errors_name_the_problem(luna, args, message):
    with pytest.raises(CommandError, match=message):
        run_command(*args)
