"""The engine's inputs read from the database: catalogue arrays and the usage (crowd) data.

Both are built once per process and kept in a `CatalogueCache` until what they were built from
changes. "Changed" is an explicit version (`musicrec.core.versions`): every service that writes
catalogue data (imports, merges, features, genres, trends, Spotify, scrapes, admin edits) bumps
the catalogue counter in its own transaction, and every one that writes uses (scrapes, merges,
admin edits and deletes of videos and creators) the usage counter. Reading the counters is one
query per request, and no change can slip past them the way a fingerprint of the data could
(a same-length title fix, two genre weights swapped).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings

from authors.analysis import is_reach_tag
from music.models import Music, MusicSnapshot, MusicSource
from musicrec.core.models import AnalysisStatus, Platform
from musicrec.core.versions import CATALOGUE, USAGE, data_stamps
from videos.models import VideoMusic, VideoSource

from .as_of import PopularityPoint
from .catalogue import CatalogueArrays, CatalogueCache, TrackRecord
from .crowd import Crowd
from .usage import Usage, day_number, relative_performance, video_terms

# Platforms whose sources carry Spotify's 0-100 popularity (the imported catalogue is Spotify's).
POPULARITY_PLATFORMS = (Platform.SPOTIFY, Platform.CATALOGUE)
FEATURE_COLUMNS = (
    "tempo_bpm",
    "energy",
    "valence",
    "arousal",
    "danceability",
    "acousticness",
    "usage_growth_7d",
    "usage_growth_28d",
)

# --- Version stamps -----------------------------------------------------------------------------


def catalogue_version() -> str:
    """The version of everything the catalogue arrays are built from (one query): the counter's
    number and when it last changed, e.g. "catalogue-12@2026-12-05T05:30:01.123456Z"."""
    return f"catalogue-{data_stamps([CATALOGUE])[CATALOGUE]}"


def usage_version(catalogue: str) -> str:
    """The version of the uses of catalogue tracks and their posts (one query); the usage rows
    index the catalogue arrays, so it includes the catalogue's version too."""
    return f"{catalogue}/usage-{data_stamps([USAGE])[USAGE]}"


# --- Catalogue records --------------------------------------------------------------------------


def _genres(stored: Any, top: str) -> dict[str, float]:
    if isinstance(stored, Mapping):
        weights = {
            str(k): float(v)
            for k, v in stored.items()
            if isinstance(v, int | float) and not isinstance(v, bool) and v > 0
        }
        if weights:
            return weights
    return {top: 1.0} if top else {}


def catalogue_records() -> list[TrackRecord]:
    """Every catalogue track (no original sounds) as a `TrackRecord`, in two queries.

    Features of a failed analysis are left out, as the profile analysis does: a failure means the
    row is not trusted. Spotify popularity is the highest any Spotify or catalogue source reports;
    TikTok usage is the sum over the track's TikTok sounds (one song often has several).
    """
    feature_fields = [f"features__{c}" for c in (*FEATURE_COLUMNS, "genre", "genres")]
    rows = (
        Music.objects.catalogue()
        .order_by("pk")
        .values(
            "pk",
            "title",
            "artist_id",
            "artist_name",
            "artist__name",
            "commercial_ok",
            "features__status",
            "features__early_trend",
            *feature_fields,
        )
    )
    popularity: dict[int, float] = {}
    usage: dict[int, int] = defaultdict(int)
    sources = MusicSource.objects.filter(music__is_original_sound=False).values_list(
        "music_id", "platform", "popularity", "usage_count"
    )
    for music_id, platform, pop, count in sources:
        if pop is not None and platform in POPULARITY_PLATFORMS:
            popularity[music_id] = max(popularity.get(music_id, 0.0), float(pop))
        if count is not None and platform == Platform.TIKTOK:
            usage[music_id] += int(count)

    records = []
    for row in rows:
        trusted = row["features__status"] not in (None, AnalysisStatus.FAILED)

        def feature(name: str, row: dict[str, Any] = row, trusted: bool = trusted) -> Any:
            return row[f"features__{name}"] if trusted else None

        music_id = row["pk"]
        records.append(
            TrackRecord(
                music_id=music_id,
                title=row["title"],
                artist=row["artist_name"] or row["artist__name"] or "",
                artist_id=row["artist_id"],
                genres=_genres(feature("genres"), feature("genre") or ""),
                tempo_bpm=feature("tempo_bpm"),
                energy=feature("energy"),
                valence=feature("valence"),
                arousal=feature("arousal"),
                danceability=feature("danceability"),
                acousticness=feature("acousticness"),
                spotify_popularity=popularity.get(music_id),
                tiktok_usage=usage.get(music_id),
                usage_growth_7d=feature("usage_growth_7d"),
                usage_growth_28d=feature("usage_growth_28d"),
                early_trend=bool(row["features__early_trend"]) and trusted,
                commercial_ok=row["commercial_ok"],
            )
        )
    return records


def catalogue_points(arrays: CatalogueArrays) -> list[PopularityPoint]:
    """Every dated usage count and popularity of the catalogue's sources (one query), for the
    catalogue as of an earlier moment (`as_of.catalogue_as_of`)."""
    rows = list(
        MusicSnapshot.objects.filter(source__music__is_original_sound=False).values_list(
            "source__music_id", "source_id", "source__platform", "taken_at", "usage_count",
            "popularity",
        )
    )  # fmt: skip
    catalogue_rows = arrays.row_index(np.array([r[0] for r in rows], dtype=np.int64))
    return [
        PopularityPoint(
            row=int(row),
            source=source,
            tiktok=platform == Platform.TIKTOK,
            taken_at=taken_at,
            usage=usage,
            popularity=None if popularity is None else float(popularity),
        )
        for (_, source, platform, taken_at, usage, popularity), row in zip(
            rows, catalogue_rows.tolist(), strict=True
        )
        if row >= 0 and (platform == Platform.TIKTOK or platform in POPULARITY_PLATFORMS)
    ]


def catalogued_rows(arrays: CatalogueArrays) -> np.ndarray:
    """Per catalogue row, whether the track has a Spotify or imported-catalogue source (one
    query): such a track is known independently of when anyone used it on TikTok."""
    ids = MusicSource.objects.filter(
        platform__in=POPULARITY_PLATFORMS, music__is_original_sound=False
    ).values_list("music_id", flat=True)
    known = np.zeros(arrays.size, dtype=bool)
    known[arrays.rows_for(ids.distinct())] = True
    return known


# --- Usage: who used which track, when -----------------------------------------------------------


def usage_table(arrays: CatalogueArrays) -> Usage:
    """Every use of a catalogue track in a dated TikTok post, with its performance and words, in
    two queries; uses map to catalogue rows in one vectorised lookup.

    Performance compares each video's views with the creator's median over all their TikTok
    posts with known views. Ads are left out: paid reach says nothing about the music.
    """
    posts = VideoSource.objects.filter(platform=Platform.TIKTOK).values_list(
        "video_id", "video__author_id", "views", "is_ad"
    )
    views: dict[int, tuple[int, float | None]] = {}
    ads: set[int] = set()
    for video_id, author_id, count, is_ad in posts:
        if is_ad:
            ads.add(video_id)
        known = views.get(video_id, (author_id, None))[1]
        if count is not None and (known is None or count > known):
            views[video_id] = (author_id, float(count))
        else:
            views.setdefault(video_id, (author_id, known))
    counted = [v for v, (_, n) in views.items() if n is not None and v not in ads]
    owners = np.array([views[v][0] for v in counted], dtype=np.int64)
    performance = relative_performance(np.array([views[v][1] for v in counted]), owners)
    perf_of = dict(zip(counted, performance.tolist(), strict=True))

    links = list(
        VideoMusic.objects.filter(
            music__is_original_sound=False,
            video__posted_at__isnull=False,
            video__sources__platform=Platform.TIKTOK,
        )
        .exclude(video_id__in=ads)
        .distinct()
        .values_list(
            "video_id", "music_id", "video__author_id", "video__posted_at", "video__hashtags",
            "video__caption",
        )
    )  # fmt: skip
    rows = arrays.row_index(np.array([link[1] for link in links], dtype=np.int64))
    return Usage.build(
        author_ids=[link[2] for link in links],
        track_rows=rows,
        days=[day_number(link[3]) for link in links],
        performance=[perf_of.get(link[0], 0.5) for link in links],
        video_ids=[link[0] for link in links],
        terms=[post_terms(link[4], link[5]) for link in links],
        n_tracks=arrays.size,
    )


def post_terms(hashtags: Any, caption: str | None) -> list[str]:
    """A stored video's words for the topic component: hashtags without reach tags, and the
    caption's language."""
    tags = [t for t in hashtags if isinstance(t, str) and not is_reach_tag(t)] if hashtags else []
    return video_terms(tags, caption or "")


# --- The per-process caches ---------------------------------------------------------------------

_arrays_cache: CatalogueCache[CatalogueArrays] = CatalogueCache()
_crowd_cache: CatalogueCache[Crowd] = CatalogueCache()


@dataclass(frozen=True)
class EngineData:
    """What one request scores against, and the stamps it was built from.

    The crowd data (who used which track) is read only when a request weighs a crowd component:
    `crowd()` reads the usage version (one query) and builds it on first use.
    """

    arrays: CatalogueArrays
    catalogue_version: str
    checked_now: bool = True  # False: the stamps were trusted from an earlier request

    def crowd(self) -> Crowd:
        version = usage_version(self.catalogue_version)
        return _crowd_cache.get(version, lambda: Crowd(usage_table(self.arrays)))


_stamps_lock = threading.Lock()
_stamps: tuple[float, str] | None = None  # (monotonic time read, catalogue stamp)


def _current_stamp(fresh: bool) -> tuple[str, bool]:
    """(catalogue stamp, read now): read again when older than
    RECOMMENDER_CATALOGUE_CHECK_SECONDS or when `fresh`."""
    global _stamps
    interval = float(getattr(settings, "RECOMMENDER_CATALOGUE_CHECK_SECONDS", 0.0))
    with _stamps_lock:
        known = _stamps
    if not fresh and known is not None and time.monotonic() - known[0] < interval:
        return known[1], False
    version = catalogue_version()
    with _stamps_lock:
        _stamps = (time.monotonic(), version)
    return version, True


def engine_data(*, fresh: bool = False) -> EngineData:
    """The current catalogue arrays, rebuilt only when they changed.

    One query reads the catalogue version (at most every RECOMMENDER_CATALOGUE_CHECK_SECONDS, or
    now with `fresh`); two more run only when a rebuild is due. Shared by every request of this
    process.
    """
    version, checked_now = _current_stamp(fresh)
    arrays = _arrays_cache.get(version, lambda: CatalogueArrays.build(catalogue_records()))
    return EngineData(arrays=arrays, catalogue_version=version, checked_now=checked_now)


def cache_stats() -> dict[str, int]:
    """How often each cache was built in this process (tests and the admin read it)."""
    return {"catalogue": _arrays_cache.builds, "crowd": _crowd_cache.builds}


def caches_clear() -> None:
    global _stamps
    with _stamps_lock:
        _stamps = None
    _arrays_cache.clear()
    _crowd_cache.clear()


def music_ids_in(arrays: CatalogueArrays, music_ids: Iterable[int]) -> set[int]:
    """The given ids that are rows of the catalogue arrays."""
    rows = arrays.rows_for(music_ids)
    return set(arrays.music_ids[rows].tolist())
