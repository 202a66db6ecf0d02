"""Running and storing video content analyses (see `videos.services` for the rules)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from musicrec.core.descriptors import MOOD_KEYS
from musicrec.core.errors import MediaDecodeError
from musicrec.core.jobs import BatchSummary, job_create, job_enqueue
from musicrec.core.media import MediaFetchError, MediaUnavailable
from musicrec.core.media_sources import VIDEO_TYPES, media_resolve
from musicrec.core.models import AnalysisStatus, Job
from musicrec.core.relations import related_or_none
from videos.content import SoundMetadata, VideoContent, analyze_text_only, analyze_video_file
from videos.models import Video, VideoContentAnalysis
from videos.services.inputs import (
    ANALYSIS_VERSION,
    MediaState,
    fingerprint,
    inputs_digest,
    is_current,
    media_references,
    primary_sound,
    sound_metadata,
    sticker_text,
    video_analysis_queryset,
)

logger = logging.getLogger(__name__)

# Frames sampled per second: cuts and motion need no more (docs/video-analysis.md).
ANALYSIS_FPS = 2.0
# Videos loaded per query batch: bounds memory, keeps the query count per video fixed.
CHUNK_SIZE = 100


@dataclass(frozen=True)
class Outcome:
    """What one analysis did, for the batch summary."""

    analysis: VideoContentAnalysis
    result: str  # "done" or "skipped"
    author_id: int


# --- Analysing ---------------------------------------------------------------------------------


def _unavailable_reason(reference: str, exc: MediaUnavailable) -> str:
    if reference.startswith(("http://", "https://")):
        return f"video unavailable (expired link): {exc}"
    return f"video unavailable (missing file): {reference}"


def _measure(
    video: Video, references: Sequence[str], sticker: str, sound: SoundMetadata | None
) -> tuple[VideoContent, str, str]:
    """(content, media state, reason): the file's analysis, or the text and sound only."""
    text = {"caption": video.caption or "", "hashtags": list(video.hashtags or [])}
    problems: list[tuple[str, str]] = []
    for reference in references:
        try:
            path = media_resolve(reference, allowed_content_types=VIDEO_TYPES)
        except MediaUnavailable as exc:
            problems.append((MediaState.UNAVAILABLE, _unavailable_reason(reference, exc)))
            continue
        except MediaFetchError as exc:
            problems.append((MediaState.FETCH_ERROR, f"video could not be fetched: {exc}"))
            continue
        try:
            content = analyze_video_file(
                path,
                **text,
                sticker_text=sticker,
                fps=ANALYSIS_FPS,
                max_seconds=settings.MEDIA_MAX_SECONDS,
                sound=sound,
            )
        except MediaDecodeError as exc:
            problems.append((MediaState.UNDECODABLE, f"video file could not be decoded: {exc}"))
            continue
        finally:
            # A downloaded copy has served its purpose; signed URLs are never asked for twice.
            if reference.startswith(("http://", "https://")):
                path.unlink(missing_ok=True)
        return content, MediaState.ANALYSED, ""

    states = {state for state, _ in problems}
    state = next(
        (s for s in (MediaState.FETCH_ERROR, MediaState.UNDECODABLE) if s in states),
        MediaState.UNAVAILABLE if problems else MediaState.NONE,
    )
    what = "; ".join(reason for _, reason in problems) or "no video file in the scrape"
    also = " and the sound's music analysis" if sound is not None else ""
    reason = f"{what}: analysed from the caption and hashtags{also} only"
    content = analyze_text_only(
        **text, sticker_text=sticker, duration_s=video.duration_s, reason=reason, sound=sound
    )
    return content, state, reason


def _top_mood(moods: dict[str, float]) -> str:
    best = max(MOOD_KEYS, key=lambda m: moods.get(m, 0.0))
    return best if moods.get(best, 0.0) > 0 else ""


def _status(content: VideoContent, state: str) -> str:
    if state == MediaState.ANALYSED:
        return AnalysisStatus.PARTIAL if content.partial else AnalysisStatus.OK
    found = content.category is not None or any(content.moods.values()) or content.tempo_bpm
    return AnalysisStatus.PARTIAL if found else AnalysisStatus.EMPTY


def _fill(
    analysis: VideoContentAnalysis,
    content: VideoContent,
    *,
    state: str,
    inputs: str,
    references: str,
) -> None:
    """Copy the result into the row: typed columns, then everything with evidence in `detail`."""
    category = content.category
    analysis.status = _status(content, state)
    analysis.version = ANALYSIS_VERSION
    analysis.analyzed_at = timezone.now()
    analysis.category = category.value if category else ""
    analysis.category_source = category.source if category else ""
    analysis.category_confidence = category.confidence if category else None
    analysis.tempo_bpm = content.tempo_bpm
    analysis.tempo_source = content.tempo_source or ""
    analysis.energy = content.energy
    analysis.valence = content.valence
    analysis.arousal = content.arousal
    analysis.danceability = content.danceability
    analysis.top_mood = _top_mood(content.moods)
    analysis.motion = content.motion
    analysis.cuts_per_min = content.cuts_per_min
    analysis.visual_pace = content.visual_pace
    analysis.brightness = content.brightness
    analysis.saturation = content.saturation
    analysis.colourfulness = content.colourfulness
    analysis.speech_ratio = content.speech_ratio
    analysis.detail = {
        **content.to_dict(),
        "media": {"state": state, "inputs": inputs, "references": references},
    }
    analysis.error = "; ".join(content.errors)[:2000]


def _analyze(video: Video, *, force: bool) -> Outcome:
    existing = related_or_none(video, "content_analysis")
    music = primary_sound(video)
    sticker = sticker_text(video)
    references = media_references(video)
    inputs, refs = inputs_digest(video, sticker, music), fingerprint(references)
    if not force and is_current(existing, inputs=inputs, references=refs):
        return Outcome(existing, "skipped", video.author_id)

    # Download and decode outside any transaction: they take seconds.
    content, state, _reason = _measure(video, references, sticker, sound_metadata(music))
    analysis = existing if existing is not None else VideoContentAnalysis(video=video)
    _fill(analysis, content, state=state, inputs=inputs, references=refs)
    analysis.full_clean()
    analysis.save()
    return Outcome(analysis, "done", video.author_id)


# --- Public services ---------------------------------------------------------------------------


def video_analyze(
    *, video_id: int, force: bool = False, analyze_authors: bool = True
) -> VideoContentAnalysis:
    """Analyse one video and store its content analysis (see the module docstring).

    Never raises for media problems: the row's `status` and `error` say what happened. Raises
    `Video.DoesNotExist` for an unknown id. Queues the creator's profile analysis when the
    analysis was (re)computed, unless `analyze_authors` is False.
    """
    video = video_analysis_queryset().get(pk=video_id)
    outcome = _analyze(video, force=force)
    if outcome.result == "done" and analyze_authors:
        _enqueue_author_analyses({outcome.author_id})
    return outcome.analysis


def video_analyze_many(
    *,
    video_ids: Sequence[int],
    progress: Callable[[int, str], None] | None = None,
    force: bool = False,
    analyze_authors: bool = True,
) -> BatchSummary:
    """Analyse many videos; one video's failure is recorded with its reason and the batch goes on.

    Counts: done (analysed, fully or from the text and sound only), skipped (current already, or
    no such video), failed (an unexpected error, with a problem line naming the video). Each
    creator with a done video gets a profile analysis queued once the transaction commits;
    callers that run the profile analysis themselves right after (the pipeline) pass
    `analyze_authors=False`.
    """
    summary = BatchSummary()
    ids = list(dict.fromkeys(int(i) for i in video_ids))
    authors: set[int] = set()
    index = 0
    for chunk in _chunks(ids, CHUNK_SIZE):
        videos = {v.pk: v for v in video_analysis_queryset().filter(pk__in=chunk)}
        for video_id in chunk:
            index += 1
            video = videos.get(video_id)
            label = str(video) if video is not None else f"video {video_id}"
            if video is None:
                summary.skipped += 1
            else:
                try:
                    outcome = _analyze(video, force=force)
                except Exception as exc:  # a bug or a database error must not stop the batch
                    logger.exception("content analysis of video %s failed", video_id)
                    summary.failed += 1
                    summary.problems.append(f"{label}: {type(exc).__name__}: {exc}")
                    _record_failure(video_id, f"{type(exc).__name__}: {exc}")
                else:
                    if outcome.result == "done":
                        summary.done += 1
                        authors.add(outcome.author_id)
                    else:
                        summary.skipped += 1
            if progress is not None:
                progress(100 * index // len(ids), f"Videos analysed: {index}/{len(ids)}")
    if analyze_authors:
        _enqueue_author_analyses(authors)
    return summary


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _enqueue_author_analyses(author_ids: set[int]) -> None:
    """The creators' content profiles blend these analyses: recompute them after commit."""
    from authors.services import author_analysis_enqueue

    for author_id in sorted(author_ids):
        author_analysis_enqueue(author_id=author_id)


def _record_failure(video_id: int, reason: str) -> None:
    """Leave a readable failed status on the row after an unexpected error, when possible."""
    try:
        VideoContentAnalysis.objects.update_or_create(
            video_id=video_id,
            defaults={
                "status": AnalysisStatus.FAILED,
                "error": reason[:2000],
                "version": ANALYSIS_VERSION,
                "analyzed_at": timezone.now(),
            },
        )
    except Exception:  # the database itself may be what failed
        logger.exception("could not record the failure of video %s", video_id)


def video_analysis_enqueue(
    *, video_ids: Sequence[int], user: Any = None, force: bool = True
) -> Job:
    """A Job that analyses the videos on a worker once the current transaction commits.

    `force` defaults to True: whoever asks for an analysis by hand wants it run again.
    """
    ids = list(dict.fromkeys(int(i) for i in video_ids))
    if len(ids) == 1:
        video = Video.objects.filter(pk=ids[0]).first()
        target = {
            "target_type": "video",
            "target_id": ids[0],
            "target_label": str(video) if video else f"video {ids[0]}",
        }
    else:
        target = {"target_type": "videos", "target_label": f"{len(ids)} videos"}
    job = job_create(kind=Job.Kind.VIDEO_ANALYSIS, created_by=user, **target)
    job_enqueue(job, "videos.tasks.video_analyze_task", ids, force=force)
    return job
