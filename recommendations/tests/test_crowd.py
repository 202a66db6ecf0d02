"""The crowd components on small hand-made usage tables."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recommendations.crowd import (
    MOMENTUM_TAU_DAYS,
    Crowd,
    CrowdQuery,
    creator_query,
    crowd_scores,
    with_video_terms,
)
from recommendations.usage import Usage, caption_language, video_terms

# (author id, track row, day, terms)
USES = [
    (1, 0, 100.0, ["#dance", "lang:vi"]),
    (1, 1, 101.0, ["#dance", "lang:vi"]),
    (2, 0, 95.0, ["#dance", "lang:vi"]),
    (2, 2, 99.0, ["#dance", "lang:vi"]),
    (3, 3, 60.0, ["#cooking", "lang:th"]),
    (3, 2, 61.0, ["#cooking", "lang:th"]),
    (4, 4, 99.5, ["#cooking", "lang:th"]),
    (4, 4, 99.6, ["#cooking", "lang:th"]),  # a second use of the same track counts once
]


def usage(uses=USES, n_tracks: int = 6) -> Usage:
    return Usage.build(
        author_ids=[u[0] for u in uses],
        track_rows=[u[1] for u in uses],
        days=[u[2] for u in uses],
        performance=[0.5] * len(uses),
        video_ids=list(range(len(uses))),
        terms=[u[3] for u in uses],
        n_tracks=n_tracks,
    )


def test_usage_build_sorts_by_day_and_drops_unusable_rows():
    table = Usage.build(
        author_ids=[1, 1, 2, 2],
        track_rows=[0, -1, 1, 1],
        days=[5.0, 1.0, float("nan"), 2.0],
        performance=[0.5] * 4,
        video_ids=[10, 11, 12, 13],
        terms=[["#a"], ["#b"], ["#c"], ["#d"]],
        n_tracks=2,
    )
    assert table.video.tolist() == [13, 10]
    assert table.day.tolist() == [2.0, 5.0]
    assert table.before(5.0).video.tolist() == [13]
    assert table.creator_row(2) == 1 and table.creator_row(9) is None


def test_caption_language_by_script():
    assert caption_language("Khi tui chơi lớn 😱") == "vi"
    assert caption_language("เสียงต้นฉบับ") == "th"
    assert caption_language("オリジナル楽曲") == "ja"
    assert caption_language("原声") == "zh"
    assert caption_language("good vibes only") == "latin"
    assert caption_language("😱 123") is None
    assert video_terms(["dance", ""], "hello") == ["#dance", "lang:latin"]


def test_momentum_counts_other_creators_near_the_moment_once_each():
    crowd = Crowd(usage())
    query = CrowdQuery(moment=101.0, creator=0)  # creator row 0 is author 1
    scores = crowd.momentum(query)
    # Track 4: author 4 twice, 1.4 days before: one vote exp(-1.4 / 14).
    near = math.exp(-1.4 / MOMENTUM_TAU_DAYS)
    assert scores[4] == pytest.approx(near / (near + 1.0), rel=1e-5)
    # Track 1 is only used by the creator asking: no vote.
    assert scores[1] == 0
    # Track 3 was used 41 days before: a faint vote.
    far = math.exp(-41.0 / MOMENTUM_TAU_DAYS)
    assert scores[3] == pytest.approx(far / (far + 1.0), rel=1e-5)
    # The creator's own post days count as reference days: track 3 is close to day 62.
    with_posts = crowd.momentum(
        CrowdQuery(moment=101.0, creator=0, reference_days=np.array([62.0]))
    )
    assert with_posts[3] > 0.4
    # Uses further than five times TAU from every reference day are skipped.
    assert crowd.momentum(CrowdQuery(moment=140.0, creator=0))[3] == 0


def test_collaborative_is_cosine_co_usage_without_the_creators_own_row():
    crowd = Crowd(usage())
    query = creator_query(crowd.usage, author_id=1, moment=101.0)
    assert set(query.own_tracks) == {0, 1}
    scores = crowd.collaborative(query)
    # Author 2 used track 0 (one of ours) and track 2: the only co-used track.
    assert scores[2] == pytest.approx(1.0)
    assert scores[3] == scores[4] == 0
    assert crowd.collaborative(CrowdQuery(moment=101.0)).tolist() == [0.0] * 6


def test_topic_follows_creators_with_the_same_words_and_idf():
    crowd = Crowd(usage())
    query = CrowdQuery(moment=101.0, creator=0, terms={"#cooking": 1.0})
    scores = crowd.topic(query)
    # #cooking: author 3 used tracks 3 and 2, author 4 used track 4: a third of the votes each.
    assert scores[[2, 3, 4]].tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert scores[0] == scores[1] == 0
    # The creator's own uses never count: author 1's #dance votes for 0 and 1 are taken out.
    dance = crowd.topic(CrowdQuery(moment=101.0, creator=0, terms={"#dance": 1.0}))
    assert dance[1] == 0 and dance[0] == dance[2] == pytest.approx(1.0)


def test_crowd_scores_compute_only_what_is_weighed():
    crowd = Crowd(usage())
    query = CrowdQuery(moment=101.0, creator=0, terms={"#cooking": 1.0})
    scores = crowd_scores(crowd, query, ["momentum"])
    assert scores.momentum is not None and scores.collaborative is None and scores.topic is None
    assert crowd_scores(None, query, ["momentum"]).as_components() == {}


def test_video_words_weigh_as_much_as_the_creators():
    terms = with_video_terms({"#a": 3.0, "#b": 1.0}, ["#c", "#a"])
    assert terms == {"#a": 5.0, "#b": 1.0, "#c": 2.0}


def test_facts_quote_the_numbers_behind_each_component():
    crowd = Crowd(usage())
    query = creator_query(
        crowd.usage, author_id=1, moment=101.0, post_days=[60.0], terms={"#cooking": 1.0}
    )
    facts = crowd.facts(query, dict.fromkeys(["momentum", "collaborative", "topic"], [2, 4]))
    assert facts[4].momentum.last_7d == 1 and facts[4].momentum.last_28d == 1
    assert facts[2].momentum.last_7d == 1 and facts[2].momentum.near_posts == 1
    assert facts[2].co_used == (0, 1)  # author 2 used our track 0 and track 2
    assert facts[4].co_used is None
    assert facts[2].topic_term == ("#cooking", 1) and facts[4].topic_term == ("#cooking", 1)


def test_trending_counts_creators_per_window_and_week():
    crowd = Crowd(usage())
    table = crowd.trending(101.0, weeks=8)
    assert table.last_7d[4] == 1 and table.last_7d[0] == 2 and table.last_28d[3] == 0
    assert table.prior_28d[3] == 1  # author 3, 40 days before
    assert table.weekly.shape == (6, 8) and table.weekly[0, -1] == 2
    assert table.growth_28d[0] == pytest.approx(math.log(3.0))
