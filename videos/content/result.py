"""The result of a video's content analysis and the sound metadata it can borrow.

Plain dataclasses, shared by the fusion (which fills them) and the services (which store them).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from musicrec.core.descriptors import Descriptor, Label


@dataclass(frozen=True)
class SoundMetadata:
    """What the music analysis stored about the sound a video uses (its track's features).

    Its genres always go into the video's analysis: a clip's soundtrack says little about genre,
    while the music analysis has the catalogue, Spotify artists and neighbours for it. Its tempo,
    energy, valence, arousal, danceability and key stand in for the soundtrack only when the
    video's own soundtrack could not be measured (expired link, no audio stream, silence), and the
    evidence then names "sound metadata" as their source. `feature_source` says where the track's
    values came from (its audio, or the imported catalogue).
    """

    music_id: int | None = None
    title: str = ""
    feature_source: str = ""
    tempo_bpm: float | None = None
    energy: float | None = None
    valence: float | None = None
    arousal: float | None = None
    danceability: float | None = None
    key: str | None = None
    mode: str | None = None
    speechiness: float | None = None
    genre: Label | None = None
    genres: dict[str, float] = field(default_factory=dict)

    @property
    def has_descriptor(self) -> bool:
        values = (self.tempo_bpm, self.energy, self.valence, self.arousal, self.danceability)
        return any(v is not None for v in values)


@dataclass
class VideoContent:
    """A video in the shared descriptor space, with the evidence behind every fused value.

    0-1 scales throughout except `tempo_bpm`, `loudness_lufs`, `colourfulness` (see
    `VisualFeatures`) and `warmth` (-1 cool .. +1 warm). `genre`/`genres` are the music genre
    of the sound used, from the music analysis (`SoundMetadata`). `partial` is True when a part
    of the media (picture, soundtrack, or all of it) was missing or could only be partly decoded;
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
    genre: Label | None = None
    genres: dict[str, float] = field(default_factory=dict)
    text_valence: float | None = None
    hashtags: list[str] = field(default_factory=list)
    partial: bool = False
    evidence: dict[str, dict] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready: floats rounded to 4 places, the category as {value, source, confidence}."""
        return _rounded(asdict(self))

    def descriptor(self) -> Descriptor:
        return Descriptor.of(self)


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 4) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value
