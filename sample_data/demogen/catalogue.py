"""The demo music catalogue: real rows of the public Spotify tracks subset, plus fake TikTok ids.

Rows are copied as the exact text lines of the source CSV, so the demo catalogue is a verifiable
subset of real data; only the choice of rows, the TikTok sound ids and the demo "cleared for
business use" flag are generated.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from musicrec.core.descriptors import genre_from_spotify, moods_from_valence_arousal

# The project's shared data folder sits beside the repository checkout (as on CI).
SOURCE_CSV = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "spotify-tracks-subset"
    / "test_set.csv"
)

# How many tracks of each Spotify genre the catalogue holds: the genres the ten creators lean
# on, with overlaps (pop, EDM, acoustic, piano) so several creators share tracks. Sums to 120.
GENRE_QUOTAS: dict[str, int] = {
    "pop": 8,
    "dance": 6,
    "edm": 5,
    "electro": 3,
    "house": 3,
    "hip-hop": 8,
    "latin": 5,
    "reggaeton": 3,
    "k-pop": 6,
    "j-pop": 2,
    "r-n-b": 6,
    "soul": 2,
    "funk": 2,
    "rock": 4,
    "alt-rock": 2,
    "indie-pop": 5,
    "acoustic": 6,
    "folk": 3,
    "singer-songwriter": 2,
    "chill": 6,
    "ambient": 4,
    "study": 3,
    "piano": 3,
    "classical": 4,
    "comedy": 3,
    "happy": 3,
    "kids": 2,
    "drum-and-bass": 3,
    "dubstep": 2,
    "techno": 2,
    "afrobeat": 2,
    "brazil": 2,
}

# Timbre brightness (0-1) of a synthesized clip by taxonomy genre: electronic and K-pop
# productions are bright, ambient and classical dark and soft.
GENRE_BRIGHTNESS: dict[str, float] = {
    "electronic": 0.8,
    "k-pop": 0.75,
    "pop": 0.7,
    "latin": 0.65,
    "rock": 0.6,
    "metal": 0.7,
    "hip-hop": 0.5,
    "reggae-afrobeats": 0.55,
    "indie": 0.5,
    "rnb": 0.45,
    "country": 0.5,
    "folk-acoustic": 0.4,
    "jazz": 0.35,
    "classical": 0.3,
    "soundtrack-ambient": 0.2,
}
# Genres whose clips get no drum kit and which swing.
_NO_DRUMS = {"ambient", "classical", "piano", "study", "chill", "acoustic", "singer-songwriter"}
_SWING = {"hip-hop": 0.25, "r-n-b": 0.2, "soul": 0.2, "funk": 0.15, "jazz": 0.35}

KEY_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


@dataclass(frozen=True)
class Track:
    """One catalogue row, with what the generator derives from it."""

    line: str  # the source CSV line, unchanged
    track_id: str
    artists: str
    album: str
    title: str
    popularity: int
    duration_ms: int
    tempo: float
    key: int
    mode: int
    energy: float
    valence: float
    danceability: float
    loudness: float
    speechiness: float
    spotify_genre: str
    genre: str  # taxonomy key
    moods: dict[str, float]
    music_id: str  # fake TikTok sound id, 19 digits
    commercial_ok: bool

    @property
    def artist_display(self) -> str:
        return ", ".join(a.strip() for a in self.artists.split(";"))

    @property
    def mode_name(self) -> str:
        return "major" if self.mode == 1 else "minor"

    @property
    def key_name(self) -> str:
        return KEY_NAMES[self.key]

    def clip(self) -> dict[str, object]:
        """The synthesis parameters of this track's demo audio clip (also written to truth)."""
        genre = self.spotify_genre
        speech = self.speechiness >= 0.6  # spoken-word comedy rows are rendered as speech
        return {
            "bpm": round(self.tempo, 3),
            "key": self.key_name,
            "mode": self.mode_name,
            "energy": round(self.energy, 3),
            "brightness": GENRE_BRIGHTNESS.get(self.genre, 0.5),
            "drums": genre not in _NO_DRUMS and self.energy >= 0.3,
            "swing": _SWING.get(genre, 0.0),
            "speech": speech,
        }


def tiktok_id(timestamp: int, *parts: object) -> str:
    """A 19-digit TikTok-style id: the creation time in the top bits, a hash in the low 32.

    Real TikTok video, sound and user ids are built this way (id >> 32 is the unix time), which
    is why they sort by age; the hash makes them stable for a seed.
    """
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return str((int(timestamp) << 32) | int.from_bytes(digest[:4], "big"))


def stable_unit(*parts: object) -> float:
    """A deterministic number in [0, 1) from the parts (independent of any RNG stream)."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def load_source(path: Path = SOURCE_CSV) -> tuple[str, list[tuple[str, dict[str, str]]]]:
    """The header line and every (raw line, parsed row) of the source CSV."""
    if not path.is_file():
        raise FileNotFoundError(
            f"the Spotify tracks subset is not at {path}; the demo catalogue is drawn from it "
            "(see sample_data/SOURCES.md)"
        )
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    header = lines[0]
    rows = []
    for line in lines[1:]:
        if not line:
            continue
        values = next(csv.reader(io.StringIO(line)))
        rows.append((line, dict(zip(header.split(","), values, strict=True))))
    return header, rows


def build_catalogue(seed: int, source: Path = SOURCE_CSV) -> tuple[str, list[Track]]:
    """Choose the catalogue rows for a seed: per genre, popular rows drawn with some chance.

    Popularity-weighted sampling keeps the demo full of recognisable songs while still varying
    with the seed; rows with a missing tempo, odd meter or very short/long duration are skipped
    because their clips would not show what the row says.
    """
    header, rows = load_source(source)
    rng = np.random.default_rng([seed, 1])
    seen: set[str] = set()
    by_genre: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for line, row in rows:
        if row["track_id"] in seen:
            continue
        seen.add(row["track_id"])
        if row["track_genre"] not in GENRE_QUOTAS:
            continue
        if not (60.0 <= float(row["tempo"]) <= 200.0) or row["time_signature"] != "4":
            continue
        if not (60_000 <= int(row["duration_ms"]) <= 420_000) or int(row["key"]) < 0:
            continue
        by_genre.setdefault(row["track_genre"], []).append((line, row))

    chosen: list[tuple[str, dict[str, str]]] = []
    taken: set[str] = set()
    for genre, quota in GENRE_QUOTAS.items():
        pool = [(line, row) for line, row in by_genre[genre] if row["track_id"] not in taken]
        pool.sort(key=lambda item: (-int(item[1]["popularity"]), item[1]["track_id"]))
        pool = pool[: max(quota * 5, 20)]
        weights = np.array([int(row["popularity"]) + 5.0 for _, row in pool])
        picks = rng.choice(len(pool), size=quota, replace=False, p=weights / weights.sum())
        for index in sorted(picks):
            chosen.append(pool[index])
            taken.add(pool[index][1]["track_id"])

    return header, [_track(line, row, seed) for line, row in chosen]


def _track(line: str, row: dict[str, str], seed: int) -> Track:
    genre = genre_from_spotify(row["track_genre"]) or "pop"
    energy = float(row["energy"])
    valence = float(row["valence"])
    mode = int(row["mode"])
    # Sounds are uploaded to TikTok some time after release; the id's time is that upload.
    released = datetime(2019, 1, 1, tzinfo=UTC).timestamp()
    span = datetime(2026, 6, 1, tzinfo=UTC).timestamp() - released
    upload = int(released + stable_unit(seed, "sound-upload", row["track_id"]) * span)
    return Track(
        line=line,
        track_id=row["track_id"],
        artists=row["artists"],
        album=row["album_name"],
        title=row["track_name"],
        popularity=int(row["popularity"]),
        duration_ms=int(row["duration_ms"]),
        tempo=float(row["tempo"]),
        key=int(row["key"]),
        mode=mode,
        energy=energy,
        valence=valence,
        danceability=float(row["danceability"]),
        loudness=float(row["loudness"]),
        speechiness=float(row["speechiness"]),
        spotify_genre=row["track_genre"],
        genre=genre,
        moods=moods_from_valence_arousal(valence, energy, mode="major" if mode == 1 else "minor"),
        music_id=tiktok_id(upload, seed, "sound", row["track_id"]),
        # About 45% of tracks are cleared for business use (a demo flag, not a licence fact).
        commercial_ok=stable_unit(seed, "commercial", row["track_id"]) < 0.45,
    )


def write_catalogue(path: Path, header: str, tracks: list[Track]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *(t.line for t in tracks)]) + "\n", encoding="utf-8")


def write_commercial(path: Path, tracks: list[Track]) -> None:
    lines = ["track_id,commercial_ok"]
    lines += [f"{t.track_id},{'true' if t.commercial_ok else 'false'}" for t in tracks]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
