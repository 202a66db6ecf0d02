"""The content profile the recommender targets for a creator.

It blends two kinds of evidence per video, in the shared descriptor vocabulary: what the video
shows (the video content analysis) and the music it used (the track's descriptor). Videos that
engaged better pull harder, so the music a creator performed best with shapes the target more
than tracks that fell flat. Each attribute also gets a consistency in 0-1 that tells the engine
how far to trust it: a creator who always posts calm acoustic videos has a sharp target, one who
posts everything has a blurred one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from musicrec.core.descriptors import Descriptor

from .engagement import median_engagement_rate, video_engagement_rate
from .inputs import VideoInput
from .numeric import entropy, rate, rounded, weighted_mean, weighted_std

# How much of the blend each evidence kind carries when both exist; when only one exists it
# carries everything.
CONTENT_SHARE = 0.5
MUSIC_SHARE = 0.5
# Engagement weight = the video's engagement rate / the creator's median, clipped so one outlier
# can count at most 4x a typical video and a flop still counts a quarter.
MIN_ENGAGEMENT_WEIGHT = 0.25
MAX_ENGAGEMENT_WEIGHT = 4.0
# Octave folding ties go to the tempo nearest this, the centre of common pop tempi.
REFERENCE_TEMPO_BPM = 120.0
NUMERIC_ATTRIBUTES: tuple[str, ...] = ("energy", "valence", "arousal", "danceability")
WEIGHT_ATTRIBUTES: tuple[str, ...] = ("genres", "moods")

Observation = tuple[Descriptor, float]


@dataclass(frozen=True)
class ContentProfile:
    """A creator's target point in the descriptor space, with a 0-1 consistency per attribute
    (None where fewer than two observations exist) and the evidence counts behind it."""

    tempo_bpm: float | None = None
    energy: float | None = None
    valence: float | None = None
    arousal: float | None = None
    danceability: float | None = None
    genres: dict[str, float] = field(default_factory=dict)
    moods: dict[str, float] = field(default_factory=dict)
    consistency: dict[str, float | None] = field(default_factory=dict)
    profile_videos: int = 0
    content_analyses: int = 0
    music_descriptors: int = 0

    def to_descriptor(self) -> Descriptor:
        return Descriptor.of(self)

    def to_dict(self) -> dict[str, object]:
        return {
            "tempo_bpm": self.tempo_bpm,
            "energy": self.energy,
            "valence": self.valence,
            "arousal": self.arousal,
            "danceability": self.danceability,
            "genres": dict(self.genres),
            "moods": dict(self.moods),
            "consistency": dict(self.consistency),
            "profile_videos": self.profile_videos,
            "content_analyses": self.content_analyses,
            "music_descriptors": self.music_descriptors,
        }


def engagement_weights(videos: Sequence[VideoInput]) -> list[float]:
    """Per-video weight: engagement rate / creator median, clipped; 1 where either is unknown."""
    median = median_engagement_rate(videos)
    weights = []
    for video in videos:
        er = video_engagement_rate(video)
        if er is None or not median:
            weights.append(1.0)
        else:
            weights.append(min(MAX_ENGAGEMENT_WEIGHT, max(MIN_ENGAGEMENT_WEIGHT, er / median)))
    return weights


def _pool(
    content: list[tuple[Any, float]], music: list[tuple[Any, float]]
) -> tuple[list[Any], list[float]]:
    """Values and weights with each evidence kind scaled to its share of the blend."""
    shares = (CONTENT_SHARE, MUSIC_SHARE) if content and music else (1.0, 1.0)
    values: list[Any] = []
    weights: list[float] = []
    for points, share in zip((content, music), shares, strict=True):
        total = sum(w for _, w in points)
        for value, w in points:
            values.append(value)
            weights.append(share * w / total)
    return values, weights


def _collect(
    content: Sequence[Observation],
    music: Sequence[Observation],
    read: Callable[[Descriptor], Any],
) -> tuple[list[Any], list[float]]:
    pick = [
        [(v, w) for d, w in obs if (v := read(d)) is not None and w > 0] for obs in (content, music)
    ]
    return _pool(pick[0], pick[1])


def blend_number(values: Sequence[float], weights: Sequence[float]) -> tuple[float | None, ...]:
    """(weighted mean, consistency = 1 - 2 x weighted std): a 0-1 attribute's std is at most
    0.5, so 0 means the videos sit at both extremes and 1 means they all agree."""
    centre = weighted_mean(values, weights)
    if centre is None:
        return None, None
    std = weighted_std(values, weights)
    consistency = None if len(values) < 2 or std is None else max(0.0, 1.0 - 2.0 * std)
    return centre, consistency


def blend_tempo(tempi: Sequence[float], weights: Sequence[float]) -> tuple[float | None, ...]:
    """(tempo, consistency) averaged in log space, octave-aware.

    Each tempo becomes an angle on a circle of one octave (2*pi*log2 bpm), so 70 and 140 BPM are
    the same point and their average is not the meaningless 99 BPM. The weighted circular mean
    gives the tempo within the octave; the octave is the one most of the weight sits in (ties:
    nearest 120 BPM). Consistency is the mean resultant length: 1 when all tempi share one
    octave-folded value, 0 when they spread evenly (half an octave apart is "most different").
    """
    points = [(math.log2(t), w) for t, w in zip(tempi, weights, strict=True) if t > 0 and w > 0]
    if not points:
        return None, None
    total = sum(w for _, w in points)
    x = sum(w * math.cos(2 * math.pi * p) for p, w in points) / total
    y = sum(w * math.sin(2 * math.pi * p) for p, w in points) / total
    resultant = math.hypot(x, y)
    if resultant < 1e-9:
        centre = sum(w * p for p, w in points) / total  # no circular mean: plain log mean
        return 2.0**centre, 0.0 if len(points) > 1 else None
    phase = (math.atan2(y, x) / (2 * math.pi)) % 1.0
    octave_weight: dict[int, float] = {}
    for p, w in points:
        octave = round(p - phase)
        octave_weight[octave] = octave_weight.get(octave, 0.0) + w
    best = max(
        octave_weight,
        key=lambda k: (
            round(octave_weight[k], 9),
            -abs(k + phase - math.log2(REFERENCE_TEMPO_BPM)),
        ),
    )
    consistency = min(1.0, resultant) if len(points) > 1 else None
    return 2.0 ** (best + phase), consistency


def blend_weights(
    dicts: Sequence[dict[str, float]], weights: Sequence[float]
) -> tuple[dict[str, float], float | None]:
    """(weighted mean distribution, consistency = exp(-JSD)).

    JSD, the generalised Jensen-Shannon divergence H(blend) - sum(w * H(video)), is 0 when every
    video has the same mix and ln(n) when n videos each sit purely on a different label, so
    exp(-JSD) is 1 for full agreement and 1/n for n equally split, disjoint mixes.
    """
    pairs = []
    for weights_dict, w in zip(dicts, weights, strict=True):
        positive = {k: float(v) for k, v in weights_dict.items() if v and v > 0}
        size = sum(positive.values())
        if size > 0 and w > 0:
            pairs.append(({k: v / size for k, v in positive.items()}, w))
    total = sum(w for _, w in pairs)
    if not pairs:
        return {}, None
    blend: dict[str, float] = {}
    for dist, w in pairs:
        for key, value in dist.items():
            blend[key] = blend.get(key, 0.0) + value * w / total
    jsd = entropy(blend.values()) - sum(w / total * entropy(d.values()) for d, w in pairs)
    consistency = math.exp(-max(0.0, jsd)) if len(pairs) > 1 else None
    ordered = sorted(blend.items(), key=lambda item: (-item[1], item[0]))
    return {k: round(v, 4) for k, v in ordered if round(v, 4) > 0}, consistency


def content_profile(videos: Sequence[VideoInput]) -> ContentProfile:
    weights = engagement_weights(videos)
    content = [
        (v.content, w) for v, w in zip(videos, weights, strict=True) if v.content is not None
    ]
    music = [
        (v.music_descriptor, w)
        for v, w in zip(videos, weights, strict=True)
        if v.music_descriptor is not None
    ]
    values: dict[str, object] = {}
    consistency: dict[str, float | None] = {}

    tempo, consistency["tempo_bpm"] = blend_tempo(*_collect(content, music, lambda d: d.tempo_bpm))
    values["tempo_bpm"] = rounded(tempo, 1)
    for name in NUMERIC_ATTRIBUTES:
        centre, consistency[name] = blend_number(
            *_collect(content, music, lambda d, n=name: getattr(d, n))
        )
        values[name] = rate(centre)
    for name in WEIGHT_ATTRIBUTES:
        dicts, dict_weights = _collect(content, music, lambda d, n=name: getattr(d, n) or None)
        values[name], consistency[name] = blend_weights(dicts, dict_weights)

    return ContentProfile(
        **values,  # type: ignore[arg-type]
        consistency={k: rounded(v, 3) for k, v in consistency.items()},
        profile_videos=sum(
            1 for v in videos if v.content is not None or v.music_descriptor is not None
        ),
        content_analyses=len(content),
        music_descriptors=len(music),
    )
