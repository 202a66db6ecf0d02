"""Store a parsed TikTok scrape: creators, videos and sounds with their latest counts and history.

One call stores everything one scrape holds in one transaction, with a fixed number of bulk
statements per table, so the cost does not grow with the number of videos per author in
queries (only in rows per statement). Decisions worth knowing:

- Source rows are keyed by (platform, external_id) and upserted; the canonical Author / Video /
  Music row is created only for a source seen for the first time. A new TikTok sound joins the
  catalogue track it is (its Spotify id from `tt2dsp`, else the same title with a matching
  artist) instead of becoming a new Music, and records its Spotify id as a source for tracks
  not imported yet.
- Field by field, the newer scrape wins and the older one only fills blanks: a count the scrape
  lacks (None) never erases a known one, and importing an old file after a newer one adds its
  snapshots without rolling the latest counts back.
- A snapshot is a point in time: a source gets at most one per `taken_at`, so importing the
  same file twice changes nothing, and importing it again later adds one snapshot per count.
- Two imports may race to insert the same new source (two creators using one new sound). The
  upsert keeps whichever canonical row won and the loser's spare canonical row is removed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from authors.models import Author, AuthorSnapshot, AuthorSource
from music.matching import Recording, match_score
from music.models import Music, MusicSnapshot, MusicSource
from musicrec.core.models import Platform
from musicrec.platforms.tiktok import AuthorRecord, MusicRecord, ScrapeResult, VideoRecord
from videos.models import Video, VideoMusic, VideoSnapshot, VideoSource

# Keys per `IN (...)` lookup: far below SQLite's 32,766 bound variables, one query for any scrape
# of realistic size.
LOOKUP_CHUNK = 10_000

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
MUSIC_FIELDS = ("url", "audio_url", "cover_url", "usage_count")


@dataclass
class IngestSummary:
    """What one stored scrape did, per table; `as_counts()` is what a Job records."""

    taken_at: datetime
    author_ids: list[int] = field(default_factory=list)
    video_ids: list[int] = field(default_factory=list)
    music_ids: list[int] = field(default_factory=list)
    main_author_id: int | None = None
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    snapshots: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add(self, other: IngestSummary) -> None:
        """Fold another scrape's summary into this one (a command importing many files)."""
        for mine, theirs in (
            (self.created, other.created),
            (self.updated, other.updated),
            (self.snapshots, other.snapshots),
        ):
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0) + value
        self.author_ids = sorted({*self.author_ids, *other.author_ids})
        self.video_ids = sorted({*self.video_ids, *other.video_ids})
        self.music_ids = sorted({*self.music_ids, *other.music_ids})
        self.warnings.extend(other.warnings)

    def as_counts(self) -> dict[str, Any]:
        return {
            "created": dict(self.created),
            "updated": dict(self.updated),
            "snapshots": dict(self.snapshots),
            "authors": len(self.author_ids),
            "videos": len(self.video_ids),
            "music": len(self.music_ids),
            "warnings": len(self.warnings),
        }

    def describe(self) -> str:
        """One line for logs, messages and command output."""

        def part(counts: dict[str, int]) -> str:
            shown = [f"{value} {key.replace('_', ' ')}" for key, value in counts.items() if value]
            return ", ".join(shown) or "nothing"

        return (
            f"{len(self.author_ids)} authors, {len(self.video_ids)} videos, "
            f"{len(self.music_ids)} sounds; created {part(self.created)}; "
            f"updated {part(self.updated)}; snapshots {part(self.snapshots)}"
        )


def scrape_store(
    *,
    result: ScrapeResult,
    scraped_at: datetime | None = None,
    media_base: Path | None = None,
) -> IngestSummary:
    """Upsert everything in `result`; counts are dated `scraped_at`, else the scrape's, else now.

    Relative media paths (the demo set's `media/videos/….mp4`) become absolute paths under
    `media_base` when it is given; URLs are stored as they are.
    """
    taken_at = scraped_at or result.scraped_at or timezone.now()
    if timezone.is_naive(taken_at):
        taken_at = taken_at.replace(tzinfo=UTC)
    summary = IngestSummary(taken_at=taken_at, warnings=list(result.warnings))
    media = _media_resolver(media_base)
    with transaction.atomic():
        authors = _store_authors(result.authors, taken_at, summary)
        sounds = _store_music(result.music, authors, taken_at, media, summary)
        _store_videos(result.videos, authors, sounds, taken_at, media, summary)
        _store_usage(result.music, sounds, taken_at, summary)
    main = result.main_author()
    summary.main_author_id = authors.owner_ids[main.external_id] if main else None
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
    return _clip(Author, "name", name)


def _store_authors(
    records: Sequence[AuthorRecord], taken_at: datetime, summary: IngestSummary
) -> _Upserted:
    by_id = {record.external_id: record for record in records}

    def create(new_ids: list[str]) -> dict[str, int]:
        rows = [Author(name=_author_name(by_id[e]), is_creator=True) for e in new_ids]
        return _create_owners(Author, new_ids, rows)

    upserted = _upsert_sources(
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
        name = _author_name(by_id[external_id])
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
    snapshots = [
        AuthorSnapshot(
            source_id=upserted.source_ids[e],
            taken_at=taken_at,
            **{name: getattr(r, name) for name in AUTHOR_COUNTS},
        )
        for e, r in by_id.items()
        if any(getattr(r, name) is not None for name in AUTHOR_COUNTS)
    ]
    summary.snapshots["author"] = _add_snapshots(AuthorSnapshot, snapshots, taken_at)
    return upserted


# --- Music ------------------------------------------------------------------------------------


def _music_url(record: MusicRecord) -> str:
    slug = slugify(record.title or "") or "sound"
    return f"https://www.tiktok.com/music/{slug[:80]}-{record.external_id}"


def _store_music(
    records: Sequence[MusicRecord],
    authors: _Upserted,
    taken_at: datetime,
    media: Callable[[str | None], str],
    summary: IngestSummary,
) -> _Upserted:
    by_id = {record.external_id: record for record in records}
    creators = {
        (stored_handle or "").casefold(): authors.owner_ids[external_id]
        for external_id, stored_handle in authors.handles.items()
    }
    created_music: list[int] = []

    def create(new_ids: list[str]) -> dict[str, int]:
        # A sound TikTok maps to a Spotify track we already hold is that track, not a new Music.
        spotify_ids = [by_id[e].spotify_id for e in new_ids if by_id[e].spotify_id]
        catalogue = dict(
            _rows_in(
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
        owners = _create_owners(Music, fresh, rows)
        created_music.extend(owners.values())
        return {**joined, **owners}

    upserted = _upsert_sources(
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
    for row in _rows_in(
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
        title=_clip(Music, "title", record.title or f"TikTok sound {record.external_id}"),
        artist_id=owner if record.is_original else None,
        artist_name=_clip(Music, "artist_name", record.artist_name or ""),
        album=_clip(Music, "album", record.album or ""),
        duration_s=record.duration_s,
        is_original_sound=record.is_original,
    )


def _store_usage(
    records: Sequence[MusicRecord], sounds: _Upserted, taken_at: datetime, summary: IngestSummary
) -> None:
    """Usage on the TikTok source: the sound's own count, or the videos we hold if more."""
    if not records:
        summary.snapshots["music"] = 0
        return
    known = dict(
        _rows_in(
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
    snapshots = [
        MusicSnapshot(
            source_id=sounds.source_ids[r.external_id], taken_at=taken_at, usage_count=r.usage_count
        )
        for r in records
        if r.usage_count is not None
    ]
    summary.snapshots["music"] = _add_snapshots(MusicSnapshot, snapshots, taken_at)


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
    authors: _Upserted,
    sounds: _Upserted,
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
        return _create_owners(Video, new_ids, rows)

    values = {}
    for e, r in by_id.items():
        row = {name: getattr(r, name) for name in VIDEO_FIELDS}
        row.update(media_url=media(r.media_url), cover_url=media(r.cover_url))
        values[e] = row
    upserted = _upsert_sources(
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

    snapshots = [
        VideoSnapshot(
            source_id=upserted.source_ids[e],
            taken_at=taken_at,
            **{name: getattr(r, name) for name in VIDEO_COUNTS},
        )
        for e, r in by_id.items()
        if any(getattr(r, name) is not None for name in VIDEO_COUNTS)
    ]
    summary.snapshots["video"] = _add_snapshots(VideoSnapshot, snapshots, taken_at)
    summary.created["video_music"] = _link_music(by_id, upserted, sounds)


def _link_music(by_id: dict[str, VideoRecord], videos: _Upserted, sounds: _Upserted) -> int:
    """Link each video to its sound; a re-scrape naming another sound demotes the old link."""
    wanted = {
        videos.owner_ids[e]: sounds.owner_ids[r.music_external_id]
        for e, r in by_id.items()
        if r.music_external_id in sounds.owner_ids
    }
    existing = _rows_in(
        VideoMusic.objects.all(),
        "video_id",
        sorted(wanted),
        "pk",
        "video_id",
        "music_id",
        "is_primary",
    )
    have = {(row["video_id"], row["music_id"]) for row in existing}
    demoted = [
        row["pk"]
        for row in existing
        if row["is_primary"] and wanted.get(row["video_id"]) != row["music_id"]
    ]
    if demoted:
        VideoMusic.objects.filter(pk__in=demoted).update(is_primary=False)
    links = [
        VideoMusic(video_id=video_id, music_id=music_id, is_primary=True)
        for video_id, music_id in wanted.items()
        if (video_id, music_id) not in have
    ]
    if links:
        VideoMusic.objects.bulk_create(links, ignore_conflicts=True)
    return len(links)


# --- Shared upsert machinery -------------------------------------------------------------------


@dataclass(frozen=True)
class _SourceTable:
    model: type[models.Model]
    owner_model: type[models.Model]
    owner: str  # the foreign key to the canonical row: "author", "video", "music"
    fields: tuple[str, ...]  # latest values a scrape writes
    stamp: str  # when the source was last seen

    @property
    def owner_id(self) -> str:
        return f"{self.owner}_id"


_AUTHORS = _SourceTable(AuthorSource, Author, "author", AUTHOR_FIELDS, "last_scraped_at")
_VIDEOS = _SourceTable(VideoSource, Video, "video", VIDEO_FIELDS, "last_scraped_at")
_MUSIC = _SourceTable(MusicSource, Music, "music", MUSIC_FIELDS, "last_seen_at")


@dataclass
class _Upserted:
    """The outcome of one source upsert, keyed by external id."""

    source_ids: dict[str, int] = field(default_factory=dict)
    owner_ids: dict[str, int] = field(default_factory=dict)
    objects: dict[str, models.Model] = field(default_factory=dict)
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)  # rows before the import
    newer: dict[str, bool] = field(default_factory=dict)  # this scrape is the latest for it
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    handles: dict[str, str | None] = field(default_factory=dict)


def _upsert_sources(
    table: _SourceTable,
    values: dict[str, dict[str, Any]],
    raws: dict[str, dict[str, Any]],
    taken_at: datetime,
    create_owners: Callable[[list[str]], dict[str, int]],
    *,
    extra: tuple[str, ...] = (),
) -> _Upserted:
    # Sorted keys give every import the same lock order, so two concurrent imports cannot
    # deadlock on each other's rows.
    keys = sorted(values)
    out = _Upserted()
    rows = _rows_in(
        table.model.objects.filter(platform=Platform.TIKTOK),
        "external_id",
        keys,
        "id",
        "external_id",
        table.owner_id,
        table.stamp,
        *table.fields,
        *extra,
    )
    out.stored = {row["external_id"]: row for row in rows}
    out.new = [key for key in keys if key not in out.stored]
    out.owner_ids = {key: row[table.owner_id] for key, row in out.stored.items()}
    out.owner_ids.update(create_owners(out.new))
    model_fields = {f.name: f for f in table.model._meta.concrete_fields}

    latest: list[models.Model] = []
    older: list[models.Model] = []
    for key in keys:
        stored = out.stored.get(key)
        seen = stored[table.stamp] if stored else None
        newer = seen is None or taken_at >= seen
        merged = {}
        for name in table.fields:
            value = _clip(table.model, name, values[key][name])
            if stored is not None:
                value = _newest(value, stored[name], newer=newer)
            merged[name] = model_fields[name].get_default() if value is None else value
        if stored is not None and any(merged[n] != stored[n] for n in table.fields):
            out.changed.append(key)
        obj = table.model(
            platform=Platform.TIKTOK,
            external_id=key,
            raw=raws[key] or {},
            **{table.stamp: taken_at if newer else seen, table.owner_id: out.owner_ids[key]},
            **merged,
        )
        out.newer[key] = newer
        out.objects[key] = obj
        (latest if newer else older).append(obj)
    _bulk_upsert(table.model, latest, [*table.fields, "raw", table.stamp])
    # An older scrape only fills blanks; its raw JSON does not replace the newer one.
    _bulk_upsert(table.model, [o for o in older if o.external_id in out.changed], table.fields)
    for key, stored in out.stored.items():
        out.objects[key].pk = stored["id"]  # also for the older rows that were not written
    out.source_ids = {key: obj.pk for key, obj in out.objects.items()}
    if table.model is AuthorSource:
        out.handles = {key: obj.handle for key, obj in out.objects.items()}
    _settle_races(table, out)
    return out


def _settle_races(table: _SourceTable, out: _Upserted) -> None:
    """Use the canonical row of a source another import inserted between our read and write."""
    if not out.new:
        return
    actual = dict(
        table.model.objects.filter(pk__in=[out.source_ids[key] for key in out.new]).values_list(
            "external_id", table.owner_id
        )
    )
    lost = [key for key in out.new if actual[key] != out.owner_ids[key]]
    if not lost:
        return
    table.owner_model.objects.filter(pk__in=[out.owner_ids[key] for key in lost]).delete()
    for key in lost:
        out.owner_ids[key] = actual[key]
        setattr(out.objects[key], table.owner_id, actual[key])
    out.new = [key for key in out.new if key not in lost]
    out.changed.extend(lost)


def _bulk_upsert(model: type[models.Model], objs: list[models.Model], fields: Iterable[str]):
    if objs:
        model.objects.bulk_create(
            objs,
            update_conflicts=True,
            unique_fields=["platform", "external_id"],
            update_fields=list(fields),
        )


def _newest(value: Any, stored: Any, *, newer: bool) -> Any:
    """The newer scrape's value where it has one; the other fills in what it lacks."""
    first, second = (value, stored) if newer else (stored, value)
    return first if first is not None and first != "" else second


def _create_owners(
    model: type[models.Model], keys: list[str], rows: list[models.Model]
) -> dict[str, int]:
    if not rows:
        return {}
    model.objects.bulk_create(rows)
    return {key: row.pk for key, row in zip(keys, rows, strict=True)}


def _add_snapshots(
    model: type[models.Model], snapshots: list[models.Model], taken_at: datetime
) -> int:
    """Insert the snapshots whose source has none at `taken_at` yet; returns how many."""
    if not snapshots:
        return 0
    have = {
        row["source_id"]
        for row in _rows_in(
            model.objects.filter(taken_at=taken_at),
            "source_id",
            [s.source_id for s in snapshots],
            "source_id",
        )
    }
    todo = [s for s in snapshots if s.source_id not in have]
    model.objects.bulk_create(todo)
    return len(todo)


def _rows_in(
    queryset: models.QuerySet,
    field_name: str,
    keys: Sequence[Any],
    *names: str,
    flat_pairs: bool = False,
) -> list[Any]:
    """`queryset.filter(<field>__in=keys).values(*names)`, a query per LOOKUP_CHUNK keys."""
    rows: list[Any] = []
    for start in range(0, len(keys), LOOKUP_CHUNK):
        chunk = queryset.filter(**{f"{field_name}__in": keys[start : start + LOOKUP_CHUNK]})
        chunk = chunk.order_by()  # model orderings would add joins and sorts nobody needs
        rows.extend(chunk.values_list(*names) if flat_pairs else chunk.values(*names))
    return rows


def _clip(model: type[models.Model], name: str, value: Any) -> Any:
    """Fit text into its column: a cut URL is useless, so an over-long one is dropped instead."""
    if not isinstance(value, str):
        return value
    column = model._meta.get_field(name)
    limit = getattr(column, "max_length", None)
    if limit is None or len(value) <= limit:
        return value
    return "" if isinstance(column, models.URLField) else value[:limit]


def _media_resolver(base: Path | None) -> Callable[[str | None], str]:
    root = Path(os.path.abspath(base)) if base is not None else None

    def resolve(reference: str | None) -> str:
        reference = (reference or "").strip()
        if not reference or root is None or "://" in reference or os.path.isabs(reference):
            return reference
        return os.path.normpath(root / reference)

    return resolve
