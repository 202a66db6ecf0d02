"""Reasons: the exact lines a marketer reads, built from component scores and track facts."""

from __future__ import annotations

import math

import numpy as np

from musicrec.core.descriptors import GENRE_KEYS
from recommendations.catalogue import CatalogueArrays
from recommendations.engine import Brief, Request, Target, recommend
from recommendations.reasons import (
    TrackFacts,
    build_reasons,
    format_count,
    growth_percent,
    top_share,
)
from recommendations.targets import Context

from .helpers import only, track


def context(**fields: object) -> Context:
    return Context(**fields)  # type: ignore[arg-type]


def genre_vector(**weights: float) -> np.ndarray:
    vec = np.array([weights.get(k.replace("-", "_"), 0.0) for k in GENRE_KEYS], np.float32)
    return vec / vec.max()


def test_build_reasons_quotes_tempo_against_the_best_videos():
    ctx = context(tempo_range=(120.0, 120.0), tempo_source="your best videos")
    facts = TrackFacts(title="A", artist="B", tempo_bpm=122.0)
    reasons = build_reasons(facts, {"tempo": 0.85}, {"tempo": 1.0}, ctx)
    assert reasons[0] == "122 BPM, close to the 120 BPM of your best videos"


def test_build_reasons_names_half_and_double_time():
    ctx = context(tempo_range=(120.0, 120.0), tempo_source="this video")
    half = build_reasons(
        TrackFacts(title="A", artist="B", tempo_bpm=61.0), {"tempo": 0.88}, {"tempo": 1.0}, ctx
    )
    double = build_reasons(
        TrackFacts(title="A", artist="B", tempo_bpm=240.0), {"tempo": 0.9}, {"tempo": 1.0}, ctx
    )
    assert half[0] == "61 BPM: a half-time feel of the 120 BPM of this video"
    assert double[0] == "240 BPM: a double-time feel of the 120 BPM of this video"


def test_build_reasons_quotes_a_brief_tempo_range():
    ctx = context(tempo_range=(115.0, 130.0), tempo_source="your brief")
    facts = TrackFacts(title="A", artist="B", tempo_bpm=124.0)
    assert build_reasons(facts, {"tempo": 1.0}, {"tempo": 1.0}, ctx)[0] == (
        "124 BPM, within the 115–130 BPM of your brief"
    )


def test_build_reasons_quotes_tiktok_usage_growth():
    facts = TrackFacts(title="A", artist="B", growth_7d=math.log(4.4))
    reasons = build_reasons(facts, {"trend": 0.68}, {"trend": 1.0}, context())
    assert reasons[0] == "Uses up 340% on TikTok in 7 days"
    both = TrackFacts(title="A", artist="B", growth_7d=math.log(2.0), growth_28d=math.log(11.0))
    assert build_reasons(both, {"trend": 0.6}, {"trend": 1.0}, context())[0] == (
        "Uses up 100% on TikTok in 7 days (1,000% in 28 days)"
    )


def test_build_reasons_calls_out_an_early_pick():
    facts = TrackFacts(title="A", artist="B", tiktok_usage=850, usage_pct=0.1, early_pick=True)
    reasons = build_reasons(facts, {"trend": 0.9}, {"trend": 1.0}, context())
    assert reasons[0] == "Rising on Spotify but still rare on TikTok (850 videos): an early pick"


def test_build_reasons_quotes_popularity_and_usage_share():
    facts = TrackFacts(
        title="A", artist="B", spotify_popularity=84.0, tiktok_usage=1_234_000, usage_pct=0.975
    )
    reasons = build_reasons(facts, {"popularity": 0.9}, {"popularity": 1.0}, context())
    assert reasons[0] == "Spotify popularity 84/100, used in 1.2M TikTok videos (top 3%)"


def test_build_reasons_names_the_genre_source():
    facts = TrackFacts(title="A", artist="B", genres={"hip-hop": 1.0})
    best = context(genre_vector=genre_vector(hip_hop=1.0), best_genres=("hip-hop",))
    brief = context(genre_vector=genre_vector(hip_hop=1.0), brief_genres=("hip-hop",))
    profile = context(genre_vector=genre_vector(hip_hop=1.0), genre_source="your videos")
    cite = {"genre": 1.0}
    assert build_reasons(facts, cite, cite, best)[0] == (
        "Hip-hop / rap, the genre of the music in your best-performing videos"
    )
    assert (
        build_reasons(facts, cite, cite, brief)[0] == "Hip-hop / rap, a genre your brief asks for"
    )
    assert build_reasons(facts, cite, cite, profile)[0] == (
        "Hip-hop / rap, matching the genres of your videos"
    )


def test_build_reasons_mood_and_energy_quote_both_sides():
    ctx = context(
        mood_point=(0.8, 0.65),
        mood_name="happy",
        mood_source="your videos",
        energy_target=0.8,
        danceability_target=0.72,
        energy_source="your videos",
        danceability_source="your videos",
    )
    facts = TrackFacts(
        title="A",
        artist="B",
        valence=0.82,
        arousal=0.7,
        top_mood="happy",
        energy=0.78,
        danceability=0.7,
    )
    reasons = build_reasons(facts, {"mood": 0.95, "energy": 0.9}, {"mood": 0.6, "energy": 0.4}, ctx)
    assert reasons == [
        "Happy mood (valence 0.82, arousal 0.70), like your videos",
        "Energy 0.78 and danceability 0.70, close to your videos (0.80 and 0.72)",
    ]


def test_build_reasons_skips_weak_components_and_falls_back_to_facts():
    ctx = context(tempo_range=(120.0, 120.0), tempo_source="your videos")
    facts = TrackFacts(
        title="A",
        artist="B",
        tempo_bpm=90.0,
        genres={"rock": 1.0},
        energy=0.5,
        spotify_popularity=40.0,
    )
    reasons = build_reasons(
        facts, {"tempo": 0.01, "popularity": 0.4}, {"tempo": 0.5, "popularity": 0.5}, ctx
    )
    assert reasons == ["Rock, 90 BPM, energy 0.50", "Spotify popularity 40/100"]


def test_build_reasons_never_gives_more_than_three():
    ctx = context(
        tempo_range=(120.0, 120.0),
        tempo_source="your videos",
        mood_point=(0.8, 0.65),
        mood_name="happy",
        mood_source="your videos",
    )
    facts = TrackFacts(
        title="A",
        artist="B",
        tempo_bpm=120.0,
        valence=0.8,
        arousal=0.65,
        top_mood="happy",
        spotify_popularity=90.0,
        growth_7d=1.0,
    )
    scores = {"tempo": 1.0, "mood": 1.0, "popularity": 0.9, "trend": 0.6}
    reasons = build_reasons(facts, scores, dict.fromkeys(scores, 0.25), ctx)
    assert len(reasons) == 3


def test_number_formats_match_tiktok_conventions():
    assert [format_count(n) for n in (950, 1_000, 1_250, 12_400, 1_000_000, 2_340_000)] == [
        "950",
        "1K",
        "1.2K",
        "12K",
        "1M",
        "2.3M",
    ]
    assert growth_percent(math.log(4.4)) == 340
    assert growth_percent(-math.log(2)) == -50
    assert top_share(0.999) == 1 and top_share(0.5) == 50


def test_recommend_items_carry_two_or_three_reasons_from_real_data():
    arrays = CatalogueArrays.build(
        [
            track(
                1,
                tempo_bpm=122.0,
                genres={"pop": 1.0},
                valence=0.8,
                arousal=0.65,
                spotify_popularity=70.0,
                usage_growth_7d=math.log(4.4),
            ),
            track(2, tempo_bpm=60.0, genres={"rock": 1.0}, valence=0.3, arousal=0.3),
        ]
    )
    target = Target(best_tempo_bpm=120.0, genres={"pop": 1.0}, valence=0.8, arousal=0.65)
    # Tempo weighted up so its reason is among the three cited whatever the default weights.
    result = recommend(arrays, Request(target=target, limit=2, weights={"tempo": 0.3}))
    first = result.items[0]
    assert first.music_id == 1
    assert 2 <= len(first.reasons) <= 3
    assert "122 BPM, close to the 120 BPM of your best videos" in first.reasons
    assert all(2 <= len(item.reasons) <= 3 for item in result.items)


def test_recommend_brief_reasons_speak_of_the_brief():
    arrays = CatalogueArrays.build([track(1, tempo_bpm=95.0, valence=0.2, arousal=0.25)])
    request = Request(
        brief=Brief(moods=["sad"], tempo_min=90, tempo_max=100), weights=only(tempo=1, mood=1)
    )
    reasons = recommend(arrays, request).items[0].reasons
    assert reasons == [
        "95 BPM, within the 90–100 BPM of your brief",
        "Sad mood (valence 0.20, arousal 0.25), as your brief asks",
    ]


def test_build_reasons_energy_names_each_source_when_they_differ():
    ctx = context(
        energy_target=0.3,
        energy_source="your brief",
        danceability_target=0.72,
        danceability_source="your videos",
    )
    facts = TrackFacts(title="A", artist="B", energy=0.35, danceability=0.7)
    assert build_reasons(facts, {"energy": 0.9}, {"energy": 1.0}, ctx)[0] == (
        "Energy 0.35, close to your brief (0.30); danceability 0.70, close to your videos (0.72)"
    )
