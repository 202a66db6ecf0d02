"""Fusing picture, soundtrack and text into one point of the shared descriptor space.

Each fused value (tempo, energy, arousal, valence, moods) is a weighted blend of whichever
signals are present, and keeps those signals and weights in `VideoContent.evidence`, so the
dashboard can say why a video reads as energetic or funny. The result types live in `result`.
"""

from __future__ import annotations

import numpy as np

from music.features import AudioFeatures
from musicrec.core.descriptors import (
    CATEGORY_KEYS,
    MOOD_KEYS,
    moods_from_valence_arousal,
    normalise_weights,
)
from videos.content.result import SoundMetadata, VideoContent
from videos.content.text import FIELD_WEIGHTS, TextSignals
from videos.content.visual import PACE_WEIGHTS, VisualFeatures

# Speechiness at or over which the soundtrack counts as mostly speech (Spotify's 0.66 boundary):
# the beat tracker then locks onto syllables, so the tempo comes from the visual pace instead.
SPEECH_DOMINANT = 0.66
# A tempo-like value for speech videos: a still talking head maps to a slow 70 BPM, the busiest
# edit to 150 BPM, the range where most TikTok music sits.
PACE_TEMPO_RANGE = (70.0, 150.0)
# Energy and arousal: what is heard dominates how energetic a clip feels, but a fast edit over a
# calm track still reads as busier, so the picture keeps a third.
ENERGY_WEIGHTS = {"soundtrack": 0.65, "visual pace": 0.35}
AROUSAL_WEIGHTS = {"soundtrack": 0.6, "visual pace": 0.4}
# Valence: music carries most of it; the caption's sentiment is a direct but sparse statement;
# bright, saturated pictures read as more pleasant (Valdez & Mehrabian 1994), a weak cue.
# The soundtrack's share shrinks with its speechiness: the valence of speech is not musical.
VALENCE_WEIGHTS = {"soundtrack": 0.55, "text": 0.25, "picture": 0.20}
# Valdez & Mehrabian's pleasure coefficients for brightness and saturation.
_PICTURE_VALENCE = {"brightness": 0.69, "saturation": 0.22}
# Text mood cues (funny, romantic, ...) take at most this share of the mood weights: they say
# what the video is about, the sound and picture say how it feels.
TEXT_MOOD_SHARE = 0.4
# How the evidence names values taken from the sound's stored music analysis.
SOUND_METADATA = "sound metadata"
SOUND_GENRE_SOURCE = "music analysis"


def fuse(
    *,
    visual: VisualFeatures | None,
    audio: AudioFeatures | None,
    text: TextSignals,
    errors: list[str],
    sound: SoundMetadata | None = None,
) -> VideoContent:
    """Combine picture, soundtrack and text into one `VideoContent` with its evidence.

    `sound` (the music analysis of the sound used) adds the genre, and stands in for the
    soundtrack when `audio` is None (see `SoundMetadata`).
    """
    content = VideoContent(
        category=text.category,
        category_scores=text.category_scores,
        text_valence=text.valence,
        hashtags=text.hashtags,
        partial=visual is None or audio is None or bool(errors),
        errors=list(errors),
    )
    evidence: dict[str, dict] = {}
    if text.evidence:
        evidence["category"] = {
            "signals": {k: v for k, v in text.evidence.items() if k in CATEGORY_KEYS},
            "weights": dict(FIELD_WEIGHTS),
        }
    if sound is not None and sound.genres:
        content.genre, content.genres = sound.genre, dict(sound.genres)
        evidence["genres"] = {
            "source": SOUND_GENRE_SOURCE,
            "music_id": sound.music_id,
            "title": sound.title,
            "genre_source": sound.genre.source if sound.genre else None,
        }
    pace = None
    if visual is not None:
        pace = visual.visual_pace
        content.frames_analyzed = visual.frames_analyzed
        content.cuts, content.cuts_per_min = visual.cuts, visual.cuts_per_min
        content.motion, content.brightness = visual.motion, visual.brightness
        content.saturation, content.colourfulness = visual.saturation, visual.colourfulness
        content.warmth, content.visual_pace = visual.warmth, visual.visual_pace
        evidence["visual_pace"] = {
            "value": pace,
            "signals": {"cuts_per_min": visual.cuts_per_min, "motion": visual.motion},
            "weights": dict(PACE_WEIGHTS),
            "cut_times": visual.cut_times,
        }

    # What is heard: the measured soundtrack, or else the sound's stored metadata.
    track: AudioFeatures | SoundMetadata | None = audio
    heard = "soundtrack"
    if audio is None and sound is not None and sound.has_descriptor:
        track, heard = sound, SOUND_METADATA
    speech = None
    if track is not None:
        speech = None if track.speechiness is None else float(track.speechiness)
        musical = speech is None or speech < SPEECH_DOMINANT
        if audio is not None:
            content.speech_ratio = speech
            content.loudness_lufs = audio.loudness_lufs
        if musical:
            content.key, content.mode = track.key or None, track.mode or None
        elif track.key:
            evidence["key"] = {"value": None, "why": "soundtrack is mostly speech: no musical key"}
        content.danceability = track.danceability
        if track.danceability is not None:
            evidence["danceability"] = {"value": track.danceability, "source": heard}

    # Tempo: the soundtrack's beat (or the sound's), unless it is mostly speech or absent.
    if track is not None and track.tempo_bpm and (speech is None or speech < SPEECH_DOMINANT):
        content.tempo_bpm = float(track.tempo_bpm)
        content.tempo_source = heard
        signals = {f"{heard} tempo": track.tempo_bpm, "speech_ratio": speech}
        evidence["tempo_bpm"] = {"value": content.tempo_bpm, "source": heard, "signals": signals}
        if audio is not None:
            content.tempo_candidates = [float(t) for t in audio.tempo_candidates]
            content.tempo_confidence = audio.tempo_confidence
        else:
            evidence["tempo_bpm"].update(_sound_reference(sound))
    elif pace is not None:
        low, high = PACE_TEMPO_RANGE
        content.tempo_bpm = round(low + (high - low) * pace, 1)
        content.tempo_source = "visual pace"
        if track is None:
            why = "no soundtrack tempo"
        elif speech is not None and speech >= SPEECH_DOMINANT:
            why = f"{heard} is mostly speech (speech ratio {speech:.2f})"
        else:
            why = f"no steady beat found in the {heard}"
        evidence["tempo_bpm"] = {
            "value": content.tempo_bpm,
            "source": "visual pace",
            "signals": {"visual pace": pace, "speech_ratio": speech},
            "why": why,
            "range_bpm": list(PACE_TEMPO_RANGE),
        }

    track_energy = track.energy if track is not None else None
    content.energy = _blend(
        "energy",
        {heard: track_energy, "visual pace": pace},
        _renamed(ENERGY_WEIGHTS, heard),
        evidence,
    )
    track_arousal = track.arousal if track is not None else None
    content.arousal = _blend(
        "arousal",
        {heard: track_arousal, "visual pace": pace},
        _renamed(AROUSAL_WEIGHTS, heard),
        evidence,
    )
    picture_valence = None
    if visual is not None:
        picture_valence = (
            _PICTURE_VALENCE["brightness"] * visual.brightness
            + _PICTURE_VALENCE["saturation"] * visual.saturation
        ) / sum(_PICTURE_VALENCE.values())
    valence_weights = _renamed(VALENCE_WEIGHTS, heard)
    if speech is not None:
        valence_weights[heard] *= 1.0 - speech
    content.valence = _blend(
        "valence",
        {
            heard: track.valence if track is not None else None,
            "text": text.valence,
            "picture": picture_valence,
        },
        valence_weights,
        evidence,
    )
    if heard == SOUND_METADATA:
        for name in ("energy", "arousal", "valence"):
            if name in evidence and SOUND_METADATA in evidence[name]["signals"]:
                evidence[name].update(_sound_reference(sound))
    content.moods = _moods(content, text, evidence)
    content.evidence = evidence
    return content


def _renamed(weights: dict[str, float], heard: str) -> dict[str, float]:
    """The fusion weights with the soundtrack's share under the name of what was heard."""
    return {heard if k == "soundtrack" else k: v for k, v in weights.items()}


def _sound_reference(sound: SoundMetadata | None) -> dict[str, object]:
    """Which track the stand-in values came from, for the evidence."""
    if sound is None:
        return {}
    return {
        "music_id": sound.music_id,
        "title": sound.title,
        "feature_source": sound.feature_source,
        "why": "the video's own soundtrack could not be measured",
    }


def _blend(
    name: str,
    signals: dict[str, float | None],
    weights: dict[str, float],
    evidence: dict[str, dict],
) -> float | None:
    """Weighted mean of the signals that are present, recorded in `evidence[name]`."""
    present = {k: float(v) for k, v in signals.items() if v is not None and weights.get(k, 0) > 0}
    if not present:
        return None
    total = sum(weights[k] for k in present)
    value = sum(weights[k] * v for k, v in present.items()) / total
    evidence[name] = {
        "value": round(value, 4),
        "signals": present,
        "weights": {k: round(weights[k] / total, 4) for k in present},
    }
    return float(np.clip(value, 0.0, 1.0))


def _moods(content: VideoContent, text: TextSignals, evidence: dict[str, dict]) -> dict[str, float]:
    """Moods from the valence/arousal point, with text cues (funny, romantic...) mixed in."""
    base: dict[str, float] = {}
    if content.valence is not None and content.arousal is not None:
        base = moods_from_valence_arousal(content.valence, content.arousal, mode=content.mode)
    cues = {k: v for k, v in text.mood_cues.items() if v > 0}
    if not base and not cues:
        return {}
    if not base:
        moods = normalise_weights(cues)
    else:
        share = TEXT_MOOD_SHARE * max(cues.values(), default=0.0)
        cue_weights = normalise_weights(cues)
        moods = {
            mood: (1 - share) * base.get(mood, 0.0) + share * cue_weights.get(mood, 0.0)
            for mood in {*base, *cue_weights}
        }
        moods = normalise_weights(moods)
    evidence["moods"] = {
        "signals": {
            "valence": content.valence,
            "arousal": content.arousal,
            "mode": content.mode,
            "text cues": cues,
        },
        "text_share": round(TEXT_MOOD_SHARE * max(cues.values(), default=0.0), 4) if base else 1.0,
    }
    # Every mood of the shared vocabulary, zeros included, as tracks list them.
    return {mood: moods.get(mood, 0.0) for mood in MOOD_KEYS}
