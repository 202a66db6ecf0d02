"""Audio analysis of Music rows: fetch the audio, measure it, store features, genre and moods.

Precedence of the stored values (`MusicFeatures.feature_source` says which one is in the typed
columns; `status` is the outcome of the latest analysis attempt):

- Audio analysed: the audio's values go in the typed columns (`feature_source = "audio"`) and
  the full measurement (tempo candidates, confidences, brightness, onset rate...) in `detail`.
  Catalogue values that were there before move to `detail["catalogue"]`, so nothing imported is
  lost and the two can be compared.
- Audio unavailable (an expired signed URL, a missing file) or silent: whatever was stored stays
  (catalogue values, or an earlier audio analysis); `status` says "unavailable" or "empty" and
  `error` says why. The job goes on: an expired link is not a failure.
- No audio reference at all: catalogue values stay (status "ok") or there is nothing to measure
  (status "empty", `feature_source = "none"`).

Original sounds are analysed too when they have audio (a creator's sound has a tempo and a
mood); they simply are not catalogue tracks. After every attempt the genre (with its source and
confidence, `music.genre`) and the moods are recomputed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from music import features as audio
from music.models import Music, MusicFeatures
from music.services.genre import (
    LABEL_FIELDS,
    LabelledTracks,
    apply_labels,
    labelled_tracks,
    save_owned,
)
from musicrec.core.jobs import BatchSummary, job_create, job_enqueue
from musicrec.core.media import MediaFetchError, MediaUnavailable
from musicrec.core.media_sources import AUDIO_TYPES, media_resolve
from musicrec.core.models import AnalysisStatus, Job, Platform
from musicrec.core.versions import CATALOGUE, data_changed

logger = logging.getLogger(__name__)

FeatureSource = MusicFeatures.FeatureSource

# Typed columns an audio analysis fills; the same columns hold catalogue values otherwise.
MEASURED_COLUMNS: tuple[str, ...] = (
    "tempo_bpm",
    "tempo_confidence",
    "key",
    "mode",
    "loudness_lufs",
    "energy",
    "danceability",
    "valence",
    "arousal",
    "acousticness",
    "speechiness",
)
_TEXT_COLUMNS = {"key", "mode"}
# Detail keys other services own (the trend refresh's reasons): an analysis leaves them alone.
_FOREIGN_DETAIL = ("trend",)
ANALYSIS_FIELDS: tuple[str, ...] = (
    "status",
    "feature_source",
    "version",
    "analyzed_at",
    *MEASURED_COLUMNS,
    *LABEL_FIELDS,
    "detail",
    "error",
)
_BOOKKEEPING = {"audio_ref", "catalogue", "silent_audio", *_FOREIGN_DETAIL}


@dataclass(frozen=True)
class Outcome:
    """What one analysis did, for the batch summary."""

    features: MusicFeatures
    result: str  # "done", "skipped", "unavailable", "failed"
    reason: str = ""


# --- Inputs ----------------------------------------------------------------------------------


def audio_references(music: Music) -> list[str]:
    """Audio URLs or paths of a track's sources: TikTok's own sound first, then the others."""
    sources = sorted(
        (s for s in music.sources.all() if s.audio_url.strip()),
        key=lambda s: (s.platform != Platform.TIKTOK, s.pk),
    )
    return list(dict.fromkeys(s.audio_url.strip() for s in sources))


def _references_digest(references: Sequence[str]) -> str:
    """Short fingerprint of the audio references, so a re-scrape with new links is noticed."""
    return hashlib.sha1("\n".join(references).encode("utf-8")).hexdigest()[:16]


def is_current(features: MusicFeatures | None, references: Sequence[str]) -> bool:
    """Whether stored features need no new analysis.

    Audio features of this FEATURES_VERSION are current whatever the links (the recording has
    not changed; signed URLs change on every scrape). Anything else (no audio yet, audio
    unavailable) is current only while the track's audio references are the same as at that
    attempt: a re-scrape that brings a fresh link is worth another try. Failures never are.
    """
    if features is None or features.pk is None or features.version != audio.FEATURES_VERSION:
        return False
    if features.status == AnalysisStatus.FAILED:
        return False
    if features.feature_source == FeatureSource.AUDIO and features.status != (
        AnalysisStatus.UNAVAILABLE
    ):
        return True
    return (features.detail or {}).get("audio_ref") == _references_digest(references)


# --- Storing ---------------------------------------------------------------------------------


def catalogue_values(features: MusicFeatures) -> dict[str, Any]:
    """The imported catalogue's values as they were in the typed columns (and its detail)."""
    values: dict[str, Any] = {
        name: getattr(features, name)
        for name in MEASURED_COLUMNS
        if getattr(features, name) not in (None, "")
    }
    if features.moods:
        values["moods"] = features.moods
    extra = {k: v for k, v in (features.detail or {}).items() if k not in _BOOKKEEPING}
    return {**extra, **values}


def _store_audio(features: MusicFeatures, measured: audio.AudioFeatures) -> None:
    previous = features.detail or {}
    catalogue = previous.get("catalogue")
    if features.feature_source == FeatureSource.CATALOGUE:
        catalogue = catalogue_values(features)
    for name in MEASURED_COLUMNS:
        value = getattr(measured, name)
        if name in _TEXT_COLUMNS:
            value = value or ""
        setattr(features, name, value)
    features.moods = dict(measured.to_dict()["moods"])
    features.feature_source = FeatureSource.AUDIO
    features.detail = {
        **{k: previous[k] for k in _FOREIGN_DETAIL if k in previous},
        **measured.to_dict(),
    }
    if catalogue:
        features.detail["catalogue"] = catalogue
    features.status = (
        AnalysisStatus.OK
        if measured.tempo_bpm is not None and measured.key is not None
        else AnalysisStatus.PARTIAL
    )
    features.error = ""


def _is_silent(measured: audio.AudioFeatures) -> bool:
    """Too short or silent to measure: `analyze_samples` then leaves tempo and moods empty."""
    return measured.tempo_bpm is None and not measured.moods


def _merge_foreign_detail(features: MusicFeatures) -> None:
    """Take the detail keys other services own from the row as it is now, not as it was loaded."""
    if features.pk is None:
        return
    current = (
        MusicFeatures.objects.select_for_update()
        .filter(pk=features.pk)
        .values_list("detail", flat=True)
        .first()
    )
    for key in _FOREIGN_DETAIL:
        if current and key in current:
            features.detail[key] = current[key]
        else:
            features.detail.pop(key, None)


def _features_for(music: Music) -> MusicFeatures:
    try:
        return music.features
    except MusicFeatures.DoesNotExist:
        return MusicFeatures(music=music, feature_source=FeatureSource.NONE)


def _measure(references: Sequence[str]) -> tuple[audio.AudioFeatures | None, str, str]:
    """Analyse the first reference that resolves: (features, status if none did, reason)."""
    unavailable: list[str] = []
    for reference in references:
        try:
            path = media_resolve(reference, allowed_content_types=AUDIO_TYPES)
        except MediaUnavailable as exc:
            unavailable.append(str(exc))
            continue
        except MediaFetchError as exc:
            return None, AnalysisStatus.FAILED, str(exc)
        try:
            return audio.analyze_file(path, max_seconds=settings.MEDIA_MAX_SECONDS), "", ""
        except ValueError as exc:  # MediaDecodeError: a file that is not audio
            return None, AnalysisStatus.FAILED, f"cannot decode the audio: {exc}"
    return None, AnalysisStatus.UNAVAILABLE, "; ".join(unavailable)


def _analyze(music_id: int, *, force: bool, neighbours: LabelledTracks | None) -> Outcome:
    music = Music.objects.prefetch_related("sources").select_related("features").get(pk=music_id)
    features = _features_for(music)
    references = audio_references(music)
    if not force and is_current(features, references):
        return Outcome(features, "skipped", "already analysed")

    # Download and decode outside any transaction: they take seconds.
    measured, failed_status, reason = _measure(references) if references else (None, "", "")
    result = "done"
    if measured is not None and not _is_silent(measured):
        _store_audio(features, measured)
    elif measured is not None:
        # Zeros measured on silence would read as "calm and sad": keep them out of the columns.
        features.detail = {**(features.detail or {}), "silent_audio": measured.to_dict()}
        features.status, features.error = AnalysisStatus.EMPTY, "the audio is silent or too short"
        result = "skipped"
    elif failed_status:
        features.status, features.error = failed_status, reason
        result = "failed" if failed_status == AnalysisStatus.FAILED else "unavailable"
    elif features.feature_source != FeatureSource.NONE:
        features.status, features.error = AnalysisStatus.OK, ""
    else:
        features.status, features.error = AnalysisStatus.EMPTY, "no audio and no catalogue values"
        result = "skipped"

    features.detail = {**(features.detail or {}), "audio_ref": _references_digest(references)}
    features.version = audio.FEATURES_VERSION
    features.analyzed_at = timezone.now()
    apply_labels(features, music, neighbours=neighbours)
    with transaction.atomic():
        _merge_foreign_detail(features)
        save_owned(features, ANALYSIS_FIELDS)
    return Outcome(features, result, features.error)


# --- Public services -------------------------------------------------------------------------


def music_analyze(*, music_id: int, force: bool = False) -> MusicFeatures:
    """Analyse one track's audio and store its features, genre and moods (see module docstring).

    Never raises for media problems: the returned row's `status` and `error` say what happened.
    """
    return _analyze(music_id, force=force, neighbours=None).features


def music_analyze_many(
    *,
    music_ids: Sequence[int],
    progress: Callable[[int, str], None] | None = None,
    force: bool = False,
) -> BatchSummary:
    """Analyse many tracks; one track's failure is recorded with its reason and the batch goes on.

    Counts: done (analysed, or catalogue values re-labelled), skipped (current already, silent,
    nothing to analyse, or audio unavailable: an expired link is not a failure), failed (with a
    problem line naming the track and the reason).
    """
    summary = BatchSummary()
    ids = list(dict.fromkeys(music_ids))
    neighbours = labelled_tracks() if ids else None
    for index, music_id in enumerate(ids, start=1):
        label = f"music {music_id}"
        try:
            outcome = _analyze(music_id, force=force, neighbours=neighbours)
            label = str(outcome.features.music)
        except Music.DoesNotExist:
            summary.skipped += 1
            outcome = None
        except Exception as exc:  # a bug or a database error must not stop the batch
            logger.exception("music analysis of %s failed", music_id)
            summary.failed += 1
            summary.problems.append(f"{label}: {type(exc).__name__}: {exc}")
            _record_failure(music_id, f"{type(exc).__name__}: {exc}")
            outcome = None
        if outcome is not None:
            if outcome.result == "done":
                summary.done += 1
            elif outcome.result == "failed":
                summary.failed += 1
                summary.problems.append(f"{label}: {outcome.reason}")
            else:
                summary.skipped += 1
        if progress is not None:
            progress(100 * index // len(ids), f"Music analysed: {index}/{len(ids)} ({label})")
    return summary


def _record_failure(music_id: int, reason: str) -> None:
    """Leave a readable failed status on the row after an unexpected error, when possible."""
    try:
        with transaction.atomic():
            MusicFeatures.objects.update_or_create(
                music_id=music_id,
                defaults={"status": AnalysisStatus.FAILED, "error": reason[:2000]},
            )
            data_changed(CATALOGUE)
    except Exception:  # the database itself may be what failed
        logger.exception("could not record the failure of music %s", music_id)


def music_analysis_enqueue(
    *, music_ids: Sequence[int], force: bool = True, user: Any = None
) -> Job:
    """A Job that analyses the tracks on a worker once the current transaction commits.

    `force` defaults to True: whoever asks for an analysis by hand wants it run again.
    """
    ids = list(dict.fromkeys(int(i) for i in music_ids))
    job = job_create(kind=Job.Kind.MUSIC_FEATURES, created_by=user, **job_target(ids))
    job_enqueue(job, "music.tasks.music_analyze_task", ids, force=force)
    return job


def job_target(music_ids: Sequence[int]) -> dict[str, Any]:
    """What a music Job names as its target: the track for one, a count for many."""
    if len(music_ids) == 1:
        music = Music.objects.filter(pk=music_ids[0]).first()
        return {
            "target_type": "music",
            "target_id": music_ids[0],
            "target_label": str(music) if music else f"music {music_ids[0]}",
        }
    return {"target_type": "music", "target_label": f"{len(music_ids)} tracks"}
