"""Split a platform source off a track: the undo of a wrong join or a wrong merge.

A TikTok sound joins a catalogue track when the ingest finds the same title and a matching
artist, and a curator merges two tracks they take for one recording. When either was wrong, the
curator splits the sound's source off: it becomes a track of its own, and the videos whose scrape
named that sound (`VideoMusic.source`) move with it, all in one transaction. What cannot be told
apart stays with the track: links stored without a source, recommendation history and feedback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from music.models import Music, MusicSource
from music.services.trends import music_trends_refresh
from musicrec.core.versions import CATALOGUE, USAGE, data_changed
from videos.models import VideoMusic

# Where each stored shape keeps a recording's title and artist in a source's `raw`: TikTok web
# and bare items (music.title / authorName), Apify (musicMeta.musicName / musicAuthor), the
# creators CSV (music_title / music_authorName), the Spotify catalogue (title / artists).
_TITLE_KEYS = ("title", "musicName", "music_title")
_ARTIST_KEYS = ("authorName", "musicAuthor", "music_authorName", "artists")


@dataclass(frozen=True)
class SplitPreview:
    """What a split would do, for the confirmation page."""

    source: MusicSource
    title: str
    artist_name: str
    videos: int  # links that move with the source
    videos_staying: int  # the track's other links


def _text(raw: Mapping[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = raw.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if isinstance(v, str) and v.strip())
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def split_names(source: MusicSource) -> tuple[str, str]:
    """The title and artist the source itself carries, else the track's."""
    raw = source.raw if isinstance(source.raw, Mapping) else {}
    title = _text(raw, _TITLE_KEYS) or source.music.title
    artist = _text(raw, _ARTIST_KEYS) or source.music.artist_name
    return title[: _max_length("title")], artist[: _max_length("artist_name")]


def _max_length(field: str) -> int:
    return Music._meta.get_field(field).max_length  # type: ignore[return-value]


def can_split(source: MusicSource) -> bool:
    """Whether the source has another source on its track to leave behind."""
    return source.pk is not None and source.music.sources.count() >= 2


def _check(source: MusicSource) -> None:
    if not can_split(source):
        raise ValidationError("This is the track's only source: there is nothing to split it from.")


def split_preview(source: MusicSource) -> SplitPreview:
    _check(source)
    title, artist = split_names(source)
    links = VideoMusic.objects.filter(music_id=source.music_id)
    moving = links.filter(source=source).count()
    return SplitPreview(
        source=source,
        title=title,
        artist_name=artist,
        videos=moving,
        videos_staying=links.count() - moving,
    )


@transaction.atomic
def music_split_source(*, source_id: int) -> Music:
    """Make the source a track of its own, with the video links that came through it.

    The new track takes the title and artist the source carries and the old track's
    original-sound and business-safe flags; it has no features until analysed. Raises
    ValidationError when the source is its track's only one.
    """
    source = MusicSource.objects.select_for_update().select_related("music").get(pk=source_id)
    old = Music.objects.select_for_update().get(pk=source.music_id)
    _check(source)
    title, artist = split_names(source)
    new = Music(
        title=title,
        artist_name=artist,
        is_original_sound=old.is_original_sound,
        artist_id=old.artist_id if old.is_original_sound else None,
        commercial_ok=old.commercial_ok,
    )
    new.full_clean()
    new.save()
    MusicSource.objects.filter(pk=source.pk).update(music=new)
    VideoMusic.objects.filter(music=old, source=source).update(music=new)
    music_trends_refresh(music_ids=[old.pk, new.pk])
    data_changed(CATALOGUE, USAGE)
    return new
