"""The engine's inputs read from the database: catalogue arrays and the collaborative data.

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

from authors.models import AuthorAnalysis
from music.models import Music, MusicFeatures, MusicSource
from musicrec.core.models import AnalysisStatus, Platform
from videos.models import VideoMusic, VideoSource

from .catalogue import CatalogueArrays, CatalogueCache, TrackRecord
from .collaborative import PROFILE_DIM, collaborative_scores, profile_vector, relative_performance
from .profile_targets import author_target
from .targets import Target

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
# The profile analysis's typed copies of the content profile (a re-analysis with a fixed clock
# keeps `analyzed_at` but may change them).
PROFILE_COLUMNS = (
    "profile_tempo_bpm",
    "profile_energy",
    "profile_valence",
    "profile_arousal",
    "profile_danceability",
)
# Checksum weights cycle through 1..STAMP_MODULUS so sums of value x 1000 x weight stay far
# below 2^63 for millions of rows.
STAMP_MODULUS = 9973
# Similar creators voting for a track (collaborative.collaborative_scores `k`).
COLLABORATIVE_NEIGHBOURS = 20


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


def collaborative_version(catalogue: str) -> str:
    """A stamp of the creators' profiles and their uses of catalogue tracks (three queries)."""
    analyses = AuthorAnalysis.objects.aggregate(
        n=Count("id"),
        last_id=Max("id"),
        analysed=Max("analyzed_at"),
        metrics=Sum(Length(Cast("metrics", TextField())) * _weight("author_id")),
        tiers=Sum(Length("tier") * _weight("author_id")),
        **{column: _checksum(column, "author_id") for column in PROFILE_COLUMNS},
    )
    links = VideoMusic.objects.aggregate(n=Count("id"), last_id=Max("id"), music=Sum("music_id"))
    posts = VideoSource.objects.filter(platform=Platform.TIKTOK).aggregate(
        n=Count("id"),
        last_id=Max("id"),
        views=Sum("views"),
        ads=Count("id", filter=Q(is_ad=True)),
    )
    return _stamp({"catalogue": catalogue}, analyses, links, posts)


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


# --- Collaborative data -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CollaborativeData:
    """Creators' profile vectors and their uses of catalogue tracks, as the engine wants them.

    Row i of `profiles` is creator `author_ids[i]`; usage row j says creator row
    `usage_author[j]` used catalogue row `usage_track[j]` (a row of the arrays this was built
    for) in video `usage_video[j]`, which performed `usage_performance[j]` (0-1) against that
    creator's median views.
    """

    author_ids: np.ndarray
    profiles: np.ndarray
    usage_author: np.ndarray
    usage_track: np.ndarray
    usage_video: np.ndarray
    usage_performance: np.ndarray

    def row_of(self, author_id: int | None) -> int | None:
        if author_id is None:
            return None
        found = np.flatnonzero(self.author_ids == author_id)
        return int(found[0]) if found.size else None

    def scores(
        self,
        target: Target | None,
        n_tracks: int,
        *,
        author_id: int | None = None,
        own_profile: Target | None = None,
    ) -> np.ndarray | None:
        """Collaborative scores for a target, or None when the data has nothing to say.

        The creator's own uses never vote (`exclude_author`). `own_profile` replaces the
        creator's stored profile row, so an evaluation that hides one of their tracks does not
        let the stored profile (built with it) shift the centring either.
        """
        if target is None or not target.has_content or self.usage_track.size == 0:
            return None
        profiles = self.profiles
        row = self.row_of(author_id)
        if own_profile is not None and row is not None:
            profiles = profiles.copy()
            profiles[row] = profile_vector(own_profile)
        scores = collaborative_scores(
            profiles,
            self.usage_author,
            self.usage_track,
            self.usage_performance,
            profile_vector(target),
            n_tracks,
            k=COLLABORATIVE_NEIGHBOURS,
            exclude_author=row,
        )
        return scores if scores.any() else None


def collaborative_data(arrays: CatalogueArrays) -> CollaborativeData:
    """Profiles from the stored analyses and uses from the videos, in three queries.

    Performance compares each video's views with the creator's median over all their TikTok
    posts with known views (ads left out: paid reach says nothing about the music).
    """
    analyses = AuthorAnalysis.objects.order_by("author_id").values_list(
        "author_id", "metrics__content_profile", "tier", "followers"
    )
    author_ids: list[int] = []
    vectors: list[np.ndarray] = []
    for author_id, profile, tier, followers in analyses:
        target = author_target({"content_profile": profile or {}}, tier=tier, followers=followers)
        author_ids.append(author_id)
        vectors.append(profile_vector(target))

    posts = VideoSource.objects.filter(
        platform=Platform.TIKTOK, is_ad=False, views__isnull=False
    ).values_list("video_id", "video__author_id", "views")
    views: dict[int, tuple[int, float]] = {}
    for video_id, author_id, count in posts:
        if video_id not in views or count > views[video_id][1]:
            views[video_id] = (author_id, float(count))
    video_ids = np.fromiter(views, dtype=np.int64, count=len(views))
    owners = np.array([views[v][0] for v in views], dtype=np.int64)
    performance = relative_performance(np.array([views[v][1] for v in views]), owners)
    perf_of = dict(zip(video_ids.tolist(), performance.tolist(), strict=True))

    row_of_author = {a: i for i, a in enumerate(author_ids)}
    links = VideoMusic.objects.filter(music__is_original_sound=False).values_list(
        "video_id", "music_id"
    )
    used: list[tuple[int, int, int, float]] = []
    for video_id, music_id in links:
        if video_id not in perf_of:
            continue
        author_row = row_of_author.get(views[video_id][0])
        track_row = arrays.row_of(music_id)
        if author_row is not None and track_row is not None:
            used.append((author_row, track_row, video_id, perf_of[video_id]))
    columns = list(zip(*used, strict=True)) if used else [(), (), (), ()]
    return CollaborativeData(
        author_ids=np.array(author_ids, dtype=np.int64),
        profiles=(np.vstack(vectors) if vectors else np.empty((0, PROFILE_DIM), dtype=np.float32)),
        usage_author=np.array(columns[0], dtype=np.int64),
        usage_track=np.array(columns[1], dtype=np.int64),
        usage_video=np.array(columns[2], dtype=np.int64),
        usage_performance=np.array(columns[3], dtype=np.float32),
    )


# --- The per-process caches ---------------------------------------------------------------------

_arrays_cache: CatalogueCache[CatalogueArrays] = CatalogueCache()
_collaborative_cache: CatalogueCache[CollaborativeData] = CatalogueCache()


@dataclass(frozen=True)
class EngineData:
    """What one request scores against, and the stamps it was built from."""

    arrays: CatalogueArrays
    collaborative: CollaborativeData
    catalogue_version: str
    checked_now: bool = True  # False: the stamps were trusted from an earlier request


_stamps_lock = threading.Lock()
_stamps: tuple[float, str, str] | None = None  # (monotonic time read, catalogue, collaborative)


def _current_stamps(fresh: bool) -> tuple[str, str, bool]:
    """(catalogue stamp, collaborative stamp, read now): read again when older than
    RECOMMENDER_CATALOGUE_CHECK_SECONDS or when `fresh`."""
    global _stamps
    interval = float(getattr(settings, "RECOMMENDER_CATALOGUE_CHECK_SECONDS", 0.0))
    with _stamps_lock:
        known = _stamps
    if not fresh and known is not None and time.monotonic() - known[0] < interval:
        return known[1], known[2], False
    version = catalogue_version()
    collab_version = collaborative_version(version)
    with _stamps_lock:
        _stamps = (time.monotonic(), version, collab_version)
    return version, collab_version, True


def engine_data(*, fresh: bool = False) -> EngineData:
    """The current catalogue arrays and collaborative data, rebuilt only when they changed.

    Six aggregate queries check the stamps (at most every RECOMMENDER_CATALOGUE_CHECK_SECONDS,
    or now with `fresh`); two more (catalogue) or three (collaborative) run only when a rebuild
    is due. Shared by every request of this process.
    """
    version, collab_version, checked_now = _current_stamps(fresh)
    arrays = _arrays_cache.get(version, lambda: CatalogueArrays.build(catalogue_records()))
    collaborative = _collaborative_cache.get(collab_version, lambda: collaborative_data(arrays))
    return EngineData(
        arrays=arrays,
        collaborative=collaborative,
        catalogue_version=version,
        checked_now=checked_now,
    )


def cache_stats() -> dict[str, int]:
    """How often each cache was built in this process (tests and the admin read it)."""
    return {"catalogue": _arrays_cache.builds, "collaborative": _collaborative_cache.builds}


def caches_clear() -> None:
    global _stamps
    with _stamps_lock:
        _stamps = None
    _arrays_cache.clear()
    _collaborative_cache.clear()


def music_ids_in(arrays: CatalogueArrays, music_ids: Iterable[int]) -> set[int]:
    """The given ids that are rows of the catalogue arrays."""
    rows = arrays.rows_for(music_ids)
    return set(arrays.music_ids[rows].tolist())
