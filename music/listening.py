"""Whether a track can be heard in the dashboard, and the file to play.

A track's audio is the first of its sources' audio references (TikTok's own sound first, as the
analysis reads them): a local file inside MEDIA_LOCAL_ROOTS, or a preview URL fetched through
the guarded fetcher and its cache (musicrec.core.media_sources). The pages decide from the
stored rows only, without fetching; the audio view fetches on first play.
"""

from __future__ import annotations

import mimetypes
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from music.models import Music, MusicFeatures, MusicSource
from musicrec.core.media_sources import AUDIO_TYPES, media_resolve
from musicrec.core.models import AnalysisStatus, Platform
from musicrec.core.relations import related_or_none

NO_SOURCE = "Neither the catalogue nor the scrapes gave an audio file or preview link."


@dataclass(frozen=True)
class Audio:
    """The reference to play ("" when none) and, when there is none, why."""

    reference: str = ""
    reason: str = NO_SOURCE

    @property
    def available(self) -> bool:
        return bool(self.reference)


def _is_url(reference: str) -> bool:
    return reference.startswith(("http://", "https://"))


def _local_reason(reference: str) -> str:
    """Why a local reference cannot be played, or "" when it can."""
    path = Path(reference)
    if not path.is_absolute():
        return "The audio path is not absolute, so it cannot be read safely."
    resolved = path.resolve()
    roots = [Path(root).resolve() for root in settings.MEDIA_LOCAL_ROOTS]
    if not any(resolved.is_relative_to(root) for root in roots):
        return "The audio file is outside the folders MEDIA_LOCAL_ROOTS allows."
    if not resolved.is_file():
        return "The audio file is missing on this server."
    return ""


def audio_choose(references: Iterable[str], features: MusicFeatures | None) -> Audio:
    """The first playable reference. A preview link the last analysis found expired counts as
    unplayable (it would fail in the player); a re-scrape brings a fresh one."""
    reasons: list[str] = []
    expired = features is not None and features.status == AnalysisStatus.UNAVAILABLE
    for reference in references:
        if _is_url(reference):
            if expired:
                reasons.append(
                    "The preview link expired when the audio was last analysed"
                    + (f" ({features.error})" if features.error else "")
                    + "; a new scrape brings a fresh one."
                )
                continue
            return Audio(reference=reference, reason="")
        reason = _local_reason(reference)
        if not reason:
            return Audio(reference=reference, reason="")
        reasons.append(reason)
    return Audio(reason=reasons[0] if reasons else NO_SOURCE)


def _ordered(sources: Iterable[tuple[int, str, str]]) -> list[str]:
    """(pk, platform, reference) -> references, TikTok's first, each once."""
    ordered = sorted(sources, key=lambda s: (s[1] != Platform.TIKTOK, s[0]))
    return list(dict.fromkeys(ref.strip() for _, _, ref in ordered if ref.strip()))


def audio_for(music: Music) -> Audio:
    """From the track's loaded sources and features (no query when they are prefetched)."""
    sources = [(s.pk, s.platform, s.audio_url) for s in music.sources.all()]
    return audio_choose(_ordered(sources), related_or_none(music, "features"))


def audio_many(tracks: Iterable[Music]) -> dict[int, Audio]:
    """Audio of many tracks (with features loaded) in one query: recommendation cards."""
    tracks = list(tracks)
    rows = MusicSource.objects.filter(music_id__in=[m.pk for m in tracks]).exclude(audio_url="")
    by_music: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for pk, music_id, platform, reference in rows.values_list(
        "pk", "music_id", "platform", "audio_url"
    ):
        by_music[music_id].append((pk, platform, reference))
    return {
        m.pk: audio_choose(_ordered(by_music.get(m.pk, [])), related_or_none(m, "features"))
        for m in tracks
    }


def audio_file(audio: Audio) -> tuple[Path, str]:
    """(local file, content type) to serve; raises MediaError (MediaUnavailable, MediaFetchError)
    with the reason when the file or link fails now."""
    path = media_resolve(audio.reference, allowed_content_types=AUDIO_TYPES)
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return path, content_type
