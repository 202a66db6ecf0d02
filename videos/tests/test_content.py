"""Video content analysis on generated videos whose truth is known by construction.

Every clip is built here: numpy frames from `synth_scenes` and a soundtrack from
`musicrec.core.synth`, encoded to H.264 + AAC with PyAV, then analysed through the real decoder.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from musicrec.core.descriptors import CATEGORY_KEYS, MOOD_KEYS, Label
from musicrec.core.errors import MediaDecodeError
from musicrec.core.synth import render_music, render_speech_like
from musicrec.core.video import synth_scenes, write_video
from videos.content import (
    CUT_FLOOR,
    ENERGY_WEIGHTS,
    SOUND_GENRE_SOURCE,
    SOUND_METADATA,
    SPEECH_DOMINANT,
    SoundMetadata,
    VideoContent,
    analyze_frames,
    analyze_text_only,
    analyze_video_file,
    classify_text,
    detect_cuts,
    load_lexicon,
)

SR = 22050
FPS = 10
SIZE = (90, 160)


def _clip(
    folder: Path,
    name: str,
    *,
    seconds: float = 12.0,
    audio: np.ndarray | None = None,
    frames: bool = True,
    **scene,
) -> Path:
    params = dict(cuts=0, motion=0.3, brightness=0.6, saturation=0.6, warmth=0.0, seed=5)
    params.update(scene)
    images = synth_scenes(seconds=seconds, fps=FPS, size=SIZE, **params) if frames else []
    return write_video(folder / f"{name}.mp4", frames=images, fps=FPS, audio=audio)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("content")


def _visual(folder: Path, name: str, **scene) -> VideoContent:
    """A silent generated clip analysed end to end (decode + frame features)."""
    return analyze_video_file(_clip(folder, name, **scene))


# --- Picture ---------------------------------------------------------------------------------


def test_analyze_video_file_static_vs_moving(folder):
    still = _visual(folder, "still", motion=0.0)
    moving = _visual(folder, "moving", motion=0.8)
    assert still.motion < 0.002
    assert moving.motion > 0.02
    assert moving.visual_pace > still.visual_pace + 0.3
    assert still.cuts == moving.cuts == 0


@pytest.mark.parametrize("cuts", [0, 10])
def test_analyze_video_file_counts_hard_cuts(folder, cuts):
    content = _visual(folder, f"cuts{cuts}", seconds=20.0, cuts=cuts, motion=0.5)
    assert abs(content.cuts - cuts) <= 1
    assert content.cuts_per_min == pytest.approx(cuts * 3.0, abs=3.0)  # per minute of 20 s
    assert content.frames_analyzed == 40


def test_analyze_video_file_more_cuts_means_faster_pace(folder):
    calm = _visual(folder, "calm", seconds=20.0, cuts=0, motion=0.2)
    busy = _visual(folder, "busy", seconds=20.0, cuts=10, motion=0.2)
    assert busy.visual_pace > calm.visual_pace + 0.2


def test_analyze_video_file_dark_vs_bright(folder):
    dark = _visual(folder, "dark", brightness=0.15)
    bright = _visual(folder, "bright", brightness=0.85)
    assert dark.brightness == pytest.approx(0.15, abs=0.05)
    assert bright.brightness == pytest.approx(0.85, abs=0.05)


def test_analyze_video_file_grey_vs_saturated(folder):
    grey = _visual(folder, "grey", saturation=0.0)
    vivid = _visual(folder, "vivid", saturation=0.85)
    assert grey.saturation < 0.05 and grey.colourfulness < 3
    assert vivid.saturation == pytest.approx(0.85, abs=0.08)
    assert vivid.colourfulness > 40


def test_analyze_video_file_warm_vs_cool(folder):
    warm = _visual(folder, "warm", warmth=1.0, cuts=3)
    cool = _visual(folder, "cool", warmth=-1.0, cuts=3)
    assert warm.warmth > 0.7
    assert cool.warmth < -0.7


def test_analyze_video_file_without_soundtrack_is_partial_and_says_why(folder):
    content = _visual(folder, "mute", cuts=2)
    assert content.partial
    assert content.errors == ["no soundtrack: the file has no audio stream"]
    assert content.tempo_source == "visual pace"
    assert 70 <= content.tempo_bpm <= 150
    assert content.energy == pytest.approx(content.visual_pace, abs=1e-6)
    assert content.evidence["tempo_bpm"]["why"] == "no soundtrack tempo"


def test_analyze_frames_on_raw_frames_matches_known_colour():
    frames = np.zeros((6, 16, 9, 3), dtype=np.uint8)
    frames[..., 0] = 255  # pure red: hue 0, full saturation and value
    visual = analyze_frames(frames, 2.0)
    assert visual.brightness == pytest.approx(1.0)
    assert visual.saturation == pytest.approx(1.0)
    assert visual.warmth == pytest.approx(1.0)
    assert visual.motion == 0.0 and visual.cuts == 0
    assert visual.duration_s == pytest.approx(3.0)


def test_analyze_frames_rejects_no_frames():
    with pytest.raises(ValueError):
        analyze_frames(np.zeros((0, 16, 9, 3), dtype=np.uint8), 2.0)


def test_detect_cuts_finds_an_isolated_jump():
    distances = np.array([0.05, 0.04, 0.06, 1.4, 0.05, 0.03, 0.04])
    assert detect_cuts(distances) == [3]


def test_detect_cuts_ignores_continuous_change():
    # A hue sweep or zoom: every step is large, none stands out from its neighbours.
    distances = np.full(20, 0.9) + np.linspace(0, 0.1, 20)
    assert detect_cuts(distances) == []


def test_detect_cuts_needs_the_floor():
    distances = np.array([0.0, 0.0, CUT_FLOOR - 0.05, 0.0, 0.0])
    assert detect_cuts(distances) == []


def test_detect_cuts_keeps_cuts_close_together():
    distances = np.array([0.02, 1.2, 0.03, 1.1, 0.02, 0.03, 1.3, 0.02])
    assert detect_cuts(distances) == [1, 3, 6]


# --- Text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("caption", "hashtags", "expected"),
    [
        ("New choreo with my bestie 💃", ["dancechallenge", "fyp"], "dance"),
        ("Bailando con mi hermana 💃", ["baile", "parati"], "dance"),
        ("jajaja no puedo más 😂😂", ["humor"], "comedy"),
        ("wkwkwk ngakak parah", ["lucu"], "comedy"),
        ("Receita fácil de bolo de cenoura", ["receitas"], "food"),
        ("오늘의 먹방 🍜 너무 맛있어요", [], "food"),
        ("أسهل وصفة كيكة", ["طبخ"], "food"),
        ("leg day 💪 no excuses", ["gymtok"], "fitness"),
        ("Утренняя тренировка дома", ["фитнес"], "fitness"),
        ("ranked grind tonight", ["valorant", "gaming"], "gaming"),
        ("今日のダンス練習", ["ダンス"], "dance"),
        ("Voyage à Bali ✈️", ["vacances"], "travel"),
        ("Mèo nhà mình dễ thương quá", ["thucung"], "pets"),
        ("Mein Hund lernt einen neuen Trick", ["hundeliebe"], "pets"),
        ("Le saviez-vous ? L'histoire de la tour Eiffel", ["apprendre"], "education"),
        ("GRWM for a wedding 💄", ["makeup"], "beauty-fashion"),
        ("Golazo en el último minuto ⚽", ["futbol"], "sports"),
        ("acoustic cover of my favourite song 🎸", ["singing"], "music-performance"),
        ("my morning routine ☕", ["dayinmylife"], "lifestyle"),
    ],
)
def test_classify_text_multilingual(caption, hashtags, expected):
    text = classify_text(caption, hashtags)
    assert text.category is not None
    assert text.category.value == expected
    assert text.category.confidence >= 0.6
    assert text.category_scores[expected] == max(text.category_scores.values())
    assert set(text.category_scores) <= set(CATEGORY_KEYS)


@pytest.mark.parametrize(
    ("caption", "hashtags", "expected"),
    [
        ("this experiment shows entropy perfectly", [], "education"),
        ("domingo de enchiladas en familia ❤️", [], "food"),
        ("improvisation du soir", ["pianist"], "music-performance"),
        ("day 8 of Mochi being dramatic", ["cutedog"], "pets"),
        ("hip thrust form check: 3 mistakes", [], "fitness"),
        ("drugstore vs high-end: SPF edition", ["glowup"], "beauty-fashion"),
        ("sunrise at the lake", ["hiddengems"], "travel"),
    ],
)
def test_classify_text_knows_dishes_sciences_breeds_and_instruments(caption, hashtags, expected):
    """Lexicon version 2: everyday category words that version 1 missed."""
    text = classify_text(caption, hashtags)
    assert text.category is not None and text.category.value == expected


def test_classify_text_mixed_evidence_is_less_sure():
    clear = classify_text("pasta recipe", ["food"])
    mixed = classify_text("pasta recipe", ["gym"])
    assert mixed.category.confidence < clear.category.confidence


def test_classify_text_says_where_the_category_came_from():
    assert classify_text("", ["dance"]).category.source == "hashtags"
    assert classify_text("dance with me", ["dance"]).category.source == "caption + hashtags"
    assert classify_text("", [], "dance tutorial").category.source == "sticker"


def test_classify_text_generic_hashtags_say_nothing():
    text = classify_text("", ["fyp", "foryou", "viral", "parati", "xyzbca"])
    assert text.category is None
    assert text.category_scores == {}
    assert text.hashtags == []


def test_classify_text_reads_hashtags_inside_the_caption():
    text = classify_text("best day ever #Skincare #FYP")
    assert text.hashtags == ["skincare"]
    assert text.category.value == "beauty-fashion"


def test_classify_text_laughter_is_a_funny_cue():
    for caption in ("hahaha", "jajajaja", "kkkkkk", "ㅋㅋㅋㅋ", "草www", "ахахах", "lmao 🤣"):
        assert classify_text(caption).mood_cues.get("funny", 0) > 0.5, caption


def test_classify_text_comedy_category_implies_funny():
    text = classify_text("", ["comedy", "prank"])
    assert text.category.value == "comedy"
    assert text.mood_cues["funny"] >= text.category.confidence


def test_classify_text_sentiment():
    happy = classify_text("best day ever, love it 😍")
    sad = classify_text("so sad, crying all night 💔")
    neutral = classify_text("tuesday")
    assert happy.valence > 0.7
    assert sad.valence < 0.3
    assert neutral.valence is None


def test_classify_text_evidence_names_the_matches():
    text = classify_text("New choreo 💃", ["dancechallenge"])
    assert "caption: 💃" in text.evidence["dance"]
    assert any(e.startswith("hashtags: #dancechallenge") for e in text.evidence["dance"])


def test_load_lexicon_covers_every_category_and_is_cached():
    lexicon = load_lexicon()
    assert set(lexicon.categories) == set(CATEGORY_KEYS)
    assert all(
        len(cues.words) + len(cues.substrings) + len(cues.phrases) >= 20
        for cues in lexicon.categories.values()
    )
    assert load_lexicon() is lexicon


def test_analyze_text_only_is_partial_with_text_moods():
    content = analyze_text_only("this prank went wrong 😂", ["comedy"], duration_s=21.0)
    assert content.partial
    assert content.category.value == "comedy"
    assert content.moods["funny"] == max(content.moods.values())
    assert content.tempo_bpm is None and content.energy is None and content.frames_analyzed == 0
    assert content.duration_s == 21.0
    assert content.errors and "no media" in content.errors[0]


def test_video_content_to_dict_is_json_ready():
    data = analyze_text_only("love this 😍", ["food"]).to_dict()
    json.dumps(data)
    assert data["category"]["value"] == "food"
    assert set(data["category"]) == {"value", "source", "confidence"}
    for key in (
        "duration_s",
        "cuts_per_min",
        "motion",
        "brightness",
        "saturation",
        "colourfulness",
        "tempo_bpm",
        "speech_ratio",
        "energy",
        "valence",
        "arousal",
        "moods",
        "errors",
    ):
        assert key in data


# --- Broken media ----------------------------------------------------------------------------


def test_analyze_video_file_corrupt_raises_with_file_name(folder):
    path = folder / "corrupt.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    with pytest.raises(MediaDecodeError, match="corrupt.mp4"):
        analyze_video_file(path)


def test_analyze_video_file_truncated_degrades(folder):
    source = _clip(folder, "whole", seconds=12.0, cuts=4, motion=0.4)
    data = source.read_bytes()
    cut = folder / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    content = analyze_video_file(cut)
    assert 0 < content.frames_analyzed < 24
    assert any("ends early" in e for e in content.errors)
    assert content.brightness is not None


def test_analyze_video_file_damaged_middle_degrades(folder, warm_features):
    music = render_music(bpm=100, key="C", mode="major", seconds=12.0, sr=SR, seed=9)
    data = bytearray(_clip(folder, "to_damage", audio=music, cuts=3).read_bytes())
    n = len(data)
    data[n // 3 : n // 3 + n // 5] = np.random.default_rng(0).bytes(n // 5)
    damaged = folder / "damaged.mp4"
    damaged.write_bytes(bytes(data))
    content = analyze_video_file(damaged)
    assert content.partial
    assert content.frames_analyzed > 0 and content.brightness is not None
    assert any("damaged" in e for e in content.errors)


def test_mood_keys_are_the_shared_vocabulary():
    content = analyze_text_only("so funny 😂 love it", ["comedy"])
    assert set(content.moods) <= set(MOOD_KEYS)


# --- Soundtrack (needs music.features) --------------------------------------------------------


@pytest.mark.parametrize("bpm", [90, 140])
def test_analyze_video_file_soundtrack_tempo(folder, warm_features, bpm):
    music = render_music(bpm=bpm, key="A", mode="minor", seconds=12.0, sr=SR, seed=bpm)
    content = analyze_video_file(_clip(folder, f"music{bpm}", audio=music, cuts=3))
    assert content.tempo_source == "soundtrack"
    candidates = [content.tempo_bpm, *content.tempo_candidates]
    assert any(abs(t - bpm) / bpm <= 0.04 for t in candidates), candidates
    assert content.speech_ratio < SPEECH_DOMINANT
    assert not content.partial and content.errors == []
    assert content.evidence["tempo_bpm"]["source"] == "soundtrack"


def test_analyze_video_file_speech_soundtrack_uses_visual_pace(folder, warm_features):
    speech = render_speech_like(12.0, SR, 3)
    music = render_music(bpm=120, key="C", mode="major", seconds=12.0, sr=SR, seed=1)
    talking = analyze_video_file(_clip(folder, "talk", audio=speech, cuts=1, motion=0.2))
    song = analyze_video_file(_clip(folder, "song", audio=music, cuts=1, motion=0.2))
    assert talking.speech_ratio > song.speech_ratio
    assert talking.speech_ratio >= SPEECH_DOMINANT
    assert talking.tempo_source == "visual pace"
    assert "speech" in talking.evidence["tempo_bpm"]["why"]
    assert talking.key is None and talking.mode is None  # speech has no musical key
    assert song.tempo_source == "soundtrack"


def test_analyze_video_file_fuses_energy_and_valence_with_evidence(folder, warm_features):
    music = render_music(bpm=128, key="D", mode="major", seconds=12.0, sr=SR, seed=2, energy=0.9)
    content = analyze_video_file(
        _clip(folder, "party", audio=music, cuts=6, motion=0.8),
        caption="best night ever 😍🔥",
        hashtags=["dance"],
    )
    energy = content.evidence["energy"]
    assert set(energy["signals"]) == {"soundtrack", "visual pace"}
    low, high = sorted(energy["signals"].values())
    assert low - 1e-6 <= content.energy <= high + 1e-6
    valence = content.evidence["valence"]
    assert set(valence["signals"]) == {"soundtrack", "text", "picture"}
    assert sum(valence["weights"].values()) == pytest.approx(1.0, abs=1e-3)
    assert content.category.value == "dance"
    assert content.key and content.mode and content.loudness_lufs is not None
    assert sum(content.moods.values()) == pytest.approx(1.0, abs=1e-3)


def test_analyze_video_file_comedy_caption_adds_funny_mood(folder, warm_features):
    music = render_music(bpm=100, key="G", mode="major", seconds=12.0, sr=SR, seed=4)
    path = _clip(folder, "skit", audio=music, cuts=2)
    plain = analyze_video_file(path)
    funny = analyze_video_file(path, caption="this prank 😂😂 lol", hashtags=["comedy"])
    assert plain.moods.get("funny", 0.0) == 0.0
    assert funny.moods["funny"] > 0.2


def test_analyze_video_file_audio_only_degrades(folder, warm_features):
    music = render_music(bpm=110, key="E", mode="minor", seconds=10.0, sr=SR, seed=6)
    content = analyze_video_file(_clip(folder, "audio_only", audio=music, frames=False))
    assert content.partial
    assert content.frames_analyzed == 0 and content.motion is None
    assert content.errors == ["no picture: the file has no video stream"]
    assert content.tempo_source == "soundtrack"
    assert content.energy is not None


def test_analyze_video_file_silent_soundtrack_is_not_analysed(folder, warm_features):
    silence = np.zeros(8 * SR, dtype=np.float32)
    content = analyze_video_file(_clip(folder, "muted", seconds=8.0, audio=silence, cuts=2))
    assert content.partial
    assert content.errors == ["soundtrack not analysed: it is silent"]
    assert content.speech_ratio is None and content.key is None
    assert content.tempo_source == "visual pace"
    assert content.energy == pytest.approx(content.visual_pace, abs=1e-6)


# --- The sound's stored music analysis (SoundMetadata) -----------------------------------------

SOUND = SoundMetadata(
    music_id=7,
    title="Night Drive",
    feature_source="catalogue",
    tempo_bpm=124.0,
    energy=0.9,
    valence=0.8,
    arousal=0.85,
    danceability=0.75,
    key="F",
    mode="major",
    speechiness=0.05,
    genre=Label("electronic", "catalogue", 0.9),
    genres={"electronic": 0.8, "pop": 0.2},
)


def test_analyze_text_only_borrows_the_sounds_tempo_and_genre():
    content = analyze_text_only("new choreo 💃", ["dance"], sound=SOUND)
    assert content.partial
    assert content.tempo_bpm == 124.0 and content.tempo_source == SOUND_METADATA
    assert content.danceability == 0.75 and (content.key, content.mode) == ("F", "major")
    assert content.speech_ratio is None  # nothing of the video itself was heard
    assert content.genres == {"electronic": 0.8, "pop": 0.2}
    assert content.genre == Label("electronic", "catalogue", 0.9)
    assert content.evidence["genres"]["source"] == SOUND_GENRE_SOURCE
    tempo = content.evidence["tempo_bpm"]
    assert (tempo["source"], tempo["music_id"], tempo["feature_source"]) == (
        SOUND_METADATA,
        7,
        "catalogue",
    )
    # No picture either: energy and arousal are the sound's own, and say where they came from.
    assert content.energy == pytest.approx(0.9)
    assert content.evidence["energy"]["signals"] == {SOUND_METADATA: 0.9}
    assert content.evidence["energy"]["music_id"] == 7
    assert content.descriptor().genres == {"electronic": 0.8, "pop": 0.2}
    assert content.moods["energetic"] + content.moods["happy"] > 0.5


def test_analyze_text_only_ignores_the_tempo_of_a_spoken_sound():
    spoken = SoundMetadata(music_id=3, tempo_bpm=180.0, energy=0.4, valence=0.5, speechiness=0.9)
    content = analyze_text_only("storytime", [], sound=spoken)
    assert content.tempo_bpm is None and content.key is None
    # Spoken valence is not musical: its weight drops with the speechiness.
    assert content.evidence["valence"]["signals"] == {SOUND_METADATA: 0.5}
    assert "tempo_bpm" not in content.evidence


def test_analyze_video_file_prefers_its_own_soundtrack_to_the_sounds(folder, warm_features):
    music = render_music(bpm=90, key="A", mode="minor", seconds=12.0, sr=SR, seed=90)
    content = analyze_video_file(_clip(folder, "own_sound", audio=music, cuts=3), sound=SOUND)
    assert content.tempo_source == "soundtrack"
    assert content.tempo_bpm != SOUND.tempo_bpm
    assert "soundtrack" in content.evidence["energy"]["signals"]
    assert SOUND_METADATA not in content.evidence["energy"]["signals"]
    # The genre still comes from the music analysis.
    assert content.genres == SOUND.genres and content.evidence["genres"]["music_id"] == 7


def test_analyze_video_file_without_audio_uses_the_sound_not_the_picture_pace(folder):
    content = analyze_video_file(_clip(folder, "no_audio", cuts=4, motion=0.6), sound=SOUND)
    assert content.tempo_source == SOUND_METADATA and content.tempo_bpm == 124.0
    energy = content.evidence["energy"]
    assert set(energy["signals"]) == {SOUND_METADATA, "visual pace"}
    assert energy["weights"][SOUND_METADATA] == pytest.approx(ENERGY_WEIGHTS["soundtrack"])
    assert energy["why"] == "the video's own soundtrack could not be measured"
