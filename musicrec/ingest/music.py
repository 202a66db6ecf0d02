"""Storing TikTok sounds: join catalogue tracks, attribute original sounds, count usage."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from django.db.models import Count
from django.utils.text import slugify

from music.matching import Recording, match_score
from music.models import Music, MusicSnapshot, MusicSource
from musicrec.core.models import Platform
from musicrec.ingest.sources import (
    SourceTable,
    Upserted,
    add_count_snapshots,
    clip,
    create_owners,
    rows_in,
    upsert_sources,
)
from musicrec.ingest.summary import IngestSummary
from musicrec.platforms.tiktok import MusicRecord
from videos.models import VideoMusic

MUSIC_FIELDS = ("url", "audio_url", "cover_url", "usage_count")
_MUSIC = SourceTable(MusicSource, Music, "music", MUSIC_FIELDS, "last_seen_at")


def _music_url(record: MusicRecord) -> str:
    if not record.external_id.isdigit():
        return ""  # a sound known by its name only (creators CSV) has no TikTok page we know
    slug = slugify(record.title or "") or "sound"
    return f"https://www.tiktok.com/music/{slug[:80]}-{record.external_id}"


def store_music(
    records: Sequence[MusicRecord],
    authors: Upserted,
    taken_at: datetime,
    media: Callable[[str | None], str],
    summary: IngestSummary,
) -> Upserted:
    by_id = {record.external_id: record for record in records}
    creators = {
        (source.handle or "").casefold(): authors.owner_ids[external_id]
        for external_id, source in authors.objects.items()
    }
    created_music: list[int] = []

    def create(new_ids: list[str]) -> dict[str, int]:
        # A sound TikTok maps to a Spotify track we already hold is that track, not a new Music.
        spotify_ids = [by_id[e].spotify_id for e in new_ids if by_id[e].spotify_id]
        catalogue = dict(
            rows_in(
                MusicSource.objects.filter(platform=Platform.SPOTIFY),
                "external_id",
                spotify_ids,
                "external_id",
                "music_id",
                flat_pairs=True,
            )
        )
        joined = {
            e: catalogue[by_id[e].spotify_id] for e in new_ids if by_id[e].spotify_id in catalogue
        }
        joined.update(_catalogue_by_title([by_id[e] for e in new_ids if e not in joined]))
        fresh = [e for e in new_ids if e not in joined]
        rows = [_new_music(by_id[e], creators) for e in fresh]
        owners = create_owners(Music, fresh, rows)
        created_music.extend(owners.values())
        return {**joined, **owners}

    upserted = upsert_sources(
        _MUSIC,
        {
            e: {
                "url": _music_url(r),
                "audio_url": media(r.play_url),
                "cover_url": media(r.cover_url),
                "usage_count": r.usage_count,
            }
            for e, r in by_id.items()
        },
        {e: r.raw for e, r in by_id.items()},
        taken_at,
        create,
    )
    # Remember the Spotify identity of new sounds so a later catalogue import joins them.
    spotify = [
        MusicSource(
            music_id=upserted.owner_ids[e],
            platform=Platform.SPOTIFY,
            external_id=by_id[e].spotify_id,
            url=f"https://open.spotify.com/track/{by_id[e].spotify_id}",
            last_seen_at=taken_at,
        )
        for e in upserted.new
        if by_id[e].spotify_id
    ]
    if spotify:
        MusicSource.objects.bulk_create(spotify, ignore_conflicts=True)
    kept = set(upserted.owner_ids.values())
    summary.created.update(
        music=len([pk for pk in created_music if pk in kept]), music_sources=len(upserted.new)
    )
    summary.updated["music_sources"] = len(upserted.changed)
    return upserted


def _catalogue_by_title(records: list[MusicRecord]) -> dict[str, int]:
    """Sounds that are a catalogue track under the same title and a matching artist.

    Licensed sounds usually carry the release title, so an exact title finds the candidates in
    one query and `music.matching` confirms the artist and version (a remix is another
    recording). The sound's duration is left out: TikTok's is the clip's, not the track's.
    Looser spellings are for the curator's merge.
    """
    wanted = [r for r in records if not r.is_original and r.title]
    if not wanted:
        return {}
    candidates: dict[str, list[tuple[int, str]]] = {}
    for row in rows_in(
        Music.objects.filter(is_original_sound=False, sources__platform=Platform.SPOTIFY),
        "title",
        sorted({r.title or "" for r in wanted}),
        "pk",
        "title",
        "artist_name",
    ):
        candidates.setdefault(row["title"], []).append((row["pk"], row["artist_name"]))
    joined = {}
    for record in wanted:
        query = Recording(record.title or "", record.artist_name or "")
        scored = [
            (score, pk)
            for pk, artist in candidates.get(record.title or "", [])
            if (score := match_score(query, Recording(record.title or "", artist))) is not None
        ]
        if scored:
            joined[record.external_id] = max(scored)[1]
    return joined


def _new_music(record: MusicRecord, creators: dict[str, int]) -> Music:
    owner = creators.get((record.owner_handle or "").casefold()) if record.owner_handle else None
    return Music(
        title=clip(Music, "title", record.title or _untitled(record)),
        artist_id=owner if record.is_original else None,
        artist_name=clip(Music, "artist_name", record.artist_name or ""),
        album=clip(Music, "album", record.album or ""),
        duration_s=record.duration_s,
        is_original_sound=record.is_original,
    )


def _untitled(record: MusicRecord) -> str:
    if record.artist_name:
        return f"TikTok sound by {record.artist_name}"
    return f"TikTok sound {record.external_id}"


def store_usage(
    records: Sequence[MusicRecord], sounds: Upserted, taken_at: datetime, summary: IngestSummary
) -> None:
    """Usage on the TikTok source: the sound's own count, or the videos we hold if more."""
    if not records:
        summary.snapshots["music"] = 0
        return
    known = dict(
        rows_in(
            VideoMusic.objects.values("music_id").annotate(videos=Count("video_id")),
            "music_id",
            sorted(set(sounds.owner_ids.values())),
            "music_id",
            "videos",
            flat_pairs=True,
        )
    )
    raised = []
    for record in records:
        source = sounds.objects[record.external_id]
        usage = max(
            (n for n in (source.usage_count, known.get(source.music_id)) if n is not None),
            default=None,
        )
        if usage != source.usage_count:
            source.usage_count = usage
            raised.append(source)
    if raised:
        MusicSource.objects.bulk_update(raised, ["usage_count"])
    summary.snapshots["music"] = add_count_snapshots(
        MusicSnapshot, records, sounds.source_ids, ("usage_count",), taken_at
    )
