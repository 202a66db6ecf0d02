"""scrape_store and the per-table steps: authors, then sounds, then videos and their links."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from authors.models import Author, AuthorSnapshot, AuthorSource
from musicrec.core.versions import CATALOGUE, USAGE, data_changed
from musicrec.ingest.identity import resolve_handle_keys
from musicrec.ingest.music import store_music, store_usage
from musicrec.ingest.sources import (
    SourceTable,
    Upserted,
    add_count_snapshots,
    clip,
    create_owners,
    media_resolver,
    rows_in,
    upsert_sources,
)
from musicrec.ingest.summary import IngestSummary
from musicrec.platforms.tiktok import AuthorRecord, ScrapeResult, VideoRecord
from videos.models import Video, VideoMusic, VideoSnapshot, VideoSource

AUTHOR_FIELDS = (
    "handle", "sec_uid", "display_name", "bio", "avatar_url", "profile_url", "region",
    "verified", "is_private", "followers", "following", "likes_total", "video_count",
    "likes_given",
)  # fmt: skip
AUTHOR_COUNTS = ("followers", "following", "likes_total", "video_count")
VIDEO_FIELDS = (
    "url", "media_url", "cover_url", "views", "likes", "comments", "shares", "saves", "width",
    "height", "is_ad", "is_pinned", "is_slideshow", "language",
)  # fmt: skip
VIDEO_COUNTS = ("views", "likes", "comments", "shares", "saves")
VIDEO_CANONICAL = ("caption", "hashtags", "duration_s", "posted_at")


_AUTHORS = SourceTable(AuthorSource, Author, "author", AUTHOR_FIELDS, "last_scraped_at")
_VIDEOS = SourceTable(VideoSource, Video, "video", VIDEO_FIELDS, "last_scraped_at")


def scrape_store(
    *,
    result: ScrapeResult,
    scraped_at: datetime | None = None,
    media_base: Path | None = None,
) -> IngestSummary:
    """Upsert everything in `result`; counts are dated `scraped_at`, else the scrape's, else now.

    Relative media paths (the demo set's `media/videos/….mp4`) become absolute paths under
    `media_base` when it is given, and are left out without one; URLs are stored as they are.
    Creators known by handle only join the account of that handle (`identity`), so look a
    scrape's author up in `summary.authors_by_scrape_id`, not by its external id.
    """
    taken_at = scraped_at or result.scraped_at or timezone.now()
    if timezone.is_naive(taken_at):
        taken_at = taken_at.replace(tzinfo=UTC)
    summary = IngestSummary(taken_at=taken_at, warnings=list(result.warnings))
    media = media_resolver(media_base)
    scrape_ids = [author.external_id for author in result.authors]
    with transaction.atomic():
        result, aliases, warnings = resolve_handle_keys(result)
        summary.warnings.extend(warnings)
        authors = _store_authors(result.authors, taken_at, summary)
        sounds = store_music(result.music, authors, taken_at, media, summary)
        _store_videos(result.videos, authors, sounds, taken_at, media, summary)
        store_usage(result.music, sounds, taken_at, summary)
        # New sounds, usage counts, videos and their links: what the engine's caches read.
        data_changed(CATALOGUE, USAGE)
    main = result.main_author()
    summary.main_author_id = authors.owner_ids[main.external_id] if main else None
    summary.authors_by_scrape_id = {
        external_id: authors.owner_ids[aliases.get(external_id, external_id)]
        for external_id in scrape_ids
    }
    summary.author_ids = sorted(set(authors.owner_ids.values()))
    summary.music_ids = sorted(set(sounds.owner_ids.values()))
    return summary


# --- Authors --------------------------------------------------------------------------------


def _author_values(record: AuthorRecord) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in AUTHOR_FIELDS if name != "profile_url"}
    values["profile_url"] = f"https://www.tiktok.com/@{record.handle}" if record.handle else None
    return values


def _author_name(record: AuthorRecord) -> str:
    name = record.display_name or record.handle or f"TikTok user {record.external_id}"
    return clip(Author, "name", name)


def _store_authors(
    records: Sequence[AuthorRecord], taken_at: datetime, summary: IngestSummary
) -> Upserted:
    by_id = {record.external_id: record for record in records}

    def create(new_ids: list[str]) -> dict[str, int]:
        rows = [Author(name=_author_name(by_id[e]), is_creator=True) for e in new_ids]
        return create_owners(Author, new_ids, rows)

    upserted = upsert_sources(
        _AUTHORS,
        {e: _author_values(r) for e, r in by_id.items()},
        {e: r.raw for e, r in by_id.items()},
        taken_at,
        create,
        extra=("author__name", "author__is_creator"),
    )
    # The creator's canonical row follows the newest display name; it is a creator from now on.
    renamed = []
    for external_id, stored in upserted.stored.items():
        if not upserted.newer[external_id]:
            continue
        record = by_id[external_id]
        # A scrape without a display name (a creators CSV) keeps the name we have.
        name = _author_name(record) if record.display_name else stored["author__name"]
        if stored["author__name"] != name or not stored["author__is_creator"]:
            renamed.append(
                Author(
                    pk=stored["author_id"], name=name, is_creator=True, updated_at=timezone.now()
                )
            )
    if renamed:
        Author.objects.bulk_update(renamed, ["name", "is_creator", "updated_at"])
    summary.created.update(authors=len(upserted.new), author_sources=len(upserted.new))
    summary.updated.update(authors=len(renamed), author_sources=len(upserted.changed))
    summary.snapshots["author"] = add_count_snapshots(
        AuthorSnapshot, by_id.values(), upserted.source_ids, AUTHOR_COUNTS, taken_at
    )
    return upserted


# --- Videos ------------------------------------------------------------------------------------


def _video_canonical(record: VideoRecord) -> dict[str, Any]:
    return {
        "caption": record.caption,
        "hashtags": list(record.hashtags),
        "duration_s": record.duration_s,
        "posted_at": record.posted_at,
    }


def _store_videos(
    records: Sequence[VideoRecord],
    authors: Upserted,
    sounds: Upserted,
    taken_at: datetime,
    media: Callable[[str | None], str],
    summary: IngestSummary,
) -> None:
    by_id = {record.external_id: record for record in records}

    def create(new_ids: list[str]) -> dict[str, int]:
        rows = [
            Video(
                author_id=authors.owner_ids[by_id[e].author_external_id],
                **_video_canonical(by_id[e]),
            )
            for e in new_ids
        ]
        return create_owners(Video, new_ids, rows)

    values = {}
    for e, r in by_id.items():
        row = {name: getattr(r, name) for name in VIDEO_FIELDS}
        row.update(media_url=media(r.media_url), cover_url=media(r.cover_url))
        values[e] = row
    upserted = upsert_sources(
        _VIDEOS,
        values,
        {e: r.raw for e, r in by_id.items()},
        taken_at,
        create,
        extra=tuple(f"video__{name}" for name in VIDEO_CANONICAL),
    )
    # Captions and hashtags can be edited after posting: the newest scrape says what they are.
    edited = []
    for external_id, stored in upserted.stored.items():
        wanted = _video_canonical(by_id[external_id])
        if upserted.newer[external_id] and any(
            stored[f"video__{name}"] != value for name, value in wanted.items() if value is not None
        ):
            fields = {k: v for k, v in wanted.items() if v is not None}
            edited.append(Video(pk=stored["video_id"], updated_at=timezone.now(), **fields))
    if edited:
        Video.objects.bulk_update(edited, [*VIDEO_CANONICAL, "updated_at"])
    summary.created.update(videos=len(upserted.new), video_sources=len(upserted.new))
    summary.updated.update(videos=len(edited), video_sources=len(upserted.changed))
    summary.video_ids = sorted(upserted.owner_ids.values())
    summary.snapshots["video"] = add_count_snapshots(
        VideoSnapshot, by_id.values(), upserted.source_ids, VIDEO_COUNTS, taken_at
    )
    summary.created["video_music"] = _link_music(by_id, upserted, sounds)


def _link_music(by_id: dict[str, VideoRecord], videos: Upserted, sounds: Upserted) -> int:
    """Link each video to its sound; a re-scrape naming another sound demotes the old link.

    Each link records the sound source the scrape named, so a curator can split a wrong join
    or merge off with the videos that came through it (`music.services.split`)."""
    wanted = {
        videos.owner_ids[e]: (
            sounds.owner_ids[r.music_external_id],
            sounds.source_ids[r.music_external_id],
        )
        for e, r in by_id.items()
        if r.music_external_id in sounds.owner_ids
    }
    existing = rows_in(
        VideoMusic.objects.all(),
        "video_id",
        sorted(wanted),
        "pk",
        "video_id",
        "music_id",
        "is_primary",
        "source_id",
    )
    have = {(row["video_id"], row["music_id"]) for row in existing}
    demoted = [
        row["pk"]
        for row in existing
        if row["is_primary"] and wanted.get(row["video_id"], (None,))[0] != row["music_id"]
    ]
    if demoted:
        VideoMusic.objects.filter(pk__in=demoted).update(is_primary=False)
    unsourced = [
        VideoMusic(pk=row["pk"], source_id=wanted[row["video_id"]][1])
        for row in existing
        if row["source_id"] is None and wanted.get(row["video_id"], (None,))[0] == row["music_id"]
    ]
    if unsourced:
        VideoMusic.objects.bulk_update(unsourced, ["source"])
    links = [
        VideoMusic(video_id=video_id, music_id=music_id, source_id=source_id, is_primary=True)
        for video_id, (music_id, source_id) in wanted.items()
        if (video_id, music_id) not in have
    ]
    if links:
        VideoMusic.objects.bulk_create(links, ignore_conflicts=True)
    return len(links)
