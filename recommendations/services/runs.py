"""Recommendation runs and feedback: the write paths behind the API, the dashboard and commands.

`recommendation_generate` turns a request (creator, video, brief, weights, filters) into engine
inputs read from the database, runs the engine on the cached catalogue arrays and stores the
run with its ranked items, so every list a marketer saw can be looked up again with the weights
and catalogue version that produced it. `feedback_record` stores a keep / reject verdict, which
the next run for that creator reads: rejected tracks never come back, kept ones pull similar
tracks up.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction

from authors.analysis import video_engagement_rate
from authors.models import Author
from music.models import Music
from musicrec.core.models import AnalysisStatus
from musicrec.core.relations import related_or_none
from recommendations import selectors
from recommendations.catalogue_source import EngineData, caches_clear, engine_data, post_terms
from recommendations.crowd import (
    CROWD_COMPONENTS,
    CrowdScores,
    creator_query,
    crowd_scores,
    with_video_terms,
)
from recommendations.engine import MAX_LIMIT, Request, recommend
from recommendations.models import Feedback, RecommendationItem, RecommendationRun
from recommendations.profile_targets import author_target, best_used_tracks, video_target
from recommendations.targets import Brief, Filters, Target
from recommendations.usage import day_number
from recommendations.weights import Weights, default_weights, validate_weights
from videos.models import VideoContentAnalysis

# Bump when scoring, weights semantics or reasons change, so stored runs can be told apart.
ENGINE_VERSION = "1.0"
BRIEF_FIELDS = ("moods", "genres", "tempo_min", "tempo_max", "energy", "note")
FILTER_FIELDS = ("genres", "moods", "tempo_min", "tempo_max", "commercial_only")
COLD_START_PREFIX = "No content analysis for this creator yet"
_COLD_START = re.compile(
    re.escape(COLD_START_PREFIX)
    + r", so these picks are based on (?P<basis>.+)\. Analyse their videos for personal matches\."
)


class TargetMissing(LookupError):
    """The creator or video a request names does not exist (the API answers 404 or 400)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_brief(value: Brief | Mapping[str, Any] | None) -> Brief | None:
    """A `Brief` from a mapping; raises ValidationError naming the brief's bad field."""
    if value is None or isinstance(value, Brief):
        return value
    unknown = sorted(set(value) - set(BRIEF_FIELDS))
    if unknown:
        raise ValidationError({"brief": f"unknown field '{unknown[0]}'"})
    try:
        brief = Brief(
            moods=list(value.get("moods") or []),
            genres=list(value.get("genres") or []),
            tempo_min=value.get("tempo_min"),
            tempo_max=value.get("tempo_max"),
            energy=value.get("energy"),
            note=str(value.get("note") or ""),
        )
    except (TypeError, ValueError) as exc:
        raise ValidationError({"brief": str(exc)}) from None
    return None if brief.is_empty else brief


def parse_filters(value: Filters | Mapping[str, Any] | None) -> Filters:
    if value is None:
        return Filters()
    if isinstance(value, Filters):
        return value
    unknown = sorted(set(value) - set(FILTER_FIELDS))
    if unknown:
        raise ValidationError({"filters": f"unknown filter '{unknown[0]}'"})
    try:
        return Filters(
            genres=list(value.get("genres") or []),
            moods=list(value.get("moods") or []),
            tempo_min=value.get("tempo_min"),
            tempo_max=value.get("tempo_max"),
            commercial_only=bool(value.get("commercial_only")),
        )
    except (TypeError, ValueError) as exc:
        raise ValidationError({"filters": str(exc)}) from None


def parse_weights(value: Weights | Mapping[str, object] | None, *, content: bool = True) -> Weights:
    """The default weights, with the settings' overrides, overridden by the request's weights.

    The defaults are `weights.default_weights(content=...)`: content-led when the request has
    something to match on content (`content`: a content profile or a brief), crowd-led when it
    has not. `RECOMMENDER_WEIGHTS` / `RECOMMENDER_CROWD_WEIGHTS` (optional, from the environment)
    override the keys they name in the content-led / crowd-led set. Raises ValidationError
    naming the bad key and value.
    """
    if isinstance(value, Weights):
        return value
    name = "RECOMMENDER_WEIGHTS" if content else "RECOMMENDER_CROWD_WEIGHTS"
    try:
        overrides = getattr(settings, name, None) or {}
        if not isinstance(overrides, Mapping):
            raise ValueError(f"must be an object of numbers, got {overrides!r}")
        defaults = validate_weights(overrides, defaults=default_weights(content=content)).as_dict()
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from None
    try:
        if value is not None and not isinstance(value, Mapping):
            raise ValueError(f"weights must be an object of numbers, got {value!r}")
        return validate_weights(dict(value or {}), defaults=defaults)
    except ValueError as exc:
        raise ValidationError({"weights": str(exc)}) from None


def author_default_weights(author: Author) -> dict[str, float]:
    """The default weights a request for this creator starts from (before any brief)."""
    target = author_engine_target(author)
    return parse_weights(None, content=has_content(target, None)).as_dict()


def has_content(target: Target | None, brief: Brief | None) -> bool:
    """Whether a request has something to match on content: which default weights apply."""
    return bool(target is not None and target.has_content) or (
        brief is not None and not brief.is_empty
    )


def video_fields(analysis: VideoContentAnalysis | None) -> dict[str, Any]:
    """The stored video analysis as `profile_targets.video_target` reads it ({} if none/failed)."""
    if analysis is None or analysis.status == AnalysisStatus.FAILED:
        return {}
    detail = analysis.detail if isinstance(analysis.detail, dict) else {}
    return {
        "tempo_bpm": analysis.tempo_bpm,
        "tempo_source": analysis.tempo_source,
        "energy": analysis.energy,
        "valence": analysis.valence,
        "arousal": analysis.arousal,
        "danceability": analysis.danceability,
        "top_mood": analysis.top_mood,
        "moods": detail.get("moods") or {},
        "genres": detail.get("genres") or {},
        "detail": detail,
    }


def author_engine_target(author: Author) -> Target:
    """The creator's target from their stored analysis; only the tier when not analysed yet."""
    analysis = related_or_none(author, "analysis")
    if analysis is None or analysis.status == AnalysisStatus.FAILED:
        return author_target(None, followers=getattr(author, "followers", None))
    return author_target(
        analysis.metrics,
        tier=analysis.tier or None,
        followers=analysis.followers or getattr(author, "followers", None),
    )


def _crowd_for(data: EngineData, run_values: dict[str, Any], wanted: list[str]) -> CrowdScores:
    """The crowd components as of the newest stored post, for the run's creator (and video)."""
    crowd = data.crowd()
    moment = crowd.usage.latest_day
    if moment is None:
        return CrowdScores()
    author, video = run_values["author"], run_values["video"]
    days: list[float] = []
    terms: Counter[str] = Counter()
    if author is not None:
        for posted_at, hashtags, caption in selectors.creator_posts_words(author.pk):
            days.append(day_number(posted_at))
            terms.update(post_terms(hashtags, caption))
    words: dict[str, float] = dict(terms)
    if video is not None:
        words = with_video_terms(words, post_terms(video.hashtags, video.caption))
    query = creator_query(
        crowd.usage,
        author_id=author.pk if author is not None else None,
        moment=moment,
        post_days=days,
        terms=words,
    )
    return crowd_scores(crowd, query, wanted)


def recommendation_generate(
    *,
    author_id: int | None = None,
    video_id: int | None = None,
    brief: Brief | Mapping[str, Any] | None = None,
    weights: Weights | Mapping[str, object] | None = None,
    limit: int = 20,
    include_used: bool = False,
    filters: Filters | Mapping[str, Any] | None = None,
    user: Any = None,
) -> RecommendationRun:
    """Rank the catalogue for a creator, one of their videos or a brief, and store the run.

    A video implies its creator. Raises ValidationError naming the bad field (weights, brief,
    filters, limit, video) and `TargetMissing` for an unknown creator or video. The run's
    `params` keep what was asked plus `effective_weights` and `candidates` from the engine.
    """
    started = time.perf_counter()
    parse_weights(weights)  # bad weights are refused before anything is looked up
    brief_used = parse_brief(brief)
    filters_used = parse_filters(filters)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationError({"limit": f"must be between 1 and {MAX_LIMIT}, got {limit!r}"})

    video = None
    if video_id is not None:
        video = selectors.video_for_recommendation(video_id)
        if video is None:
            raise TargetMissing("video", f"no video with id {video_id}")
        if author_id is not None and video.author_id != author_id:
            raise ValidationError({"video": f"video {video_id} is not by creator {author_id}"})
        author_id = video.author_id
    author = None
    if author_id is not None:
        author = selectors.author_for_recommendation(author_id=author_id)
        if author is None:
            raise TargetMissing("author", f"no creator with id {author_id}")
    elif brief_used is None:
        raise ValidationError({"author": "give a creator, one of their videos or a brief"})

    notices: list[str] = []
    target: Target | None = None
    kind = RecommendationRun.TargetKind.BRIEF
    if author is not None:
        target = author_engine_target(author)
        kind = RecommendationRun.TargetKind.AUTHOR
    if video is not None:
        fields = video_fields(related_or_none(video, "content_analysis"))
        if not fields:
            notices.append(
                "This video has no content analysis yet, so the creator's profile stands in for it."
            )
        target = video_target(fields, target)
        kind = RecommendationRun.TargetKind.VIDEO

    used: set[int] = set()
    kept: set[int] = set()
    rejected: set[int] = set()
    history: dict[int, float] = {}
    if author is not None:
        music = selectors.creator_music(author.pk)
        used = music.used
        kept, rejected = selectors.feedback_ids(author.pk)
        history = best_used_tracks(
            (track, video_engagement_rate(post)) for track, post in music.posts
        )

    request = Request(
        target=target,
        brief=brief_used,
        weights=parse_weights(weights, content=has_content(target, brief_used)),
        limit=limit,
        exclude_ids=frozenset(used),
        rejected_ids=frozenset(rejected),
        kept_ids=frozenset(kept),
        history=history,
        filters=filters_used,
        include_used=include_used,
    )
    run_values = {
        "author": author,
        "video": video,
        "target_kind": kind,
        "brief": asdict(brief_used) if brief_used is not None else {},
        "created_by": user if getattr(user, "is_authenticated", False) else None,
    }
    return _run_and_store(request, run_values, notices, weights, started, fresh=False)


def cold_start_notice_after_analysis(notice: str) -> str:
    """The engine's cold-start notice for a creator whose videos were analysed and gave nothing
    to match music on (videos without audio, captions without mood or category cues, as the
    real 2025 timelines are): "analyse their videos" would send the marketer to a re-run that
    changes nothing, so it points to the brief instead."""
    match = _COLD_START.fullmatch(notice)
    if match is None:
        return notice
    basis = match["basis"]
    hint = (
        ""
        if basis.startswith("your brief")
        else " Describe the campaign in the brief to steer them."
    )
    return (
        "This creator's videos were analysed but gave nothing to match music on (no audio or "
        "picture to read, no mood or genre cues in the captions), so these picks are based on "
        f"{basis}.{hint}"
    )


def _run_and_store(
    request: Request,
    run_values: dict[str, Any],
    notices: list[str],
    weights: Any,
    started: float,
    *,
    fresh: bool,
) -> RecommendationRun:
    author = run_values["author"]
    data = engine_data(fresh=fresh)
    crowd = None
    wanted = [n for n in CROWD_COMPONENTS if getattr(request.weights, n) > 0]
    if wanted:  # the usage table is read only when a crowd component is weighed
        crowd = _crowd_for(data, run_values, wanted)
    result = recommend(data.arrays, request, crowd=crowd)
    if not data.checked_now:
        # The stamp was trusted without reading it: a track merged away since then would break
        # the run's items, so check they all still exist and rank again on fresh data if not.
        ids = [item.music_id for item in result.items]
        if Music.objects.filter(pk__in=ids).count() < len(ids):
            # A track was deleted or merged away since: rebuild (even if that writer did not
            # bump the catalogue version) and rank again.
            caches_clear()
            return _run_and_store(request, run_values, notices, weights, started, fresh=True)
    notices = list(notices)
    for notice in result.notices:
        if author is None and notice.startswith(COLD_START_PREFIX):
            notice = (
                "No creator given, so these picks are based on your brief, popularity and trends."
            )
        elif notice.startswith(COLD_START_PREFIX) and selectors.creator_videos_analysed(author.pk):
            notice = cold_start_notice_after_analysis(notice)
        notices.append(notice)
    run = RecommendationRun(
        **run_values,
        params={
            "limit": request.limit,
            "include_used": request.include_used,
            "filters": asdict(request.filters),
            "requested_weights": dict(weights) if isinstance(weights, Mapping) else {},
            "effective_weights": result.effective_weights,
            "candidates": result.candidates,
        },
        weights=result.weights,
        engine_version=ENGINE_VERSION,
        catalogue_version=data.catalogue_version,
        notices=notices,
    )
    run.clean_fields(exclude=["author", "video", "created_by", "duration_ms"])
    with transaction.atomic():
        run.duration_ms = round((time.perf_counter() - started) * 1000, 2)
        run.save()
        RecommendationItem.objects.bulk_create(
            RecommendationItem(
                run=run,
                rank=item.rank,
                music_id=item.music_id,
                score=item.score,
                components=item.components,
                reasons=item.reasons,
            )
            for item in result.items
        )
    return run


def feedback_record(
    *,
    run_id: int,
    item_id: int,
    verdict: str,
    note: str = "",
    user: Any = None,
) -> tuple[Feedback, bool]:
    """Store a marketer's keep / reject on a recommended track for the run's creator.

    One verdict per creator and track: a new verdict replaces the old one (returns created
    False). Raises `TargetMissing` when the item is not part of the run, ValidationError for a
    bad verdict or a run made for a brief without a creator.
    """
    if verdict not in Feedback.Verdict.values:
        raise ValidationError(
            {"verdict": f"must be one of {', '.join(Feedback.Verdict.values)}, got {verdict!r}"}
        )
    item = selectors.run_item_get(run_id=run_id, item_id=item_id)
    if item is None:
        raise TargetMissing("item", f"run {run_id} has no item {item_id}")
    if item.run.author_id is None:
        raise ValidationError(
            {"run": "this run was made for a brief without a creator; feedback is kept per creator"}
        )
    values = {"verdict": verdict, "note": note or "", "item": item}
    Feedback(author_id=item.run.author_id, music=item.music, **values).clean_fields(
        exclude=["author", "music", "item", "created_by"]
    )
    who = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        feedback, created = Feedback.objects.update_or_create(
            author_id=item.run.author_id,
            music_id=item.music_id,
            defaults=values,
            create_defaults={**values, "created_by": who},
        )
    return feedback, created
