"""What a recommendation is for: a creator, one of their videos, or a marketer's brief.

`resolve_context` turns these into one `Context`: the tempo range, mood point, genre vector and
energy the tracks are scored against, and where each came from (for the reasons). A brief
overrides only the parts it names; the rest comes from the creator's profile or the video.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from authors.analysis.reach import tier_for_followers
from musicrec.core.descriptors import (
    GENRE_KEYS,
    MOOD_CENTRES,
    MOOD_KEYS,
    TEMPO_BANDS,
    Descriptor,
    DescriptorFields,
    genre_from_spotify,
    moods_from_valence_arousal,
    top_label,
)

# --- Creator tiers -------------------------------------------------------------------------------

# Share of the tier-fit score taken from proven popularity (the rest from rising trend): large
# audiences reward safe hits, small creators gain most from riding a sound early. Tier names and
# follower bounds come from `authors.analysis.reach.TIERS`, the one place they live.
TIER_LEAN: dict[str, float] = {"nano": 0.2, "micro": 0.35, "mid": 0.5, "macro": 0.65, "mega": 0.8}


# --- Free-text brief vocabulary ------------------------------------------------------------------

# Everyday words for the shared moods. Checked before genres, so "chill" or "sad" in a brief mean a
# mood, not Spotify's "chill" or "sad" playlists-as-genres.
MOOD_WORDS: dict[str, str] = {
    **{key: key for key in MOOD_KEYS},
    "cheerful": "happy",
    "joyful": "happy",
    "upbeat": "happy",
    "uplifting": "happy",
    "feel-good": "happy",
    "summer": "happy",
    "sunny": "happy",
    "bright": "happy",
    "hype": "energetic",
    "pumped": "energetic",
    "intense": "energetic",
    "workout": "energetic",
    "powerful": "energetic",
    "party": "energetic",
    "energy": "energetic",
    "chill": "calm",
    "relaxed": "calm",
    "relaxing": "calm",
    "peaceful": "calm",
    "cozy": "calm",
    "soft": "calm",
    "mellow": "calm",
    "melancholic": "sad",
    "emotional": "sad",
    "nostalgic": "sad",
    "heartbreak": "sad",
    "love": "romantic",
    "dreamy": "romantic",
    "sensual": "romantic",
    "wedding": "romantic",
    "tense": "dark",
    "moody": "dark",
    "spooky": "dark",
    "dramatic": "dark",
    "epic": "dark",
    "comedy": "funny",
    "silly": "funny",
    "meme": "funny",
    "quirky": "funny",
}
# Tempo words map onto the shared tempo bands.
TEMPO_WORDS: dict[str, str] = {
    **{name: name for name, _, _ in TEMPO_BANDS},
    "slowed": "slow",
    "mid-tempo": "mid",
    "midtempo": "mid",
    "uptempo": "upbeat",
    "fast-paced": "fast",
    "rapid": "fast",
}
# The shared tempo bands with their open ends closed at a playable 60 / 180 BPM.
CLOSED_TEMPO_BANDS: dict[str, tuple[float, float]] = {
    name: (max(low, 60.0), min(high, 180.0)) for name, low, high in TEMPO_BANDS
}
_BPM_IN_TEXT = re.compile(r"(\d{2,3})\s*bpm")
BPM_TEXT_TOLERANCE = 0.04  # "120 bpm" in a note means 115-125: the ±4 % a listener cannot tell


@dataclass(frozen=True)
class NoteTerms:
    genres: tuple[str, ...] = ()
    moods: tuple[str, ...] = ()
    tempo_range: tuple[float, float] | None = None


def parse_note(note: str) -> NoteTerms:
    """Genres, moods and a tempo range read from a brief's free text, via the vocabulary."""
    text = note.lower()
    moods: list[str] = []
    genres: list[str] = []
    tempo: tuple[float, float] | None = None
    if match := _BPM_IN_TEXT.search(text):
        bpm = float(match.group(1))
        tempo = (bpm * (1 - BPM_TEXT_TOLERANCE), bpm * (1 + BPM_TEXT_TOLERANCE))
    words = re.findall(r"[a-z&][a-z&\-]*", text)
    used: set[int] = set()
    for i, word in enumerate(words):
        if word in MOOD_WORDS:
            moods.append(MOOD_WORDS[word])
            used.add(i)
        if word in TEMPO_WORDS:
            used.add(i)
            if tempo is None:
                tempo = CLOSED_TEMPO_BANDS[TEMPO_WORDS[word]]
    # Two-word genre names ("hip hop", "new age") before single words, when neither word is a
    # genre on its own.
    for i in range(len(words) - 1):
        first, second = words[i], words[i + 1]
        if {i, i + 1} & used or genre_from_spotify(first) or genre_from_spotify(second):
            continue
        if genre := genre_from_spotify(f"{first} {second}"):
            genres.append(genre)
            used.update((i, i + 1))
    for i, word in enumerate(words):
        if i not in used and (genre := genre_from_spotify(word)):
            genres.append(genre)
    return NoteTerms(
        genres=tuple(dict.fromkeys(genres)), moods=tuple(dict.fromkeys(moods)), tempo_range=tempo
    )


# --- Targets, briefs and filters -----------------------------------------------------------------

# Which of the content profile's consistency entries (authors.analysis.profile) steady each
# content component; several are averaged over the known ones.
CONSISTENCY_SOURCES: dict[str, tuple[str, ...]] = {
    "tempo": ("tempo_bpm",),
    "mood": ("valence", "arousal"),
    "genre": ("genres",),
    "energy": ("energy", "danceability"),
}


@dataclass
class Target:
    """A creator's content profile (kind "author") or one video's analysis (kind "video").

    The descriptor fields are in the shared vocabulary. `best_genres` / `best_tempo_bpm` describe
    the music of the creator's best-performing videos; `consistency` is the content profile's
    0-1 steadiness per attribute (keys tempo_bpm, energy, valence, arousal, danceability, genres,
    moods; None or absent when unknown).
    """

    kind: str = "author"
    tempo_bpm: float | None = None
    energy: float | None = None
    valence: float | None = None
    arousal: float | None = None
    danceability: float | None = None
    genres: dict[str, float] = field(default_factory=dict)
    moods: dict[str, float] = field(default_factory=dict)
    best_genres: dict[str, float] = field(default_factory=dict)
    best_tempo_bpm: float | None = None
    tier: str | None = None
    follower_count: int | None = None
    consistency: dict[str, float | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in ("author", "video"):
            raise ValueError(f"target kind must be 'author' or 'video', got {self.kind!r}")
        if self.tier is not None and self.tier not in TIER_LEAN:
            raise ValueError(f"unknown tier {self.tier!r}; expected one of {', '.join(TIER_LEAN)}")

    @classmethod
    def from_descriptor(cls, descriptor: DescriptorFields, **extra: object) -> Target:
        # Descriptor.of is the one copy of the shared fields (weight maps copied, never shared).
        return cls(**vars(Descriptor.of(descriptor)), **extra)  # type: ignore[arg-type]

    @property
    def has_content(self) -> bool:
        """Whether any analysed content is present (otherwise the request is a cold start)."""
        numbers = (self.tempo_bpm, self.energy, self.valence, self.arousal, self.danceability)
        return (
            any(v is not None for v in numbers)
            or any(v > 0 for v in self.genres.values())
            or any(v > 0 for v in self.moods.values())
            or any(v > 0 for v in self.best_genres.values())
            or self.best_tempo_bpm is not None
        )


@dataclass
class Brief:
    """A marketer's brief: what the campaign wants, overriding parts of the creator's profile."""

    moods: list[str] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    tempo_min: float | None = None
    tempo_max: float | None = None
    energy: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        _check_keys("mood", self.moods, MOOD_KEYS)
        _check_keys("genre", self.genres, GENRE_KEYS)
        _check_tempo(self.tempo_min, self.tempo_max)
        if self.energy is not None and not 0 <= self.energy <= 1:
            raise ValueError(f"brief energy must be in 0..1, got {self.energy!r}")

    @property
    def is_empty(self) -> bool:
        return not (
            self.moods
            or self.genres
            or self.tempo_min is not None
            or self.tempo_max is not None
            or self.energy is not None
            or self.note.strip()
        )


@dataclass
class Filters:
    """Hard filters: a track failing one is never recommended."""

    genres: list[str] = field(default_factory=list)
    moods: list[str] = field(default_factory=list)
    tempo_min: float | None = None
    tempo_max: float | None = None
    commercial_only: bool = False

    def __post_init__(self) -> None:
        _check_keys("genre", self.genres, GENRE_KEYS)
        _check_keys("mood", self.moods, MOOD_KEYS)
        _check_tempo(self.tempo_min, self.tempo_max)


def _check_keys(kind: str, values: list[str], allowed: tuple[str, ...]) -> None:
    for value in values:
        if value not in allowed:
            raise ValueError(f"unknown {kind} {value!r}; expected one of {', '.join(allowed)}")


def tempo_range_error(low: float | None, high: float | None) -> tuple[str, str] | None:
    """(field, reason) for what is wrong with a tempo range in BPM, or None when it is fine.

    The one tempo-range check: Brief and Filters raise it, the API serializers and the
    dashboard's brief form report it on their fields.
    """
    for name, value in (("tempo_min", low), ("tempo_max", high)):
        if value is not None and not 0 < value < 400:
            return name, f"must be a BPM between 0 and 400, got {value!r}"
    if low is not None and high is not None and low > high:
        return "tempo_min", f"{low:g} is above tempo_max {high:g}"
    return None


def _check_tempo(low: float | None, high: float | None) -> None:
    problem = tempo_range_error(low, high)
    if problem is not None:
        raise ValueError(" ".join(problem))


# --- The resolved context ------------------------------------------------------------------------

SINGLE_GENRE_SHARE = 0.8  # a profile this concentrated on one genre "asks for" that genre


@dataclass(frozen=True)
class Context:
    """Everything the scoring needs from the request, with the phrases the reasons quote."""

    tempo_range: tuple[float, float] | None = None
    tempo_source: str = ""
    mood_point: tuple[float, float] | None = None
    mood_name: str | None = None
    mood_source: str = ""
    genre_vector: np.ndarray | None = None  # over GENRE_KEYS, max 1
    genre_source: str = ""
    brief_genres: tuple[str, ...] = ()
    best_genres: tuple[str, ...] = ()
    single_genre: bool = False
    energy_target: float | None = None
    danceability_target: float | None = None
    energy_source: str = ""
    danceability_source: str = ""
    tier: str | None = None
    tier_lean: float | None = None
    multipliers: Mapping[str, float] = field(default_factory=dict)
    cold_start: bool = False
    brief_used: bool = False


def _mood_centroid(weights: Mapping[str, float]) -> tuple[float, float] | None:
    acoustic = {m: w for m, w in weights.items() if m in MOOD_CENTRES and w > 0}
    total = sum(acoustic.values())
    if total <= 0:
        return None
    v = sum(MOOD_CENTRES[m][0] * w for m, w in acoustic.items()) / total
    a = sum(MOOD_CENTRES[m][1] * w for m, w in acoustic.items()) / total
    return (v, a)


def _genre_vector(weights: Mapping[str, float]) -> np.ndarray | None:
    vec = np.array([max(float(weights.get(k, 0.0)), 0.0) for k in GENRE_KEYS], dtype=np.float32)
    total = float(vec.sum())
    return vec / np.float32(total) if total > 0 else None


def _top(weights: Mapping[str, float], n: int) -> tuple[str, ...]:
    ranked = sorted((k for k, v in weights.items() if v > 0), key=lambda k: -weights[k])
    return tuple(ranked[:n])


def resolve_context(target: Target | None, brief: Brief | None, filters: Filters) -> Context:
    """Merge target and brief into the scoring context; the brief wins where it speaks."""
    brief = brief or Brief()
    note = parse_note(brief.note) if brief.note.strip() else NoteTerms()
    has_target = target is not None and target.has_content
    subject = "this video" if target is not None and target.kind == "video" else "your videos"

    # Tempo: the brief's range, then the note's, then the video / best videos / profile tempo.
    tempo_range: tuple[float, float] | None = None
    tempo_source = ""
    if brief.tempo_min is not None or brief.tempo_max is not None:
        tempo_range = (brief.tempo_min or 0.0, brief.tempo_max or math.inf)
        tempo_source = "your brief"
    elif note.tempo_range is not None:
        tempo_range, tempo_source = note.tempo_range, "your brief"
    elif target is not None:
        if target.kind == "author" and target.best_tempo_bpm:
            tempo_range = (target.best_tempo_bpm, target.best_tempo_bpm)
            tempo_source = "your best videos"
        elif target.tempo_bpm:
            tempo_range, tempo_source = (target.tempo_bpm, target.tempo_bpm), subject
    if tempo_range is not None and tempo_range[0] <= 0 and math.isinf(tempo_range[1]):
        tempo_range = None

    # Mood: the brief's moods, then the target's measured point, then its mood weights.
    brief_moods = list(dict.fromkeys([*brief.moods, *note.moods]))
    mood_point = _mood_centroid({m: 1.0 for m in brief_moods})
    mood_source = "your brief" if mood_point else ""
    if mood_point is None and target is not None:
        if target.valence is not None and target.arousal is not None:
            mood_point = (target.valence, target.arousal)
        else:
            mood_point = _mood_centroid(target.moods)
        mood_source = subject if mood_point else ""
    mood_name = None
    if mood_point is not None:
        mood_name = top_label(moods_from_valence_arousal(*mood_point))

    # Genres: the brief's genres, else the creator's content genres blended with the genres of
    # the music in their best-performing videos.
    brief_genres = tuple(dict.fromkeys([*brief.genres, *note.genres]))
    best = _top(target.best_genres, 3) if target is not None else ()
    genre_vector: np.ndarray | None = None
    genre_source = ""
    single = len(set(filters.genres)) == 1
    if brief_genres:
        genre_vector = _genre_vector({g: 1.0 for g in brief_genres})
        genre_source = "your brief"
        single = single or len(brief_genres) == 1
    elif target is not None:
        content = _genre_vector(target.genres)
        performing = _genre_vector(target.best_genres)
        parts = [v for v in (content, performing) if v is not None]
        if parts:
            genre_vector = sum(parts) / np.float32(len(parts))
            genre_source = subject
            single = single or float(genre_vector.max()) >= SINGLE_GENRE_SHARE
    if genre_vector is not None:
        genre_vector = (genre_vector / genre_vector.max()).astype(np.float32)

    energy = brief.energy
    energy_source = "your brief" if energy is not None else ""
    dance = target.danceability if target is not None else None
    dance_source = subject if dance is not None else ""
    if energy is None and target is not None and target.energy is not None:
        energy, energy_source = target.energy, subject

    tier = None
    if target is not None:
        tier = target.tier or tier_for_followers(target.follower_count)
    multipliers: dict[str, float] = {}
    if target is not None:
        for component, sources in CONSISTENCY_SOURCES.items():
            known = [v for k in sources if (v := target.consistency.get(k)) is not None]
            if component == "mood" and not known and target.consistency.get("moods") is not None:
                known = [target.consistency["moods"]]
            if known:
                steadiness = min(max(float(sum(known) / len(known)), 0.0), 1.0)
                multipliers[component] = 0.5 + 0.5 * steadiness

    return Context(
        tempo_range=tempo_range,
        tempo_source=tempo_source,
        mood_point=mood_point,
        mood_name=mood_name,
        mood_source=mood_source,
        genre_vector=genre_vector,
        genre_source=genre_source,
        brief_genres=brief_genres,
        best_genres=best,
        single_genre=single,
        energy_target=energy,
        danceability_target=dance,
        energy_source=energy_source,
        danceability_source=dance_source,
        tier=tier,
        tier_lean=TIER_LEAN.get(tier) if tier else None,
        multipliers=multipliers,
        cold_start=not has_target,
        brief_used=not brief.is_empty,
    )
