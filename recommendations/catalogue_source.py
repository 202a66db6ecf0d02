"""The engine's inputs read from the database: catalogue arrays and the usage (crowd) data.

Both are built once per process and kept in a `CatalogueCache` until what they were built from
changes. "Changed" is decided by a version stamp read on every request: a few aggregate queries
(count, newest id and timestamp, and exact integer checksums of every column the engine reads)
that cost milliseconds where a rebuild costs a second on a large catalogue. The checksums are
there because several writers change the catalogue without touching a timestamp: the trend
refresh and the genre labelling save only their own columns, the ingest bulk-updates usage
counts, and a curator may move a source to another track. Each column value is weighted by a
small function of the track id, so two tracks swapping values also changes the stamp. Sums are
of integers (values x 1000, truncated), so they are exact and do not depend on the order the
database adds rows in.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Q,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Length, Mod, Ord

from authors.analysis import is_reach_tag
from music.models import Music, MusicFeatures, MusicSnapshot, MusicSource
from musicrec.core.models import AnalysisStatus, Platform
from videos.models import Video, VideoMusic, VideoSource

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
# Checksum weights cycle through 1..STAMP_MODULUS so sums of value x 1000 x weight stay far
# below 2^63 for millions of rows.
STAMP_MODULUS = 9973


# --- Version stamps -----------------------------------------------------------------------------


def _weight(id_field: str) -> Any:
    return Mod(F(id_field), Value(STAMP_MODULUS)) + Value(1)


def _checksum(column: str, id_field: str) -> Sum:
    """Exact integer sum of value x 1000 x weight(id); NULL values are left out."""
    scaled = ExpressionWrapper(F(column) * Value(1000.0), output_field=FloatField())
    return Sum(Cast(scaled, BigIntegerField()) * _weight(id_field))


def _stamp(*parts: Mapping[str, Any]) -> str:
    text = "|".join(f"{k}={part[k]}" for part in parts for k in sorted(part))
    return hashlib.sha1(text.encode()).hexdigest()[:20]


def catalogue_version() -> str:
    """A stamp of everything the catalogue arrays are built from (three aggregate queries)."""
    music = Music.objects.catalogue().aggregate(
        n=Count("id"),
        last_id=Max("id"),
        updated=Max("updated_at"),
        commercial=Sum(
            Case(When(commercial_ok=True, then=Value(2)), When(commercial_ok=False, then=Value(1)))
            * _weight("id")
        ),
        artists=Sum(F("artist_id") * _weight("id")),
        titles=Sum((Length("title") + Length("artist_name")) * _weight("id")),
    )
    features = MusicFeatures.objects.filter(music__is_original_sound=False).aggregate(
        n=Count("id"),
        analysed=Max("analyzed_at"),
        early=Sum(Case(When(early_trend=True, then=_weight("music_id")))),
        status=Sum(Ord("status") * _weight("music_id")),
        genre=Sum((Ord("genre") + Length("genre") * Value(1000)) * _weight("music_id")),
        genres=Sum(Length(Cast("genres", TextField())) * _weight("music_id")),
        **{column: _checksum(column, "music_id") for column in FEATURE_COLUMNS},
    )
    sources = MusicSource.objects.filter(music__is_original_sound=False).aggregate(
        n=Count("id"),
        last_id=Max("id"),
        music=Sum("music_id"),
        usage=Sum("usage_count"),
        popularity=Sum(F("popularity") * _weight("music_id")),
    )
    return _stamp(music, features, sources)


def usage_version(catalogue: str) -> str:
    """A stamp of the uses of catalogue tracks and the posts they are in (three queries)."""
    links = VideoMusic.objects.aggregate(n=Count("id"), last_id=Max("id"), music=Sum("music_id"))
    posts = VideoSource.objects.filter(platform=Platform.TIKTOK).aggregate(
        n=Count("id"),
        last_id=Max("id"),
        views=Sum("views"),
        ads=Count("id", filter=Q(is_ad=True)),
    )
    videos = Video.objects.aggregate(n=Count("id"), updated=Max("updated_at"))
    return _stamp({"catalogue": catalogue}, links, posts, videos)


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
    `crowd()` checks its own stamp and builds it on first use.
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

    Three aggregate queries check the stamp (at most every RECOMMENDER_CATALOGUE_CHECK_SECONDS,
    or now with `fresh`); two more run only when a rebuild is due. Shared by every request of
    this process.
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
