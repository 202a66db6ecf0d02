"""What the trending page shows: sounds rising fastest across the stored creators, and the
early-trend list, as of the newest stored post.

Reads the engine's cached catalogue arrays and crowd data (`catalogue_source.engine_data`) and
`Crowd.trending`; only the listed rows' tracks come from the database (one query). Every
number is explained in docs/music-signals.md ("The trending page").
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from music import selectors as music_selectors
from music.models import Music
from musicrec.core.descriptors import GENRE_KEYS, GENRES, MOODS
from musicrec.core.relations import related_or_none

from .catalogue import ACOUSTIC_MOODS
from .catalogue_source import engine_data
from .crowd import Crowd, Trending
from .usage import SECONDS_PER_DAY

WEEKS = 12  # sparkline length
ROWS_SHOWN = 25
# A sound counts as rising when this many creators used it in the last 28 days and it grew:
# one creator's single post is not a trend, and a sound with no uses cannot rise.
MIN_RECENT_CREATORS = 2
# "Tracks like this one": the brief's tempo range around the track's tempo.
TEMPO_SPREAD = 0.08


@dataclass(frozen=True)
class TrendingRow:
    music: Music
    last_7d: int
    last_28d: int
    prior_28d: int
    growth_28d: float | None  # ln((last 28 d + 1) / (prior 28 d + 1)); None when both are 0
    weekly: list[int]  # distinct creators per week, oldest first; the last week ends at as_of
    genre: str  # taxonomy key or ""
    mood: str  # acoustic mood key or ""
    tiktok_usage: int | None  # videos using the sound on TikTok, as last scraped
    usage_pct: float | None  # that count's percentile within the catalogue (0-1)
    spotify_popularity: float | None  # 0-100


@dataclass(frozen=True)
class TrendingPage:
    as_of: datetime | None  # the newest stored post; None when no creator used a catalogue track
    rising: list[TrendingRow]
    early: list[TrendingRow]
    creators: int  # creators whose uses the counts read
    weeks: int = WEEKS


_trending_lock = threading.Lock()
# Crowd.trending for each crowd object the engine cache holds (it is rebuilt when the stored
# uses change, and the old object and its entry go together).
_trending_cache: weakref.WeakKeyDictionary[Crowd, Trending] = weakref.WeakKeyDictionary()


def _trending(crowd: Crowd, moment: float) -> Trending:
    with _trending_lock:
        known = _trending_cache.get(crowd)
    if known is not None and known.moment == moment:
        return known
    result = crowd.trending(moment, weeks=WEEKS)
    with _trending_lock:
        _trending_cache[crowd] = result
    return result


def _key(keys: tuple[str, ...], index: int) -> str:
    return keys[index] if 0 <= index < len(keys) else ""


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def trending_page(*, genre: str = "", mood: str = "", limit: int = ROWS_SHOWN) -> TrendingPage:
    """The rising sounds and the early-trend list, narrowed to a genre and a mood (taxonomy
    and acoustic mood keys; empty = any). Original sounds are never listed (they are not in the
    catalogue the engine recommends from).

    Rising: used by at least MIN_RECENT_CREATORS creators in the last 28 days and more than in
    the 28 days before; sorted by 28-day growth, then uses in the last 7 and 28 days.
    Early trend: the catalogue's early-trend flag (rising on Spotify while rare on TikTok),
    most popular on Spotify first, then least used on TikTok.
    """
    data = engine_data()
    arrays = data.arrays
    wanted = np.ones(arrays.size, dtype=bool)
    if genre:
        wanted &= arrays.top_genre == (GENRE_KEYS.index(genre) if genre in GENRE_KEYS else -2)
    if mood:
        wanted &= arrays.top_mood == (ACOUSTIC_MOODS.index(mood) if mood in ACOUSTIC_MOODS else -2)
    wanted &= ~arrays.is_original

    crowd = data.crowd()
    moment = crowd.usage.latest_day
    rising_rows: np.ndarray = np.empty(0, dtype=np.int64)
    trending: Trending | None = None
    if moment is not None:
        trending = _trending(crowd, moment)
        growth = trending.growth_28d
        rising = wanted & (trending.last_28d >= MIN_RECENT_CREATORS) & (growth > 0)
        candidates = np.flatnonzero(rising)
        # lexsort: the last key sorts first.
        order = np.lexsort(
            (-trending.last_28d[candidates], -trending.last_7d[candidates], -growth[candidates])
        )
        rising_rows = candidates[order][:limit]

    early_candidates = np.flatnonzero(wanted & arrays.early_trend)
    spotify = np.nan_to_num(arrays.spotify_popularity[early_candidates], nan=-1.0)
    usage = np.nan_to_num(arrays.tiktok_usage[early_candidates], nan=0.0)
    early_rows = early_candidates[np.lexsort((usage, -spotify))][:limit]

    listed = np.concatenate([rising_rows, early_rows])
    tracks = music_selectors.music_list().in_bulk(arrays.music_ids[listed].tolist())

    def row(index: int) -> TrendingRow | None:
        music = tracks.get(int(arrays.music_ids[index]))
        if music is None:  # deleted since the arrays were built
            return None
        counts = (0, 0, 0) if trending is None else (
            int(trending.last_7d[index]),
            int(trending.last_28d[index]),
            int(trending.prior_28d[index]),
        )  # fmt: skip
        usage_count = _number(arrays.tiktok_usage[index])
        return TrendingRow(
            music=music,
            last_7d=counts[0],
            last_28d=counts[1],
            prior_28d=counts[2],
            growth_28d=None
            if trending is None or counts[1] == counts[2] == 0
            else float(trending.growth_28d[index]),
            weekly=[] if trending is None else trending.weekly[index].tolist(),
            genre=_key(GENRE_KEYS, int(arrays.top_genre[index])),
            mood=_key(ACOUSTIC_MOODS, int(arrays.top_mood[index])),
            tiktok_usage=None if usage_count is None else int(usage_count),
            usage_pct=_number(arrays.usage_pct[index]),
            spotify_popularity=_number(arrays.spotify_popularity[index]),
        )

    return TrendingPage(
        as_of=None if moment is None else datetime.fromtimestamp(moment * SECONDS_PER_DAY, UTC),
        rising=[r for r in (row(int(i)) for i in rising_rows) if r is not None],
        early=[r for r in (row(int(i)) for i in early_rows) if r is not None],
        creators=int(crowd.usage.creator_ids.size),
    )


def brief_from_track(music: Music) -> dict[str, object]:
    """A brief that asks for tracks like `music` (its genre, top mood, tempo ± 8 % and energy),
    as the initial values of the dashboard's brief form: the "recommend to a creator" link of a
    trending sound starts from it. Parts the track has no value for are left out."""
    features = related_or_none(music, "features")
    artist = music.artist_name or (music.artist.name if music.artist_id else "")
    note = f"Like “{music.title}”" + (f" by {artist}" if artist else "")
    initial: dict[str, object] = {"note": note}
    if features is None:
        return initial
    if features.genre in GENRES:
        initial["genres"] = [features.genre]
    if features.top_mood in MOODS:
        initial["moods"] = [features.top_mood]
    if features.tempo_bpm:
        initial["tempo_min"] = round(features.tempo_bpm * (1 - TEMPO_SPREAD))
        initial["tempo_max"] = round(features.tempo_bpm * (1 + TEMPO_SPREAD))
    if features.energy is not None:
        initial["energy"] = round(features.energy, 2)
    return initial
