"""Fusing picture, soundtrack and text into one point of the shared descriptor space.

Each fused value (tempo, energy, arousal, valence, moods) is a weighted blend of whichever
signals are present, and keeps those signals and weights in `VideoContent.evidence`, so the
dashboard can say why a video reads as energetic or funny.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from music.features import AudioFeatures
from musicrec.core.descriptors import (
    CATEGORY_KEYS,
    MOOD_KEYS,
    Descriptor,
    Label,
    moods_from_valence_arousal,
    normalise_weights,
)
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


@dataclass
class VideoContent:
    """A video in the shared descriptor space, with the evidence behind every fused value.

    0-1 scales throughout except `tempo_bpm`, `loudness_lufs`, `colourfulness` (see
    `VisualFeatures`) and `warmth` (-1 cool .. +1 warm). `partial` is True when a part of the
    media (picture, soundtrack, or all of it) was missing or could only be partly decoded;
    `errors` says which and why.
    """

    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    frames_analyzed: int = 0
    cuts: int | None = None
    cuts_per_min: float | None = None
    motion: float | None = None
    brightness: float | None = None
    saturation: float | None = None
    colourfulness: float | None = None
    warmth: float | None = None
    visual_pace: float | None = None
    tempo_bpm: float | None = None
    tempo_candidates: list[float] = field(default_factory=list)
    tempo_confidence: float | None = None
    tempo_source: str | None = None
    key: str | None = None
    mode: str | None = None
    loudness_lufs: float | None = None
    speech_ratio: float | None = None
    energy: float | None = None
    valence: float | None = None
    arousal: float | None = None
    danceability: float | None = None
    moods: dict[str, float] = field(default_factory=dict)
    category: Label | None = None
    category_scores: dict[str, float] = field(default_factory=dict)
    text_valence: float | None = None
    hashtags: list[str] = field(default_factory=list)
    partial: bool = False
    evidence: dict[str, dict] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready: floats rounded to 4 places, the category as {value, source, confidence}."""
        return _rounded(asdict(self))

    def descriptor(self) -> Descriptor:
        return Descriptor(
            tempo_bpm=self.tempo_bpm,
            energy=self.energy,
            valence=self.valence,
            arousal=self.arousal,
            danceability=self.danceability,
            moods=dict(self.moods),
        )


def fuse(
    *,
    visual: VisualFeatures | None,
    audio: AudioFeatures | None,
    text: TextSignals,
    errors: list[str],
) -> VideoContent:
    """Combine picture, soundtrack and text into one `VideoContent` with its evidence."""
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

    speech = None
    if audio is not None:
        speech = float(audio.speechiness)
        content.speech_ratio = speech
        if speech < SPEECH_DOMINANT:
            content.key, content.mode = audio.key, audio.mode
        elif audio.key:
            evidence["key"] = {"value": None, "why": "soundtrack is mostly speech: no musical key"}
        content.loudness_lufs = audio.loudness_lufs
        content.danceability = audio.danceability
        if audio.danceability is not None:
            evidence["danceability"] = {"value": audio.danceability, "source": "soundtrack"}

    # Tempo: the soundtrack's beat, unless it is mostly speech or absent.
    if audio is not None and audio.tempo_bpm and speech < SPEECH_DOMINANT:
        content.tempo_bpm = float(audio.tempo_bpm)
        content.tempo_candidates = [float(t) for t in audio.tempo_candidates]
        content.tempo_confidence = audio.tempo_confidence
        content.tempo_source = "soundtrack"
        evidence["tempo_bpm"] = {
            "value": content.tempo_bpm,
            "source": "soundtrack",
            "signals": {"soundtrack tempo": audio.tempo_bpm, "speech_ratio": speech},
        }
    elif pace is not None:
        low, high = PACE_TEMPO_RANGE
        content.tempo_bpm = round(low + (high - low) * pace, 1)
        content.tempo_source = "visual pace"
        if audio is None:
            why = "no soundtrack tempo"
        elif speech >= SPEECH_DOMINANT:
            why = f"soundtrack is mostly speech (speech ratio {speech:.2f})"
        else:
            why = "no steady beat found in the soundtrack"
        evidence["tempo_bpm"] = {
            "value": content.tempo_bpm,
            "source": "visual pace",
            "signals": {"visual pace": pace, "speech_ratio": speech},
            "why": why,
            "range_bpm": list(PACE_TEMPO_RANGE),
        }

    audio_energy = audio.energy if audio is not None else None
    content.energy = _blend(
        "energy", {"soundtrack": audio_energy, "visual pace": pace}, ENERGY_WEIGHTS, evidence
    )
    audio_arousal = audio.arousal if audio is not None else None
    content.arousal = _blend(
        "arousal", {"soundtrack": audio_arousal, "visual pace": pace}, AROUSAL_WEIGHTS, evidence
    )
    picture_valence = None
    if visual is not None:
        picture_valence = (
            _PICTURE_VALENCE["brightness"] * visual.brightness
            + _PICTURE_VALENCE["saturation"] * visual.saturation
        ) / sum(_PICTURE_VALENCE.values())
    valence_weights = dict(VALENCE_WEIGHTS)
    if speech is not None:
        valence_weights["soundtrack"] *= 1.0 - speech
    content.valence = _blend(
        "valence",
        {
            "soundtrack": audio.valence if audio is not None else None,
            "text": text.valence,
            "picture": picture_valence,
        },
        valence_weights,
        evidence,
    )
    content.moods = _moods(content, text, evidence)
    content.evidence = evidence
    return content


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


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 4) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value
