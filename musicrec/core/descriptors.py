"""The shared descriptor vocabulary: how videos, creators and tracks are described.

Video content, a creator's content profile and a music track all land in this one space so the
engine can compare them directly. Every label carries where it came from (`source`) and how sure
we are (`confidence`), so the dashboard can say why it believes what it shows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

# --- Genres: one fixed taxonomy of music genres ---------------------------------------------

GENRES: dict[str, str] = {
    "pop": "Pop",
    "hip-hop": "Hip-hop / rap",
    "electronic": "Electronic / dance",
    "rock": "Rock",
    "rnb": "R&B / soul",
    "latin": "Latin",
    "k-pop": "K-pop / J-pop",
    "country": "Country",
    "jazz": "Jazz / blues",
    "classical": "Classical",
    "indie": "Indie / alternative",
    "metal": "Metal / punk",
    "reggae-afrobeats": "Reggae / afrobeats",
    "folk-acoustic": "Folk / acoustic",
    "soundtrack-ambient": "Soundtrack / ambient",
}
GENRE_KEYS: tuple[str, ...] = tuple(GENRES)

# Spotify's micro-genres (the 114 `track_genre` values of the public Spotify tracks dataset, plus
# common artist-genre words) folded onto the taxonomy. Exact names first; `genre_from_spotify`
# falls back to keyword rules for artist genres such as "dutch hip hop" or "indie folk".
# fmt: off
SPOTIFY_GENRE_MAP: dict[str, str] = {
    "acoustic": "folk-acoustic", "afrobeat": "reggae-afrobeats", "alt-rock": "indie",
    "alternative": "indie", "ambient": "soundtrack-ambient", "anime": "k-pop",
    "black-metal": "metal", "bluegrass": "country", "blues": "jazz", "brazil": "latin",
    "breakbeat": "electronic", "british": "rock", "cantopop": "k-pop",
    "chicago-house": "electronic", "children": "soundtrack-ambient", "chill": "soundtrack-ambient",
    "classical": "classical", "club": "electronic", "comedy": "soundtrack-ambient",
    "country": "country", "dance": "electronic", "dancehall": "reggae-afrobeats",
    "death-metal": "metal", "deep-house": "electronic", "detroit-techno": "electronic",
    "disco": "electronic", "disney": "soundtrack-ambient", "drum-and-bass": "electronic",
    "dub": "reggae-afrobeats", "dubstep": "electronic", "edm": "electronic",
    "electro": "electronic", "electronic": "electronic", "emo": "metal", "folk": "folk-acoustic",
    "forro": "latin", "french": "pop", "funk": "rnb", "garage": "electronic", "german": "pop",
    "gospel": "rnb", "goth": "indie", "grindcore": "metal", "groove": "rnb", "grunge": "rock",
    "guitar": "folk-acoustic", "happy": "pop", "hard-rock": "rock", "hardcore": "metal",
    "hardstyle": "electronic", "heavy-metal": "metal", "hip-hop": "hip-hop",
    "honky-tonk": "country", "house": "electronic", "idm": "electronic", "indian": "pop",
    "indie": "indie", "indie-pop": "indie", "industrial": "metal", "iranian": "pop",
    "j-dance": "k-pop", "j-idol": "k-pop", "j-pop": "k-pop", "j-rock": "k-pop", "jazz": "jazz",
    "k-pop": "k-pop", "kids": "soundtrack-ambient", "latin": "latin", "latino": "latin",
    "malay": "pop", "mandopop": "k-pop", "metal": "metal", "metalcore": "metal",
    "minimal-techno": "electronic", "mpb": "latin", "new-age": "soundtrack-ambient",
    "opera": "classical", "pagode": "latin", "party": "electronic", "piano": "classical",
    "pop": "pop", "pop-film": "soundtrack-ambient", "power-pop": "pop",
    "progressive-house": "electronic", "psych-rock": "rock", "punk": "metal",
    "punk-rock": "metal", "r-n-b": "rnb", "reggae": "reggae-afrobeats", "reggaeton": "latin",
    "rock": "rock", "rock-n-roll": "rock", "rockabilly": "rock", "romance": "pop", "sad": "pop",
    "salsa": "latin", "samba": "latin", "sertanejo": "latin", "show-tunes": "soundtrack-ambient",
    "singer-songwriter": "folk-acoustic", "ska": "reggae-afrobeats",
    "sleep": "soundtrack-ambient", "soul": "rnb", "spanish": "latin", "study": "soundtrack-ambient",
    "swedish": "pop", "synth-pop": "pop", "tango": "latin", "techno": "electronic",
    "trance": "electronic", "trip-hop": "electronic", "turkish": "pop",
    "world-music": "folk-acoustic",
}

# Keyword rules for free-form genre strings (artist genres, album or title words), tried in order:
# the more specific words come first so "k-pop" wins over "pop" and "hip hop" over "hop".
_GENRE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("k-pop", "k-pop"), ("kpop", "k-pop"), ("j-pop", "k-pop"), ("anime", "k-pop"),
    ("hip hop", "hip-hop"), ("hip-hop", "hip-hop"), ("rap", "hip-hop"), ("trap", "hip-hop"),
    ("drill", "hip-hop"), ("grime", "hip-hop"),
    ("r&b", "rnb"), ("rnb", "rnb"), ("r-n-b", "rnb"), ("soul", "rnb"), ("funk", "rnb"),
    ("reggaeton", "latin"), ("latin", "latin"), ("salsa", "latin"), ("bachata", "latin"),
    ("cumbia", "latin"), ("sertanejo", "latin"), ("corrido", "latin"), ("funk carioca", "latin"),
    ("afrobeat", "reggae-afrobeats"), ("amapiano", "reggae-afrobeats"),
    ("reggae", "reggae-afrobeats"), ("dancehall", "reggae-afrobeats"),
    ("metal", "metal"), ("punk", "metal"), ("hardcore", "metal"), ("emo", "metal"),
    ("indie", "indie"), ("alternative", "indie"), ("shoegaze", "indie"), ("lo-fi", "indie"),
    ("house", "electronic"), ("techno", "electronic"), ("edm", "electronic"),
    ("electro", "electronic"), ("dubstep", "electronic"), ("trance", "electronic"),
    ("phonk", "electronic"), ("dance", "electronic"), ("disco", "electronic"),
    ("drum and bass", "electronic"), ("dnb", "electronic"),
    ("country", "country"), ("bluegrass", "country"), ("americana", "country"),
    ("jazz", "jazz"), ("blues", "jazz"), ("swing", "jazz"),
    ("classical", "classical"), ("orchestra", "classical"), ("opera", "classical"),
    ("piano", "classical"), ("baroque", "classical"),
    ("soundtrack", "soundtrack-ambient"), ("ambient", "soundtrack-ambient"),
    ("score", "soundtrack-ambient"), ("cinematic", "soundtrack-ambient"),
    ("new age", "soundtrack-ambient"), ("sleep", "soundtrack-ambient"),
    ("folk", "folk-acoustic"), ("acoustic", "folk-acoustic"),
    ("singer-songwriter", "folk-acoustic"),
    ("rock", "rock"), ("grunge", "rock"),
    ("pop", "pop"),
)
# fmt: on


def genre_label(key: object) -> str:
    """A taxonomy key as its display name ("hip-hop" -> "Hip-hop / rap"); other text as it is.

    The one display name of a genre: pages (the `genre_label` filter) and reasons use it. Deciding
    which genre a track has is `music.genre.genre_infer`.
    """
    text = str(key or "")
    return GENRES.get(text, text)


def genre_from_spotify(name: str) -> str | None:
    """Map one Spotify genre string (or a taxonomy key) onto the taxonomy, else None."""
    key = name.strip().lower()
    if key in GENRES:
        return key
    if key in SPOTIFY_GENRE_MAP:
        return SPOTIFY_GENRE_MAP[key]
    return genre_from_text(key)


def genre_from_text(text: str) -> str | None:
    """The first taxonomy genre whose keyword appears as a word in `text`."""
    lowered = f" {text.lower()} "
    for keyword, genre in _GENRE_KEYWORDS:
        if re.search(rf"(?<![a-z]){re.escape(keyword)}(?![a-z])", lowered):
            return genre
    return None


# --- Moods -----------------------------------------------------------------------------------

MOODS: dict[str, str] = {
    "happy": "Happy",
    "energetic": "Energetic",
    "calm": "Calm",
    "sad": "Sad",
    "romantic": "Romantic",
    "dark": "Dark / tense",
    "funny": "Funny",
}
MOOD_KEYS: tuple[str, ...] = tuple(MOODS)

# Each mood's centre on the valence (x) / arousal (y) plane, after Russell's circumplex model of
# affect. "funny" has no acoustic centre: it only comes from text cues (captions, hashtags).
MOOD_CENTRES: dict[str, tuple[float, float]] = {
    "happy": (0.80, 0.65),
    "energetic": (0.60, 0.90),
    "calm": (0.60, 0.20),
    "sad": (0.20, 0.25),
    "romantic": (0.70, 0.40),
    "dark": (0.20, 0.75),
}
_MOOD_WIDTH = 0.25  # Gaussian width on the 0-1 plane: neighbours share weight, far ones do not


def moods_from_valence_arousal(
    valence: float, arousal: float, *, mode: str | None = None
) -> dict[str, float]:
    """Mood weights (summing to 1) from a point on the valence/arousal plane.

    Major mode nudges valence up and minor down by 0.05: mode is a weak but well-documented cue
    for perceived happiness, so it only breaks near-ties.
    """
    if mode == "major":
        valence = min(1.0, valence + 0.05)
    elif mode == "minor":
        valence = max(0.0, valence - 0.05)
    raw = {
        mood: math.exp(-((valence - v) ** 2 + (arousal - a) ** 2) / (2 * _MOOD_WIDTH**2))
        for mood, (v, a) in MOOD_CENTRES.items()
    }
    total = sum(raw.values()) or 1.0
    weights = {mood: round(w / total, 4) for mood, w in raw.items()}
    weights["funny"] = 0.0
    return weights


# --- Content categories (videos) ---------------------------------------------------------------

CATEGORIES: dict[str, str] = {
    "dance": "Dance",
    "comedy": "Comedy",
    "beauty-fashion": "Beauty / fashion",
    "fitness": "Fitness",
    "food": "Food",
    "travel": "Travel",
    "gaming": "Gaming",
    "education": "Education",
    "lifestyle": "Lifestyle",
    "pets": "Pets",
    "sports": "Sports",
    "music-performance": "Music performance",
}
CATEGORY_KEYS: tuple[str, ...] = tuple(CATEGORIES)


# --- Tempo -------------------------------------------------------------------------------------

# Bands a marketer recognises; bounds in BPM, lower inclusive.
TEMPO_BANDS: tuple[tuple[str, float, float], ...] = (
    ("slow", 0.0, 90.0),
    ("mid", 90.0, 115.0),
    ("upbeat", 115.0, 135.0),
    ("fast", 135.0, 1000.0),
)


def tempo_band(bpm: float | None) -> str | None:
    if bpm is None or bpm <= 0:
        return None
    for name, low, high in TEMPO_BANDS:
        if low <= bpm < high:
            return name
    return None


def tempo_similarity(a: float, b: float, *, tolerance: float = 0.08) -> float:
    """Similarity 0-1 of two tempi, tolerant of half and double time.

    Listeners tap the same song at 70 or 140 BPM, so the distance is taken in octaves (log2) to
    the nearest of b/2, b and 2b; an octave-related match scores slightly below an exact one.
    """
    if a <= 0 or b <= 0:
        return 0.0
    best = 0.0
    for factor, penalty in ((1.0, 1.0), (0.5, 0.9), (2.0, 0.9)):
        distance = abs(math.log2(a / (b * factor)))
        best = max(best, penalty * math.exp(-((distance / tolerance) ** 2) / 2))
    return best


# --- Keys --------------------------------------------------------------------------------------

# Key tonics by pitch class 0-11, sharps only: the names MusicFeatures.key and a video's key hold.
PITCH_CLASSES: tuple[str, ...] = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


# --- Labels and descriptors ----------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """A label with its provenance: where it came from and how sure it is (0-1)."""

    value: str
    source: str
    confidence: float


@dataclass
class Descriptor:
    """A point in the shared space: one video, one creator's profile, or one track."""

    tempo_bpm: float | None = None
    energy: float | None = None
    valence: float | None = None
    arousal: float | None = None
    danceability: float | None = None
    genres: dict[str, float] = field(default_factory=dict)
    moods: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, source: DescriptorFields) -> Descriptor:
        """The descriptor part of anything that carries its fields (a video's content, a
        creator's profile), with the weight maps copied so the two never share a dict."""
        return cls(
            tempo_bpm=source.tempo_bpm,
            energy=source.energy,
            valence=source.valence,
            arousal=source.arousal,
            danceability=source.danceability,
            genres=dict(source.genres),
            moods=dict(source.moods),
        )


class DescriptorFields(Protocol):
    """Whatever carries a descriptor's fields under their names (read-only is enough)."""

    @property
    def tempo_bpm(self) -> float | None: ...
    @property
    def energy(self) -> float | None: ...
    @property
    def valence(self) -> float | None: ...
    @property
    def arousal(self) -> float | None: ...
    @property
    def danceability(self) -> float | None: ...
    @property
    def genres(self) -> Mapping[str, float]: ...
    @property
    def moods(self) -> Mapping[str, float]: ...


def normalise_weights(weights: dict[str, float]) -> dict[str, float]:
    """Weights scaled to sum to 1, dropping non-positive entries."""
    positive = {k: float(v) for k, v in weights.items() if v and v > 0}
    total = sum(positive.values())
    if total <= 0:
        return {}
    return {k: round(v / total, 4) for k, v in positive.items()}


def top_label(weights: dict[str, float]) -> str | None:
    return max(weights, key=weights.__getitem__) if weights else None
