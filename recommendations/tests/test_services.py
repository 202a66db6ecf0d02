"""recommendation_generate and feedback_record on a small catalogue in the database."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import F
from django.test import override_settings

from authors.services import author_analyze
from musicrec.core.models import AnalysisStatus
from recommendations.models import Feedback, RecommendationRun
from recommendations.services import (
    TargetMissing,
    feedback_record,
    parse_weights,
    recommendation_generate,
)
from recommendations.services.runs import COLD_START_PREFIX
from recommendations.tests.db_catalogue import add_video_analysis, make_catalogue, make_creator
from recommendations.weights import CROWD_WEIGHTS, DEFAULT_WEIGHTS
from videos.models import VideoSource
from videos.services import video_analyze
from videos.tests.factories import VideoFactory, VideoSourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return make_catalogue(per_kind=6)


def ids(run: RecommendationRun) -> list[int]:
    return list(run.items.order_by("rank").values_list("music_id", flat=True))


def test_generate_stores_the_run_with_ranked_items(catalogue, user):
    luna = make_creator("luna", "dance-pop", used=catalogue.tracks["dance-pop"][:1])
    run = recommendation_generate(author_id=luna.pk, limit=8, user=user)
    run.refresh_from_db()
    assert run.target_kind == RecommendationRun.TargetKind.AUTHOR
    assert run.author == luna and run.created_by == user
    assert run.engine_version and run.catalogue_version.startswith("catalogue-")
    assert run.duration_ms > 0
    items = list(run.items.order_by("rank"))
    assert [i.rank for i in items] == list(range(1, 9))
    assert all(i.reasons and i.components for i in items)
    assert items[0].score >= items[-1].score
    # The creator's genre comes first.
    assert {i.music_id for i in items[:5]} <= {m.pk for m in catalogue.tracks["dance-pop"]}
    assert sum(run.weights.values()) == pytest.approx(1.0, abs=1e-3)
    assert set(run.params["effective_weights"]) >= {"tempo", "genre", "mood", "popularity"}
    assert run.params["candidates"] == len(catalogue.all) - 1


def test_generate_leaves_out_used_tracks_unless_asked(catalogue):
    used = catalogue.tracks["dance-pop"][:2]
    luna = make_creator("luna", "dance-pop", used=used)
    assert not {m.pk for m in used} & set(ids(recommendation_generate(author_id=luna.pk)))
    with_used = recommendation_generate(author_id=luna.pk, include_used=True)
    assert {m.pk for m in used} <= set(ids(with_used))


def test_a_rejected_track_never_comes_back(catalogue):
    luna = make_creator("luna", "dance-pop")
    first = recommendation_generate(author_id=luna.pk, limit=5)
    top = first.items.get(rank=1)
    feedback_record(run_id=first.pk, item_id=top.pk, verdict="reject")
    for include_used in (False, True):
        again = recommendation_generate(author_id=luna.pk, limit=30, include_used=include_used)
        assert top.music_id not in ids(again)
    # Even a brief asking for exactly that kind of track does not bring it back.
    briefed = recommendation_generate(
        author_id=luna.pk, limit=30, brief={"genres": ["pop"], "tempo_min": 120}
    )
    assert top.music_id not in ids(briefed)


def test_a_kept_track_raises_similar_tracks(catalogue):
    luna = make_creator("luna", "dance-pop")
    acoustic = catalogue.tracks["acoustic"]
    before = recommendation_generate(author_id=luna.pk, limit=30)
    rank_before = ids(before).index(acoustic[1].pk)
    kept_item = before.items.get(music=acoustic[0])
    feedback_record(run_id=before.pk, item_id=kept_item.pk, verdict="keep")
    after = recommendation_generate(author_id=luna.pk, limit=30)
    assert ids(after).index(acoustic[1].pk) < rank_before
    similar = after.items.get(music=acoustic[1])
    assert similar.components["kept_similarity"] > 0.9
    assert any("which you kept" in reason for reason in similar.reasons)


def test_generate_raises_tracks_like_the_best_performing_videos_music(catalogue):
    acoustic, pop = catalogue.tracks["acoustic"], catalogue.tracks["dance-pop"]
    # Same interactions per view everywhere but the acoustic video, which engaged 3x as well.
    luna = make_creator("luna", "dance-pop", used=[pop[0], pop[1], pop[2], acoustic[0]])
    VideoSource.objects.filter(video__music_links__music=acoustic[0]).update(
        likes=F("likes") * 3,
        comments=F("comments") * 3,
        shares=F("shares") * 3,
        saves=F("saves") * 3,
    )
    before = recommendation_generate(author_id=luna.pk, limit=30, weights={"history": 0})
    after = recommendation_generate(author_id=luna.pk, limit=30, weights={"history": 0.5})
    assert ids(after).index(acoustic[1].pk) < ids(before).index(acoustic[1].pk)
    similar = after.items.get(music=acoustic[1])
    assert similar.components["history"] > 0.9
    title = acoustic[0].title
    assert any(
        r.startswith(f"Close to “{title}”, used in your best-performing video (+")
        for r in similar.reasons
    )
    # The dance-pop videos only matched the median: they are no anchors.
    assert after.items.get(music=pop[3]).components["history"] < similar.components["history"]


def test_cold_start_gets_results_and_a_notice(catalogue):
    newbie = make_creator("newbie", None, followers=2_000_000)
    run = recommendation_generate(author_id=newbie.pk, limit=5)
    assert run.items.count() == 5
    assert any(n.startswith("No content analysis for this creator yet") for n in run.notices)
    # Popularity, trend and the mega-tier adjustment rank them.
    assert set(run.params["effective_weights"]) == {"popularity", "trend", "tier_fit"}


def test_cold_start_notice_for_an_analysed_creator_does_not_ask_to_analyse_again(catalogue):
    # As the 2025 creators come: videos without media, captions without mood or genre cues.
    news = make_creator("vtv.news", None)
    for caption in ("Cơ quan công an xác định", "Mở rộng điều tra vụ án"):
        video = VideoFactory(author=news, caption=caption, hashtags=["vtv24", "tintuc"])
        VideoSourceFactory(video=video, views=10_000)
        analysis = video_analyze(video_id=video.pk, analyze_authors=False)
        assert analysis.status == AnalysisStatus.EMPTY
    author_analyze(author_id=news.pk)

    run = recommendation_generate(author_id=news.pk, limit=5)
    assert run.items.count() == 5
    assert not [n for n in run.notices if "Analyse their videos" in n], run.notices
    assert (
        "This creator's videos were analysed but gave nothing to match music on (no audio or "
        "picture to read, no mood or genre cues in the captions), so these picks are based on "
        "popularity and trends. Describe the campaign in the brief to steer them."
    ) in run.notices
    briefed = recommendation_generate(author_id=news.pk, limit=5, brief={"note": "upbeat"})
    assert not [n for n in briefed.notices if n.startswith(COLD_START_PREFIX)]


def test_a_brief_alone_is_enough(catalogue):
    run = recommendation_generate(brief={"moods": ["calm"], "note": "slow acoustic"})
    assert run.target_kind == RecommendationRun.TargetKind.BRIEF and run.author is None
    assert run.brief["moods"] == ["calm"]
    assert run.notices[0].startswith("No creator given")
    calm = {m.pk for m in catalogue.tracks["acoustic"] + catalogue.tracks["ambient"]}
    assert set(ids(run)[:5]) <= calm


def test_business_safe_keeps_only_cleared_tracks(catalogue):
    luna = make_creator("luna", "dance-pop")
    run = recommendation_generate(author_id=luna.pk, limit=30, filters={"commercial_only": True})
    assert run.items.count() == 15  # every other track is cleared
    assert all(item.music.commercial_ok for item in run.items.select_related("music"))
    assert run.params["filters"]["commercial_only"] is True


def test_generate_for_a_video_uses_its_analysis(catalogue):
    luna = make_creator("luna", "dance-pop", used=catalogue.tracks["dance-pop"][:1])
    video = luna.videos.get()
    add_video_analysis(video, "ambient", tempo_source="visual pace")
    run = recommendation_generate(video_id=video.pk, limit=5)
    assert run.target_kind == RecommendationRun.TargetKind.VIDEO
    assert run.author == luna and run.video == video
    assert any("this video" in reason for item in run.items.all() for reason in item.reasons)


def test_generate_rejects_a_video_of_another_creator(catalogue):
    luna = make_creator("luna", "dance-pop", used=catalogue.tracks["dance-pop"][:1])
    mira = make_creator("mira", "edm")
    with pytest.raises(ValidationError) as caught:
        recommendation_generate(author_id=mira.pk, video_id=luna.videos.get().pk)
    assert "video" in caught.value.message_dict


def test_generate_names_unknown_targets(catalogue):
    with pytest.raises(TargetMissing) as caught:
        recommendation_generate(author_id=999_999)
    assert caught.value.field == "author"
    with pytest.raises(TargetMissing) as caught:
        recommendation_generate(video_id=999_999)
    assert caught.value.field == "video"
    with pytest.raises(ValidationError) as nothing:
        recommendation_generate()
    assert "author" in nothing.value.message_dict


@pytest.mark.parametrize(
    ("weights", "field", "words"),
    [
        ({"tempos": 1}, "weights", "unknown weight 'tempos'"),
        ({"tempo": -1}, "weights", "between 0 and 100"),
        ({"tempo": "fast"}, "weights", "must be a number"),
    ],
)
def test_generate_validates_weights(catalogue, weights, field, words):
    luna = make_creator("luna", "dance-pop")
    with pytest.raises(ValidationError) as caught:
        recommendation_generate(author_id=luna.pk, weights=weights)
    assert words in caught.value.message_dict[field][0]


def test_generate_validates_brief_filters_and_limit(catalogue):
    luna = make_creator("luna", "dance-pop")
    for kwargs, field in (
        ({"brief": {"moods": ["angry"]}}, "brief"),
        ({"brief": {"colour": "red"}}, "brief"),
        ({"filters": {"genres": ["polka"]}}, "filters"),
        ({"limit": 0}, "limit"),
    ):
        with pytest.raises(ValidationError) as caught:
            recommendation_generate(author_id=luna.pk, **kwargs)
        assert field in caught.value.message_dict


def test_request_weights_override_the_defaults_and_are_echoed(catalogue):
    luna = make_creator("luna", "dance-pop")
    run = recommendation_generate(author_id=luna.pk, weights={"popularity": "0.6"})
    expected = {**DEFAULT_WEIGHTS, "popularity": 0.6}
    total = sum(expected.values())
    assert run.weights["popularity"] == pytest.approx(0.6 / total, abs=1e-4)
    assert run.params["requested_weights"] == {"popularity": "0.6"}


@override_settings(RECOMMENDER_WEIGHTS={**DEFAULT_WEIGHTS, "genre": 0.0})
def test_settings_weights_are_the_defaults(catalogue):
    luna = make_creator("luna", "dance-pop")
    run = recommendation_generate(author_id=luna.pk)
    assert run.weights["genre"] == 0
    assert "genre" not in run.params["effective_weights"]


@override_settings(RECOMMENDER_WEIGHTS={}, RECOMMENDER_CROWD_WEIGHTS={"trend": 0.5})
def test_parse_weights_settings_override_only_the_keys_they_name():
    # Settings hold only optional overrides; the two default sets live in recommendations.weights.
    assert parse_weights(None, content=False).as_dict() == {**CROWD_WEIGHTS, "trend": 0.5}
    assert parse_weights(None, content=True).as_dict() == DEFAULT_WEIGHTS


@override_settings(RECOMMENDER_CROWD_WEIGHTS={"tempo": -1})
def test_parse_weights_bad_settings_override_names_the_setting():
    with pytest.raises(ImproperlyConfigured, match="RECOMMENDER_CROWD_WEIGHTS: weight 'tempo'"):
        parse_weights(None, content=False)


def _normalised(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {k: round(v / total, 4) for k, v in weights.items()}


def test_a_creator_without_content_starts_from_the_crowd_led_weights(catalogue):
    """Which default set applies is decided by what the request holds: a content profile (or a
    brief) gets the content-led set, a creator known only by the sounds they used the crowd-led
    one, and request weights override whichever applies."""
    pop = catalogue.tracks["dance-pop"]
    plain = make_creator("plain", None, used=[pop[0]])
    make_creator("mira", "dance-pop", used=[pop[0], pop[1]])
    run = recommendation_generate(author_id=plain.pk, limit=5)
    assert run.weights == _normalised(CROWD_WEIGHTS)
    assert "momentum" in run.params["effective_weights"]  # mira used a track just now
    analysed = recommendation_generate(author_id=make_creator("luna", "dance-pop").pk)
    assert analysed.weights == _normalised(DEFAULT_WEIGHTS)
    briefed = recommendation_generate(author_id=plain.pk, brief={"genres": ["pop"]})
    assert briefed.weights == _normalised(DEFAULT_WEIGHTS)
    more_trend = recommendation_generate(author_id=plain.pk, weights={"trend": 1.0})
    assert more_trend.weights == _normalised({**CROWD_WEIGHTS, "trend": 1.0})


def test_feedback_record_upserts_one_verdict_per_creator_and_track(catalogue, user):
    luna = make_creator("luna", "dance-pop")
    run = recommendation_generate(author_id=luna.pk, limit=3)
    item = run.items.get(rank=2)
    feedback, created = feedback_record(
        run_id=run.pk, item_id=item.pk, verdict="keep", note="great", user=user
    )
    assert created and feedback.created_by == user and feedback.item == item
    again, created = feedback_record(run_id=run.pk, item_id=item.pk, verdict="reject")
    assert not created and again.pk == feedback.pk
    feedback.refresh_from_db()
    assert (feedback.verdict, feedback.note, feedback.created_by) == ("reject", "", user)
    assert Feedback.objects.count() == 1


def test_feedback_record_rejects_bad_requests(catalogue):
    luna = make_creator("luna", "dance-pop")
    run = recommendation_generate(author_id=luna.pk, limit=3)
    other = recommendation_generate(author_id=luna.pk, limit=3)
    with pytest.raises(TargetMissing):
        feedback_record(run_id=run.pk, item_id=other.items.first().pk, verdict="keep")
    with pytest.raises(ValidationError) as bad:
        feedback_record(run_id=run.pk, item_id=run.items.first().pk, verdict="love")
    assert "verdict" in bad.value.message_dict
    brief_run = recommendation_generate(brief={"genres": ["pop"]}, limit=2)
    with pytest.raises(ValidationError) as no_creator:
        feedback_record(run_id=brief_run.pk, item_id=brief_run.items.first().pk, verdict="keep")
    assert "run" in no_creator.value.message_dict
