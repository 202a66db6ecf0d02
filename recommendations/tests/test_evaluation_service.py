"""The offline evaluation on stored data: cases without leakage, baselines, search, command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Max

from authors.analysis import analyze_author, video_engagement_rate
from authors.models import Author, AuthorSnapshot
from authors.services import author_analyze, author_inputs
from recommendations.catalogue_source import catalogue_records, engine_data
from recommendations.profile_targets import author_target, best_used_tracks
from recommendations.services.evaluation import (
    cases_export,
    cases_import,
    engine_method,
    evaluation_cases,
    evaluation_creators,
    recommender_evaluate,
    search_weights,
)
from recommendations.services.runs import parse_weights
from recommendations.tests.db_catalogue import make_catalogue, make_creator
from videos.models import VideoSource
from videos.tests.factories import VideoContentAnalysisFactory

pytestmark = pytest.mark.django_db

SOUNDTRACK_DETAIL = {
    "moods": {"energetic": 1.0},
    "genres": {"folk-acoustic": 1.0},
    "evidence": {
        "genres": {"source": "music analysis"},
        "tempo_bpm": {"value": 84.0, "source": "soundtrack"},
        "visual_pace": {"value": 0.75},
        "energy": {
            "signals": {"soundtrack": 0.25, "visual pace": 0.75},
            "weights": {"soundtrack": 0.65, "visual pace": 0.35},
        },
        "arousal": {
            "signals": {"soundtrack": 0.2, "visual pace": 0.75},
            "weights": {"soundtrack": 0.6, "visual pace": 0.4},
        },
        "danceability": {"value": 0.4, "source": "soundtrack"},
    },
}


@pytest.fixture
def creators():
    """Luna posts pop three times and one acoustic track (with a soundtrack-analysed video);
    Mira has only two catalogue videos, too few to evaluate."""
    catalogue = make_catalogue(per_kind=4)
    pop, acoustic = catalogue.tracks["dance-pop"], catalogue.tracks["acoustic"]
    luna = make_creator("luna", "dance-pop", used=[pop[0], pop[1], pop[1], acoustic[0]])
    make_creator("mira", "edm", used=catalogue.tracks["edm"][:2])
    hidden_video = luna.videos.get(music_links__music=acoustic[0])
    VideoContentAnalysisFactory(
        video=hidden_video,
        tempo_bpm=84.0,
        tempo_source="soundtrack",
        energy=0.43,
        arousal=0.42,
        valence=0.45,
        danceability=0.4,
        detail=SOUNDTRACK_DETAIL,
    )
    return {"catalogue": catalogue, "luna": luna, "acoustic": acoustic[0], "pop": pop}


def test_evaluation_creators_need_three_videos_on_catalogue_tracks(creators):
    found = evaluation_creators(engine_data().arrays)
    assert [c.author_id for c in found] == [creators["luna"].pk]
    assert len(found[0].catalogue_videos) == 4


def test_cases_hide_every_use_of_the_track(creators):
    data = engine_data()
    cases = evaluation_cases(evaluation_creators(data.arrays), data)
    luna, pop = creators["luna"], creators["pop"]
    # One profile case per track used, one video case per video with it.
    assert sorted((c.track_id, c.kind) for c in cases) == sorted(
        [(pop[0].pk, "author"), (pop[0].pk, "video")]
        + [(pop[1].pk, "author"), (pop[1].pk, "video"), (pop[1].pk, "video")]
        + [(creators["acoustic"].pk, "author"), (creators["acoustic"].pk, "video")]
    )
    favourite = [c for c in cases if c.track_id == pop[1].pk]
    assert all(c.used == {pop[0].pk, creators["acoustic"].pk} for c in favourite)
    # The profile is the pure analysis of the other videos only.
    inputs = author_inputs(author=luna)
    hidden = set(
        luna.videos.filter(music_links__music=pop[1]).values_list("sources__external_id", flat=True)
    )
    expected = analyze_author(
        inputs.profile,
        [v for v in inputs.videos if v.external_id not in hidden],
        inputs.snapshots,
        now=luna.analysis.analyzed_at,
    )
    assert favourite[0].own_profile == author_target(
        expected.to_dict(), followers=inputs.profile.followers
    )
    assert len({c.split for c in cases if c.track_id == pop[1].pk}) == 1


def test_own_history_comes_from_the_other_videos_only(creators):
    # Likes x3 on the first pop video and x2 on the acoustic one.
    for music, factor in ((creators["pop"][0], 3), (creators["acoustic"], 2)):
        VideoSource.objects.filter(video__music_links__music=music).update(
            likes=F("likes") * factor
        )
    data = engine_data()
    (creator,) = evaluation_creators(data.arrays)
    cases = evaluation_cases([creator], data)
    by_track = {c.track_id: c.history for c in cases}
    pop0, acoustic = creators["pop"][0].pk, creators["acoustic"].pk
    # Without the two pop[1] videos the median lies between the other two, so only pop[0] counts.
    assert set(by_track[creators["pop"][1].pk]) == {pop0}
    assert set(by_track[pop0]) == {acoustic}
    assert set(by_track[acoustic]) == {pop0} and by_track[acoustic][pop0] > 2
    for case in cases:
        assert case.track_id not in case.history
        hidden = {v.video_id for v in creator.catalogue_videos if v.track_id == case.track_id}
        others = [v for v in creator.videos if v.video_id not in hidden]
        # The lifts are measured against the median of the other videos too.
        assert case.history == best_used_tracks(
            (v.track_id, video_engagement_rate(v.input)) for v in others
        )
    arrays, again = cases_import(json.loads(json.dumps(cases_export(catalogue_records(), cases))))
    assert [c.history for c in again] == [c.history for c in cases]


def test_the_hidden_tracks_genre_and_sound_do_not_leak(creators):
    data = engine_data()
    cases = evaluation_cases(evaluation_creators(data.arrays), data)
    acoustic = [c for c in cases if c.track_id == creators["acoustic"].pk]
    profile = next(c for c in acoustic if c.kind == "author").target
    assert "folk-acoustic" not in profile.genres  # only pop remains in the history
    video = next(c for c in acoustic if c.kind == "video").target
    assert "folk-acoustic" not in video.genres
    assert video.tempo_bpm == pytest.approx(130.0)  # from the visual pace, not the 84 BPM heard
    assert video.energy == pytest.approx(0.75) and video.arousal == pytest.approx(0.75)
    assert video.danceability == profile.danceability  # heard only: the profile stands in


def test_exported_cases_give_the_same_recommendations(creators):
    data = engine_data()
    cases = evaluation_cases(evaluation_creators(data.arrays), data)
    arrays, restored = cases_import(
        json.loads(json.dumps(cases_export(catalogue_records(), cases)))
    )
    weights = parse_weights(None)
    original = engine_method(data.arrays, weights, 10)
    again = engine_method(arrays, weights, 10)
    assert [original(c) for c in cases] == [again(c) for c in restored]
    with pytest.raises(ValueError, match="not an evaluation export"):
        cases_import({"cases": []})


def test_search_weights_keeps_a_trace_and_never_gets_worse(creators):
    data = engine_data()
    cases = evaluation_cases(evaluation_creators(data.arrays), data)
    result = search_weights(
        [(data.arrays, cases)],
        start=parse_weights(None).as_dict(),
        grid={"genre": (0.0, 0.5), "popularity": (0.0, 0.5)},
        rounds=1,
    )
    assert result.trace[0].key == "" and len(result.trace) == 5
    assert result.best_score == max(step.score for step in result.trace if step.accepted)


def test_evaluate_reports_every_method_for_both_targets(creators):
    report = recommender_evaluate(split="all")
    assert report.case_counts == {"author": 3, "video": 4} and report.creators == 1
    rows = [(r.target, r.method) for r in report.results]
    methods = ["engine", "most popular", "most frequent attribute", "random"]
    assert rows == [("author", m) for m in methods] + [("video", m) for m in methods]
    metrics = report.results[0].metrics
    assert set(metrics) >= {"hit_rate@10", "ndcg@10", "mrr@10", "coverage@10"}
    assert {"intra_list_diversity", "novelty_bits", "hit_rate@10_ci_low"} <= set(metrics)
    with pytest.raises(ValueError):
        recommender_evaluate(split="train")


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("evaluate_recommender", *args, stdout=out)
    return out.getvalue()


def test_command_prints_the_table_and_the_same_as_json(creators):
    text = run_command("--split", "all")
    assert "Leave-one-track-out, all split: 1 creators, 3 author cases, 4 video cases" in text
    assert "HitRate@10" in text and "nDCG@10" in text
    for method in ("engine", "most popular", "most frequent attribute", "random"):
        assert sum(1 for line in text.splitlines() if f" {method} " in f" {line} ") >= 2
    data = json.loads(run_command("--split", "all", "--json", "--k", "5"))
    assert data["k"] == 5 and data["cases"] == {"author": 3, "video": 4}
    assert {r["method"] for r in data["results"]} == {
        "engine",
        "most popular",
        "most frequent attribute",
        "random",
    }
    assert all("hit_rate@5" in r and "ndcg@5" in r for r in data["results"])


def test_command_search_with_an_exported_data_set(creators, tmp_path):
    export = tmp_path / "cases.json"
    assert "Wrote 7 cases" in run_command("--export-cases", str(export))
    text = run_command("--search", "--search-also", str(export), "--split", "all")
    assert "Weight search on the validation split of 2 data set(s)" in text
    assert "round 0 start" in text and "Best weights: tempo" in text
    assert " engine (searched) " in text
    with pytest.raises(CommandError, match="needs --search"):
        run_command("--search-also", str(export))
    with pytest.raises(CommandError, match="unknown weight"):
        run_command("--weights", "tempos:1")


# --- The demo data set ----------------------------------------------------------------------------


def test_engine_beats_every_baseline_on_the_demo_data():
    """The shipped demo, loaded and profiled (catalogue features, no audio or video decoding):
    the engine finds the hidden tracks more often and ranks them higher than every baseline."""
    call_command("load_demo", "--no-analysis", verbosity=0)
    # The analysis clock is the latest scrape, so the 90-day window holds the demo's videos
    # whatever the date the tests run on.
    now = AuthorSnapshot.objects.aggregate(latest=Max("taken_at"))["latest"]
    for author_id in Author.objects.filter(is_creator=True).values_list("pk", flat=True):
        author_analyze(author_id=author_id, now=now)
    report = recommender_evaluate(split="all")
    assert report.creators == 10 and report.case_counts["author"] > 100
    for target in ("author", "video"):
        rows = {r.method: r.metrics for r in report.results if r.target == target}
        for baseline in ("most popular", "most frequent attribute", "random"):
            for metric in ("hit_rate@10", "ndcg@10"):
                assert rows["engine"][metric] > rows[baseline][metric], (target, baseline, metric)
