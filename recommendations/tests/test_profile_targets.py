"""Engine targets built from stored analyses (pure: plain dicts, no database)."""

from __future__ import annotations

import math

import pytest

from recommendations.profile_targets import (
    author_target,
    best_music,
    best_used_tracks,
    video_target,
    without_soundtrack,
)
from recommendations.targets import Target


def lift(attribute: str, value: str, lift_value: float | None, videos: int = 4) -> dict:
    return {
        "attribute": attribute,
        "value": value,
        "videos": videos,
        "median_engagement_rate": 0.1,
        "lift": lift_value,
        "note": None if lift_value is not None else "fewer than 3 videos",
    }


METRICS = {
    "reach": {"followers": 120_000, "tier": "mid"},
    "content_profile": {
        "tempo_bpm": 122.0,
        "energy": 0.8,
        "valence": 0.7,
        "arousal": 0.75,
        "danceability": 0.8,
        "genres": {"pop": 0.6, "electronic": 0.4, "not-a-genre": 0.2},
        "moods": {"happy": 0.7, "energetic": 0.3},
        "consistency": {"tempo_bpm": 0.9, "genres": 0.5, "valence": None},
        "profile_videos": 12,
    },
    "music": {
        "attribute_lift": [
            lift("genre", "electronic", 1.4),
            lift("genre", "pop", 0.9),
            lift("genre", "latin", None, videos=2),
            lift("tempo_band", "upbeat", 1.2),
            lift("mood", "happy", 1.3),
        ]
    },
}


def test_author_target_reads_the_stored_content_profile_and_reach():
    target = author_target(METRICS)
    assert target.kind == "author"
    assert (target.tempo_bpm, target.energy, target.valence) == (122.0, 0.8, 0.7)
    assert target.genres == {"pop": 0.6, "electronic": 0.4}  # outside the vocabulary dropped
    assert target.moods == {"happy": 0.7, "energetic": 0.3}
    assert target.consistency == {"tempo_bpm": 0.9, "genres": 0.5, "valence": None}
    assert (target.tier, target.follower_count) == ("mid", 120_000)
    assert target.has_content


def test_author_target_takes_best_genres_from_lifts_above_one():
    target = author_target(METRICS)
    assert target.best_genres == {"electronic": pytest.approx(0.4)}
    # 122 BPM is inside the best band (upbeat, 115-135): the profile tempo stays the target.
    assert target.best_tempo_bpm is None


def test_best_music_uses_the_band_centre_when_the_profile_tempo_is_outside_it():
    genres, tempo = best_music([lift("tempo_band", "upbeat", 1.3)], 95.0)
    assert genres == {}
    assert tempo == pytest.approx(math.sqrt(115 * 135))
    # Half and double time count as inside the band.
    assert best_music([lift("tempo_band", "upbeat", 1.3)], 62.0)[1] is None


def test_best_music_ignores_malformed_rows():
    assert best_music([None, {"attribute": "genre"}, lift("genre", "polka", 2.0)], None) == (
        {},
        None,
    )
    assert best_music("not a list", 120.0) == ({}, None)


def test_author_target_without_analysis_is_a_cold_start_with_a_tier():
    target = author_target(None, followers=2_000_000)
    assert not target.has_content
    assert target.follower_count == 2_000_000
    assert target.tier is None  # the engine derives "mega" from the follower count


def test_author_target_ignores_an_unknown_tier():
    assert author_target({"reach": {"tier": "giga"}}).tier is None


EVIDENCE_DETAIL = {
    "evidence": {
        "tempo_bpm": {"value": 128.0, "source": "soundtrack"},
        "visual_pace": {"value": 0.5},
        "energy": {
            "value": 0.7,
            "signals": {"soundtrack": 0.9, "visual pace": 0.5},
            "weights": {"soundtrack": 0.65, "visual pace": 0.35},
        },
        "arousal": {
            "value": 0.7,
            "signals": {"soundtrack": 0.8, "visual pace": 0.5},
            "weights": {"soundtrack": 0.6, "visual pace": 0.4},
        },
        "valence": {
            "value": 0.6,
            "signals": {"soundtrack": 0.9, "text": 0.4},
            "weights": {"soundtrack": 0.7, "text": 0.3},
        },
        "danceability": {"value": 0.8, "source": "soundtrack"},
        "moods": {"signals": {"text cues": {"funny": 1.0}}},
    }
}


def test_without_soundtrack_reblends_values_from_picture_and_text_only():
    fields = {
        "tempo_bpm": 128.0,
        "tempo_source": "soundtrack",
        "energy": 0.76,
        "arousal": 0.68,
        "valence": 0.75,
        "danceability": 0.8,
        "moods": {"energetic": 1.0},
        "detail": EVIDENCE_DETAIL,
    }
    clean = without_soundtrack(fields)
    assert clean["energy"] == pytest.approx(0.5)
    assert clean["arousal"] == pytest.approx(0.5)
    assert clean["valence"] == pytest.approx(0.4)
    assert clean["danceability"] is None
    assert clean["tempo_bpm"] == pytest.approx(110.0)  # visual pace 0.5 on 70-150 BPM
    assert clean["moods"]["funny"] > 0


def test_without_soundtrack_keeps_a_text_only_analysis():
    fields = {
        "tempo_bpm": None,
        "energy": None,
        "valence": 0.3,
        "arousal": None,
        "detail": {"evidence": {"valence": {"signals": {"text": 0.3}, "weights": {"text": 1}}}},
    }
    assert without_soundtrack(fields) == {**fields, "genres": {}}


def test_without_soundtrack_drops_what_came_from_the_sounds_stored_analysis():
    reference = {"music_id": 7, "title": "Song", "feature_source": "audio"}
    fields = {
        "tempo_bpm": 92.0,
        "tempo_source": "sound metadata",
        "energy": 0.41,
        "valence": 0.5,
        "arousal": 0.36,
        "danceability": 0.82,
        "genres": {"folk-acoustic": 1.0},
        "detail": {
            "evidence": {
                "genres": {"source": "music analysis", "music_id": 7},
                "tempo_bpm": {"value": 92.0, "source": "sound metadata", **reference},
                "energy": {
                    "signals": {"sound metadata": 0.41},
                    "weights": {"sound metadata": 1.0},
                    **reference,
                },
                "valence": {
                    "signals": {"sound metadata": 0.6, "text": 0.2},
                    "weights": {"sound metadata": 0.55, "text": 0.25},
                },
                "danceability": {"value": 0.82, "source": "sound metadata"},
            }
        },
    }
    clean = without_soundtrack(fields)
    assert clean["genres"] == {} and clean["danceability"] is None
    assert clean["tempo_bpm"] is None and clean["energy"] is None and clean["arousal"] is None
    assert clean["valence"] == pytest.approx(0.2)


def test_video_target_takes_the_genre_of_the_sound_it_uses():
    creator = author_target(METRICS)
    target = video_target({"genres": {"rock": 1.0}}, creator)
    assert target.genres == {"rock": 1.0}
    assert target.best_genres == creator.best_genres


def test_without_soundtrack_drops_heard_values_when_no_evidence_was_kept():
    clean = without_soundtrack({"tempo_bpm": 120.0, "tempo_source": "soundtrack", "energy": 0.9})
    assert clean["tempo_bpm"] is None and clean["energy"] is None


def test_video_target_uses_the_video_and_fills_the_rest_from_the_creator():
    creator = author_target(METRICS)
    target = video_target({"tempo_bpm": 90.0, "energy": 0.3, "top_mood": "calm"}, creator)
    assert target.kind == "video"
    assert (target.tempo_bpm, target.energy) == (90.0, 0.3)
    assert target.genres == creator.genres  # a video analysis has no genres
    assert target.moods == {"calm": 1.0}
    # The video's own mood wins over the creator's measured point.
    assert target.valence is None and target.arousal is None
    assert target.danceability == creator.danceability
    assert target.tier == "mid"


def test_video_target_without_analysis_is_the_creator_profile():
    creator = author_target(METRICS)
    target = video_target({}, creator)
    assert (target.tempo_bpm, target.valence, target.arousal) == (122.0, 0.7, 0.75)
    assert video_target({}, None) == Target(kind="video")


def test_best_used_tracks_keeps_tracks_of_better_than_usual_videos_with_their_best_lift():
    # Known rates 0.02 (no catalogue track), 0.04, 0.05, 0.05, 0.06, 0.07, 0.10: median 0.05;
    # tracks 2 and 6 only matched it, track 3 keeps its better video.
    uses = [(None, 0.02), (1, 0.04), (2, 0.05), (6, 0.05), (3, 0.06), (3, 0.10), (4, None)]
    uses.append((5, 0.07))
    assert best_used_tracks(uses) == pytest.approx({3: 2.0, 5: 1.4})


def test_best_used_tracks_is_empty_without_engagement():
    assert best_used_tracks([(1, None), (2, 0.0), (3, 0.0)]) == {}
    assert best_used_tracks([]) == {}
