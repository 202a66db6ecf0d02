"""What a video is like: its pace and colour, its soundtrack, and what its caption says.

Three kinds of evidence are fused into the shared descriptor space (tempo, energy, valence,
arousal, moods) plus a content category: the sampled frames (cuts, motion, brightness, colour),
the soundtrack (music features from `music.features`), and the caption, hashtags and sticker
text (a multilingual lexicon). Every fused value keeps the signals and weights that produced it
in `evidence`, and anything that could not be measured is listed in `errors` instead of failing
the whole analysis. Pure: plain data in, plain data out, no ORM.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from music.features import MIN_SECONDS, AudioFeatures, analyze_samples
from musicrec.core.descriptors import (
    CATEGORY_KEYS,
    MOOD_KEYS,
    Descriptor,
    Label,
    moods_from_valence_arousal,
    normalise_weights,
)
from musicrec.core.errors import MediaDecodeError
from musicrec.core.video import decode_video

LEXICON_PATH = Path(__file__).resolve().parent / "data" / "category_lexicon.json"

# --- Cut detection (analysis-stack §2.2: 9/9 cuts, 1 false positive at 2 fps) --------------------

# A cut is a histogram L1 distance (0-2) over CUT_FLOOR and over CUT_RATIO times the median of
# its CUT_RADIUS neighbours on each side. The floor rejects small changes; the ratio rejects
# shots that change all the time (a hue rotation, a zoom) where every step is large.
CUT_FLOOR = 0.5
CUT_RATIO = 2.0
CUT_RADIUS = 3
_HIST_BINS = (8, 4, 4)  # hue x saturation x value

# --- Visual pace ---------------------------------------------------------------------------------

# Pace saturates: a cut every 3 s (20 per minute), typical of a fast TikTok edit, gives 63 % of
# the cut term; mean frame-to-frame change of 0.04 (Game of Life, handheld walking) 63 % of the
# motion term. Both matter equally to how "busy" a video feels.
PACE_CUTS_PER_MIN_SCALE = 20.0
PACE_MOTION_SCALE = 0.04
PACE_WEIGHTS = {"cuts": 0.5, "motion": 0.5}

# --- Fusion --------------------------------------------------------------------------------------

# A soundtrack whose peak stays under -80 dBFS is silence (a muted upload): analysing it would
# report a sad, calm track instead of no track.
SILENCE_PEAK = 1e-4
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

# --- Text classification -------------------------------------------------------------------------

# A hashtag is a deliberate label; a caption word can be incidental.
FIELD_WEIGHTS = {"hashtags": 1.5, "caption": 1.0, "sticker": 1.0}
# Confidence grows with evidence: one hashtag match gives 0.63 when nothing competes.
CATEGORY_EVIDENCE_SCALE = 1.5
_NO_SPACE_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "ARABIC", "THAI")
_TOKEN_RE = re.compile(r"\w+")
_HASHTAG_RE = re.compile(r"#(\w+)")


# --- Results -------------------------------------------------------------------------------------


@dataclass
class VisualFeatures:
    """Pace and colour of the sampled frames.

    `motion` is the mean absolute grey-level change (0-1) between consecutive samples inside
    shots; `colourfulness` is Hasler & Süsstrunk's M on its published scale (0 grey, ~33
    moderately, ~59 quite, ~82 highly, 109+ extremely colourful); `warmth` is the warm/cool balance
    of the coloured pixels, -1 (all blue) to +1 (all red/orange), 0 for grey.
    """

    frames_analyzed: int
    duration_s: float
    cuts: int
    cut_times: list[float]
    cuts_per_min: float
    motion: float
    brightness: float
    saturation: float
    colourfulness: float
    warmth: float
    visual_pace: float


@dataclass
class TextSignals:
    """What the caption, hashtags and sticker text say."""

    category: Label | None
    category_scores: dict[str, float]
    valence: float | None
    mood_cues: dict[str, float]
    hashtags: list[str]
    evidence: dict[str, list[str]]


@dataclass
class VideoContent:
    """A video in the shared descriptor space, with the evidence behind every fused value.

    0-1 scales throughout except `tempo_bpm`, `loudness_lufs`, `colourfulness` (see
    `VisualFeatures`) and `warmth` (-1 cool .. +1 warm). `partial` is True when a part of the
    media (picture, soundtrack, or all of it) was missing; `errors` says which and why.
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


# --- Entry points --------------------------------------------------------------------------------


def analyze_video_file(
    path: str | os.PathLike,
    *,
    caption: str = "",
    hashtags: Sequence[str] = (),
    sticker_text: str = "",
    fps: float = 2.0,
    max_seconds: float | None = 60.0,
) -> VideoContent:
    """Analyse a video file's frames and soundtrack together with its text.

    Decodes once at `fps` (the first `max_seconds`). A file without a picture or a soundtrack
    gives a partial result with the reason in `errors`; a file with nothing decodable raises
    `MediaDecodeError` naming the file.
    """
    decoded = decode_video(path, fps=fps, max_seconds=max_seconds)
    errors = list(decoded.errors)
    visual = (
        analyze_frames(decoded.frames, fps, times=decoded.frame_times)
        if decoded.has_frames
        else None
    )
    audio = None
    if decoded.has_audio:
        seconds = len(decoded.audio) / decoded.sr
        if seconds < MIN_SECONDS:
            errors.append(f"soundtrack not analysed: only {seconds:.2f} s long")
        elif float(np.max(np.abs(decoded.audio))) < SILENCE_PEAK:
            errors.append("soundtrack not analysed: it is silent")
        else:
            try:
                audio = analyze_samples(decoded.audio, decoded.sr)
            except (ValueError, MediaDecodeError) as exc:
                errors.append(f"soundtrack not analysed: {exc}")
    text = classify_text(caption, hashtags, sticker_text)
    content = fuse(visual=visual, audio=audio, text=text, errors=errors)
    content.duration_s = decoded.duration_s
    content.width, content.height, content.fps = decoded.width, decoded.height, decoded.fps
    return content


def analyze_text_only(
    caption: str = "",
    hashtags: Sequence[str] = (),
    sticker_text: str = "",
    *,
    duration_s: float | None = None,
    reason: str = "no media file: analysed from the caption and hashtags only",
) -> VideoContent:
    """A partial analysis for a video whose media is unavailable (expired URL, slideshow)."""
    text = classify_text(caption, hashtags, sticker_text)
    content = fuse(visual=None, audio=None, text=text, errors=[reason])
    content.duration_s = duration_s
    return content


# --- Frames --------------------------------------------------------------------------------------


def analyze_frames(
    frames: np.ndarray, fps: float, *, times: np.ndarray | None = None
) -> VisualFeatures:
    """Cuts, motion, brightness and colour of frames (n, h, w, 3) uint8 sampled at `fps`."""
    frames = np.asarray(frames)
    n = len(frames)
    if n == 0:
        raise ValueError("analyze_frames needs at least one frame")
    if times is None or len(times) != n:
        times = np.arange(n) / fps
    hue, sat, val = _hsv(frames)
    r, g, b = (np.ascontiguousarray(frames[..., i], dtype=np.float32) for i in range(3))
    grey = (0.299 / 255.0) * r + (0.587 / 255.0) * g + (0.114 / 255.0) * b

    distances = histogram_distances(hue, sat, val)
    cut_index = detect_cuts(distances)
    # Span covered by the samples: the last one stands for 1/fps of video.
    duration = float(times[-1] - times[0]) + 1.0 / fps
    changes = np.abs(np.diff(grey, axis=0)).mean(axis=(1, 2)) if n > 1 else np.zeros(0)
    within_shots = np.delete(changes, cut_index) if len(changes) else changes
    motion = float(within_shots.mean()) if len(within_shots) else 0.0
    cuts_per_min = len(cut_index) / duration * 60.0
    pace = PACE_WEIGHTS["cuts"] * (1 - math.exp(-cuts_per_min / PACE_CUTS_PER_MIN_SCALE)) + (
        PACE_WEIGHTS["motion"] * (1 - math.exp(-motion / PACE_MOTION_SCALE))
    )
    return VisualFeatures(
        frames_analyzed=n,
        duration_s=duration,
        cuts=len(cut_index),
        cut_times=[float((times[i] + times[i + 1]) / 2) for i in cut_index],
        cuts_per_min=cuts_per_min,
        motion=motion,
        brightness=float(val.mean()),
        saturation=float(sat.mean()),
        colourfulness=_colourfulness(r, g, b),
        warmth=_warmth(r, b, sat * val * 255.0),
        visual_pace=float(pace),
    )


def histogram_distances(hue: np.ndarray, sat: np.ndarray, val: np.ndarray) -> np.ndarray:
    """L1 distance (0-2) between consecutive frames' normalised 8x4x4 HSV histograms."""
    hb, sb, vb = _HIST_BINS
    h_bin = np.minimum((hue / 360.0 * hb).astype(np.int32), hb - 1)
    s_bin = np.minimum((sat * sb).astype(np.int32), sb - 1)
    v_bin = np.minimum((val * vb).astype(np.int32), vb - 1)
    n, bins = len(hue), hb * sb * vb
    codes = (h_bin * sb + s_bin) * vb + v_bin + (np.arange(n) * bins)[:, None, None]
    hist = np.bincount(codes.ravel(), minlength=n * bins).reshape(n, bins).astype(np.float64)
    hist /= hist.sum(axis=1, keepdims=True)
    return np.abs(np.diff(hist, axis=0)).sum(axis=1)


def detect_cuts(
    distances: np.ndarray,
    *,
    floor: float = CUT_FLOOR,
    ratio: float = CUT_RATIO,
    radius: int = CUT_RADIUS,
) -> list[int]:
    """Indices i where a hard cut falls between samples i and i+1.

    Adaptive rule: the distance must clear an absolute floor and stand out `ratio` times above
    the median of its neighbours, so continuous change (zooms, hue sweeps) is not read as cuts.
    """
    distances = np.asarray(distances, dtype=np.float64)
    cuts = []
    for i, d in enumerate(distances):
        if d <= floor:
            continue
        neighbours = np.concatenate(
            [distances[max(0, i - radius) : i], distances[i + 1 : i + 1 + radius]]
        )
        if not len(neighbours) or d > ratio * float(np.median(neighbours)):
            cuts.append(i)
    return cuts


def _hsv(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hue (degrees), saturation and value (0-1) of uint8 RGB frames, as float32.

    Works on contiguous channel planes: numpy reductions over a last axis of 3 are ~20x slower.
    """
    r, g, b = (np.ascontiguousarray(frames[..., i], dtype=np.float32) for i in range(3))
    maxc = np.maximum(np.maximum(r, g), b)
    minc = np.minimum(np.minimum(r, g), b)
    delta = maxc - minc
    inv = np.divide(1.0, delta, out=np.zeros_like(delta), where=delta > 0)
    hue = np.where(
        maxc == r,
        (g - b) * inv,
        np.where(maxc == g, (b - r) * inv + 2.0, (r - g) * inv + 4.0),
    )
    hue = np.where(hue < 0, hue + 6.0, hue) * 60.0
    sat = np.divide(delta, maxc, out=np.zeros_like(delta), where=maxc > 0)
    return hue, sat, maxc / 255.0


def _colourfulness(r: np.ndarray, g: np.ndarray, b: np.ndarray) -> float:
    """Hasler & Süsstrunk (2003) colourfulness M per frame, averaged (0-255 channel scale)."""
    rg = r - g
    yb = 0.5 * (r + g) - b
    axes = (1, 2)
    std = np.sqrt(rg.std(axis=axes) ** 2 + yb.std(axis=axes) ** 2)
    mean = np.sqrt(rg.mean(axis=axes) ** 2 + yb.mean(axis=axes) ** 2)
    return float((std + 0.3 * mean).mean())


def _warmth(r: np.ndarray, b: np.ndarray, chroma: np.ndarray) -> float:
    """Chroma-weighted red-minus-blue balance, -1..1; grey pixels carry no weight."""
    total = float(chroma.sum(dtype=np.float64))
    if total < 1e-6 * chroma.size * 255:
        return 0.0
    return float(np.clip((r - b).sum(dtype=np.float64) / total, -1.0, 1.0))


# --- Text ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CueSet:
    """One lexicon entry compiled for matching (see the lexicon's "about" for the rules)."""

    words: frozenset[str]
    prefixes: tuple[str, ...]
    phrases: tuple[str, ...]
    substrings: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    hashtag_terms: tuple[str, ...]  # words and phrases without spaces, also without accents


@dataclass(frozen=True)
class _Lexicon:
    generic_hashtags: frozenset[str]
    categories: dict[str, _CueSet]
    sentiment: dict[str, _CueSet]
    moods: dict[str, _CueSet]


@functools.cache
def load_lexicon(path: str | os.PathLike = LEXICON_PATH) -> _Lexicon:
    """The category, sentiment and mood lexicon, compiled once per process."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    categories = {key: _compile(raw["categories"][key]) for key in CATEGORY_KEYS}
    return _Lexicon(
        generic_hashtags=frozenset(_normalise(tag) for tag in raw["generic_hashtags"]),
        categories=categories,
        sentiment={key: _compile(entry) for key, entry in raw["sentiment"].items()},
        moods={key: _compile(entry) for key, entry in raw["moods"].items()},
    )


def classify_text(
    caption: str = "", hashtags: Sequence[str] = (), sticker_text: str = ""
) -> TextSignals:
    """Content category, sentiment (valence) and mood cues from a video's text.

    The category's confidence is its share of the evidence times how much evidence there is,
    so one stray word stays unsure and a caption pulling two ways is less sure than one that
    agrees with its hashtags.
    """
    lexicon = load_lexicon()
    caption = _normalise(caption or "")
    tags = [_normalise(tag).lstrip("#") for tag in hashtags if tag]
    tags += _HASHTAG_RE.findall(caption)
    tags = list(dict.fromkeys(tag for tag in tags if tag and tag not in lexicon.generic_hashtags))
    fields = {
        "caption": _HASHTAG_RE.sub(" ", caption),
        "hashtags": tags,
        "sticker": _normalise(sticker_text or ""),
    }

    evidence: dict[str, list[str]] = {}
    raw_scores: dict[str, float] = {}
    sources: dict[str, set[str]] = {}
    for key, cues in lexicon.categories.items():
        for name in ("caption", "hashtags", "sticker"):
            matched = _match(cues, fields[name])
            if matched:
                raw_scores[key] = raw_scores.get(key, 0.0) + FIELD_WEIGHTS[name] * len(matched)
                sources.setdefault(key, set()).add(name)
                evidence.setdefault(key, []).extend(f"{name}: {m}" for m in sorted(matched))

    category = None
    scores = normalise_weights(raw_scores)
    if scores:
        best = max(raw_scores, key=lambda k: (raw_scores[k], -CATEGORY_KEYS.index(k)))
        confidence = scores[best] * (1 - math.exp(-raw_scores[best] / CATEGORY_EVIDENCE_SCALE))
        source = " + ".join(n for n in ("caption", "hashtags", "sticker") if n in sources[best])
        category = Label(value=best, source=source, confidence=round(confidence, 4))

    counts = {}
    for key, cues in {
        **lexicon.sentiment,
        **{f"mood:{k}": v for k, v in lexicon.moods.items()},
    }.items():
        matched = set()
        for name, value in fields.items():
            matched |= {f"{name}: {m}" for m in _match(cues, value)}
        if matched:
            counts[key] = len(matched)
            evidence.setdefault(key, []).extend(sorted(matched))
    positive, negative = counts.get("positive", 0), counts.get("negative", 0)
    valence = (
        0.5 + 0.5 * (positive - negative) / (positive + negative + 1)
        if positive + negative
        else None
    )
    mood_cues = {
        key.removeprefix("mood:"): round(1 - math.exp(-count), 4)
        for key, count in counts.items()
        if key.startswith("mood:")
    }
    if category is not None and category.value == "comedy":
        mood_cues["funny"] = max(mood_cues.get("funny", 0.0), category.confidence)
    return TextSignals(
        category=category,
        category_scores=scores,
        valence=None if valence is None else round(valence, 4),
        mood_cues=mood_cues,
        hashtags=tags,
        evidence=evidence,
    )


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text)


def _needs_substring(term: str) -> bool:
    """True for emoji and for scripts that attach words or write without spaces."""
    for ch in term:
        if ch.isalpha():
            return any(script in unicodedata.name(ch, "") for script in _NO_SPACE_SCRIPTS)
    return True


def _compile(entry: dict) -> _CueSet:
    words, prefixes, phrases, substrings = set(), [], [], list(entry.get("emoji", []))
    for term in entry.get("terms", []):
        term = _normalise(term)
        if _needs_substring(term):
            substrings.append(term)
        elif term.endswith("*"):
            prefixes.append(term[:-1])
        elif len(_tokens(term)) > 1:
            phrases.append(" ".join(_tokens(term)))
        else:
            words.add(term)
    joined = [*words, *(p.replace(" ", "") for p in phrases)]
    return _CueSet(
        words=frozenset(words),
        prefixes=tuple(prefixes),
        phrases=tuple(phrases),
        substrings=tuple(_normalise(s) for s in substrings),
        # NFKC like the text (it turns compatibility jamo such as "ㅋ" into conjoining ones).
        patterns=tuple(
            re.compile(unicodedata.normalize("NFKC", p)) for p in entry.get("patterns", [])
        ),
        # Hashtags are often typed without accents (#receitas, #educacao, #dulich).
        hashtag_terms=tuple(dict.fromkeys([*joined, *(_fold(t) for t in joined)])),
    )


def _fold(text: str) -> str:
    """Text without diacritics ("thú cưng" -> "thu cung"), for matching accentless hashtags."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _match(cues: _CueSet, value: str | list[str]) -> set[str]:
    """The lexicon terms found in one text field (a string) or in a list of hashtags."""
    found: set[str] = set()
    if isinstance(value, list):
        for tag in value:
            found |= _match_hashtag(cues, tag)
    elif value:
        tokens = _tokens(value)
        spaced = f" {' '.join(tokens)} "
        found |= {t for t in tokens if t in cues.words}
        found |= {p + "*" for p in cues.prefixes if any(t.startswith(p) for t in tokens)}
        found |= {p for p in cues.phrases if f" {p} " in spaced}
        found |= {s for s in cues.substrings if s in value}
        found |= {m.group(0) for pattern in cues.patterns for m in [pattern.search(value)] if m}
    # "danc*" inside "dance", "旅" inside "旅行": one piece of evidence, counted once.
    return {
        term
        for term in found
        if not any(term.rstrip("*") in other and term != other for other in found)
    }


def _match_hashtag(cues: _CueSet, tag: str) -> set[str]:
    """At most one match per hashtag: a tag is one deliberate label, however many terms fit."""
    found = [
        term
        for term in cues.hashtag_terms
        if tag == term
        or (len(term) >= 4 and tag.startswith(term))
        or (len(term) >= 5 and tag.endswith(term))
    ]
    found += [p + "*" for p in cues.prefixes if tag.startswith(p)]
    found += [s for s in cues.substrings if s in tag]
    found += [m.group(0) for pattern in cues.patterns for m in [pattern.search(tag)] if m]
    return {f"#{tag} ({max(found, key=len)})"} if found else set()


# --- Fusion --------------------------------------------------------------------------------------


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
        partial=visual is None or audio is None,
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
