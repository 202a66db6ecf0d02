"""Reads of music: the catalogue list, one track with its sources, history and features."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet

from music.models import Music, MusicSnapshot, MusicSource

# Most popular first, tracks never ranked last; title breaks ties.
DEFAULT_ORDERING: tuple[str, ...] = ("-popularity", "title")


def music_list(*, include_originals: bool = False) -> QuerySet[Music]:
    """Tracks with their features and artist in one query.

    Catalogue tracks only unless `include_originals` (creators' sounds are not recommended).
    `popularity` and `tempo` are annotated so lists can order by them.
    """
    queryset = Music.objects.all() if include_originals else Music.objects.catalogue()
    return queryset.select_related("features", "artist").annotate(
        popularity=F("features__popularity_percentile"), tempo=F("features__tempo_bpm")
    )


def music_list_filter(queryset: QuerySet[Music], *, search: str) -> QuerySet[Music]:
    """Title, credited artist, album or ISRC contains the words (each word must match)."""
    for word in search.split():
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(artist_name__icontains=word)
            | Q(album__icontains=word)
            | Q(isrc__iexact=word)
        )
    return queryset


def music_detail_list() -> QuerySet[Music]:
    """Tracks with features, artist, sources and each source's snapshots, newest first.

    Queries: the track with features and artist (1), its sources (2), their snapshots (3).
    """
    snapshots = MusicSnapshot.objects.order_by("-taken_at")
    sources = MusicSource.objects.order_by("platform", "pk").prefetch_related(
        Prefetch("snapshots", queryset=snapshots)
    )
    return Music.objects.select_related("features", "artist").prefetch_related(
        Prefetch("sources", queryset=sources)
    )


def music_get(music_id: int) -> Music | None:
    return music_detail_list().filter(pk=music_id).first()


def catalogue_track_count() -> int:
    """Tracks of the catalogue, not creators' original sounds (`Music.objects.catalogue()`)."""
    return Music.objects.catalogue().count()
