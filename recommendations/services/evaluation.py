"""Offline evaluation of the recommender on the stored data: leave one track out.

For every creator with at least `MIN_VIDEOS` videos on catalogue tracks, and for every catalogue
track T they used, all their videos with T are hidden and the recommender must find T in its
top k, ranking the whole catalogue (no sampled negatives). What it may see is rebuilt without
the hidden videos, so nothing about T leaks in:

- the creator's profile analysis is recomputed by the pure `authors.analysis.analyze_author` on
  their other videos (same window and clock as the stored analysis), so the content profile,
  the music-habit lifts and the tier come only from the rest;
- the tracks they already used (excluded from recommendations) are those of the other videos;
- the collaborative signal never counts the creator's own uses, and their row in the creator
  matrix is replaced by the recomputed profile, so the stored profile (built with T) does not
  even shift the centring;
- for a video case the target is the hidden video's content analysis with everything measured
  on its soundtrack (which is T itself) taken out (`profile_targets.without_soundtrack`).
- the own-history anchors (tracks of the creator's better-than-usual videos) and the median
  engagement they are measured against come from the other videos only.

Cases are split by creator and track into a validation half (for choosing weights) and a test
half (for reporting). Baselines see the same exclusions. docs/evaluation.md has the details.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone

from authors.analysis import analyze_author, video_engagement_rate
from authors.models import Author, AuthorAnalysis
from authors.services import AuthorInputs, author_inputs
from musicrec.core.descriptors import GENRE_KEYS
from musicrec.core.models import Platform
from recommendations.catalogue import ACOUSTIC_MOODS, CatalogueArrays, TrackRecord
from recommendations.catalogue_source import EngineData, catalogue_records, engine_data
from recommendations.engine import Request, recommend
from recommendations.evaluation import (
    GridSearchResult,
    bootstrap_ci,
    catalogue_coverage,
    grid_search_weights,
    intra_list_diversity,
    ndcg_per_case,
    novelty,
    popularity_shares,
    rank_most_frequent_attribute,
    rank_most_popular,
    rank_random,
)
from recommendations.profile_targets import (
    author_target,
    best_used_tracks,
    video_target,
    without_soundtrack,
)
from recommendations.services.runs import parse_weights, video_fields
from recommendations.targets import Target
from recommendations.weights import COMPONENTS, Weights
from videos.models import VideoContentAnalysis, VideoMusic, VideoSource

MIN_VIDEOS = 3
VALIDATION_SHARE = 0.5
TARGET_KINDS = ("author", "video")
METHODS = ("engine", "most popular", "most frequent attribute", "random")
# Weight values the coordinate search tries per component (only the ratios matter). Trend and
# kept-track similarity are left out: the stored data has no usage history (trend is 0 for every
# demo track) and no marketer feedback, so their weights could only act as an accidental
# diversity knob (scaling every score against the similarity penalty); they keep their reasoned
# defaults.
SEARCH_VALUES = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45)
SEARCH_GRID: dict[str, tuple[float, ...]] = {
    name: SEARCH_VALUES for name in COMPONENTS if name not in ("trend", "kept_similarity")
}
SEARCH_ROUNDS = 3


@dataclass
class StoredVideo:
    video_id: int
    track_id: int | None  # its main sound, when that is a catalogue track
    linked: frozenset[int]  # every track linked to it
    fields: dict[str, Any]  # its content analysis, as `profile_targets.video_target` reads it
    input: Any  # authors.analysis.VideoInput


@dataclass
class StoredCreator:
    author_id: int
    name: str
    inputs: AuthorInputs
    videos: list[StoredVideo]
    now: datetime

    @property
    def catalogue_videos(self) -> list[StoredVideo]:
        return [v for v in self.videos if v.track_id is not None]


@dataclass
class Case:
    """One hidden (creator, track), seen from the creator's profile or from one hidden video."""

    key: str
    author_id: int
    track_id: int
    kind: str  # "author" or "video"
    video_id: int | None
    target: Target
    own_profile: Target
    used: frozenset[int]
    history_tracks: tuple[int, ...]
    split: str
    collaborative: np.ndarray | None = None
    # The own-history anchors (`profile_targets.best_used_tracks`) from the other videos only.
    history: dict[int, float] = field(default_factory=dict)


def _split(author_id: int, track_id: int) -> str:
    digest = hashlib.sha1(f"{author_id}:{track_id}".encode()).digest()
    return "validation" if digest[0] / 256 < VALIDATION_SHARE else "test"


def _content_analyses(video_ids: Sequence[int]) -> dict[int, VideoContentAnalysis]:
    rows = VideoContentAnalysis.objects.filter(video_id__in=video_ids)
    return {a.video_id: a for a in rows}


def evaluation_creators(
    arrays: CatalogueArrays, *, min_videos: int = MIN_VIDEOS
) -> list[StoredCreator]:
    """The creators to evaluate on, with their analysis inputs and their videos' tracks.

    The videos are those the profile analysis reads (`authors.services.author_inputs`: TikTok
    posts with a date, no ads), each with its main sound and content analysis.
    """
    creators = []
    stored_at = dict(AuthorAnalysis.objects.values_list("author_id", "analyzed_at"))
    for author in Author.objects.filter(is_creator=True).order_by("pk"):
        inputs = author_inputs(author=author)
        if not inputs.videos:
            continue
        posts = dict(
            VideoSource.objects.filter(platform=Platform.TIKTOK, video__author=author).values_list(
                "external_id", "video_id"
            )
        )
        links: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        for video_id, music_id, primary in VideoMusic.objects.filter(
            video__author=author
        ).values_list("video_id", "music_id", "is_primary"):
            links[video_id].append((music_id, primary))
        analyses = _content_analyses(list(posts.values()))
        videos = []
        for video_input in inputs.videos:
            video_id = posts[video_input.external_id]
            primary = [m for m, is_primary in links[video_id] if is_primary]
            track = primary[0] if primary and arrays.row_of(primary[0]) is not None else None
            videos.append(
                StoredVideo(
                    video_id=video_id,
                    track_id=track,
                    linked=frozenset(m for m, _ in links[video_id]),
                    fields=video_fields(analyses.get(video_id)),
                    input=video_input,
                )
            )
        creator = StoredCreator(
            author_id=author.pk,
            name=author.name,
            inputs=inputs,
            videos=videos,
            now=stored_at.get(author.pk) or timezone.now(),
        )
        if len(creator.catalogue_videos) >= min_videos:
            creators.append(creator)
    return creators


def _profile_without(creator: StoredCreator, hidden: set[int]) -> Target:
    """The creator's target as their profile analysis would be without the hidden videos."""
    history = [v.input for v in creator.videos if v.video_id not in hidden]
    metrics = analyze_author(
        creator.inputs.profile,
        history,
        creator.inputs.snapshots,
        now=creator.now,
        window_videos=settings.AUTHOR_WINDOW_VIDEOS,
        window_days=settings.AUTHOR_WINDOW_DAYS,
    )
    return author_target(metrics.to_dict(), followers=creator.inputs.profile.followers)


def evaluation_cases(creators: Sequence[StoredCreator], data: EngineData) -> list[Case]:
    """Every (creator, track) case, once from the profile and once per hidden video."""
    cases: list[Case] = []
    for creator in creators:
        by_track: dict[int, list[StoredVideo]] = defaultdict(list)
        for video in creator.catalogue_videos:
            by_track[video.track_id].append(video)  # type: ignore[index]
        for track_id, hidden_videos in sorted(by_track.items()):
            hidden = {v.video_id for v in hidden_videos}
            history = [v for v in creator.videos if v.video_id not in hidden]
            profile = _profile_without(creator, hidden)
            used = frozenset(m for v in history for m in v.linked)
            history_tracks = tuple(v.track_id for v in history if v.track_id is not None)
            best_used = best_used_tracks(
                (v.track_id, video_engagement_rate(v.input)) for v in history
            )
            key = f"{creator.author_id}:{track_id}"
            split = _split(creator.author_id, track_id)
            targets = [("author", None, profile)] + [
                ("video", v.video_id, video_target(without_soundtrack(v.fields), profile))
                for v in hidden_videos
            ]
            for kind, video_id, target in targets:
                cases.append(
                    Case(
                        key=key,
                        author_id=creator.author_id,
                        track_id=track_id,
                        kind=kind,
                        video_id=video_id,
                        target=target,
                        own_profile=profile,
                        used=used,
                        history_tracks=history_tracks,
                        split=split,
                        history=best_used,
                        collaborative=data.collaborative.scores(
                            target,
                            data.arrays.size,
                            author_id=creator.author_id,
                            own_profile=profile,
                        ),
                    )
                )
    return cases


# --- Methods and metrics ------------------------------------------------------------------------

Method = Callable[[Case], list[int]]


def engine_method(arrays: CatalogueArrays, weights: Weights, k: int) -> Method:
    def run(case: Case) -> list[int]:
        request = Request(
            target=case.target,
            weights=weights,
            limit=k,
            exclude_ids=case.used,
            history=case.history,
        )
        result = recommend(arrays, request, collaborative=case.collaborative)
        return [item.music_id for item in result.items]

    return run


def _track_target(arrays: CatalogueArrays, music_id: int) -> Target:
    """A used track as the attribute baseline reads it: its top genre and its mood point."""
    row = arrays.row_of(music_id)
    if row is None:
        return Target()
    top = int(arrays.top_genre[row])
    valence, arousal = float(arrays.valence[row]), float(arrays.arousal[row])
    return Target(
        genres={GENRE_KEYS[top]: 1.0} if top >= 0 else {},
        valence=None if math.isnan(valence) else valence,
        arousal=None if math.isnan(arousal) else arousal,
        moods={ACOUSTIC_MOODS[int(arrays.top_mood[row])]: 1.0} if arrays.top_mood[row] >= 0 else {},
    )


def baseline_methods(arrays: CatalogueArrays, k: int) -> dict[str, Method]:
    def popular(case: Case) -> list[int]:
        return rank_most_popular(arrays, k, exclude=case.used)

    def attribute(case: Case) -> list[int]:
        tracks = [_track_target(arrays, t) for t in case.history_tracks]
        return rank_most_frequent_attribute(arrays, tracks, k, exclude=case.used)

    def random(case: Case) -> list[int]:
        seed = int(hashlib.sha1(f"{case.key}:{case.video_id}".encode()).hexdigest()[:8], 16)
        return rank_random(arrays, k, seed=seed, exclude=case.used)

    return {"most popular": popular, "most frequent attribute": attribute, "random": random}


@dataclass
class MethodResult:
    method: str
    target: str
    metrics: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method, "target": self.target, **self.metrics}


def score_lists(
    lists: Sequence[Sequence[int]],
    cases: Sequence[Case],
    arrays: CatalogueArrays,
    shares: Mapping[int, float],
    k: int,
) -> dict[str, float]:
    """HitRate, nDCG and MRR at k (with bootstrap 95 % intervals over cases), coverage,
    intra-list diversity and novelty of one method's lists."""
    hits = [float(c.track_id in r[:k]) for r, c in zip(lists, cases, strict=True)]
    gains = [ndcg_per_case(r, {c.track_id}, k) for r, c in zip(lists, cases, strict=True)]
    ranks = [
        1.0 / (r.index(c.track_id) + 1) if c.track_id in r[:k] else 0.0
        for r, c in zip(lists, cases, strict=True)
    ]
    out = {
        "cases": float(len(cases)),
        f"hit_rate@{k}": float(np.mean(hits)) if hits else 0.0,
        f"ndcg@{k}": float(np.mean(gains)) if gains else 0.0,
        f"mrr@{k}": float(np.mean(ranks)) if ranks else 0.0,
        f"coverage@{k}": catalogue_coverage(lists, arrays.size, k),
        "intra_list_diversity": intra_list_diversity(
            arrays.features[arrays.rows_for(r)] for r in lists
        ),
        "novelty_bits": novelty(lists, shares),
    }
    for name, values in ((f"hit_rate@{k}", hits), (f"ndcg@{k}", gains)):
        out[f"{name}_ci_low"], out[f"{name}_ci_high"] = bootstrap_ci(values)
    return {key: round(value, 4) for key, value in out.items()}


def usage_shares(arrays: CatalogueArrays) -> dict[int, float]:
    """Each catalogue track's share of all uses in stored videos (for novelty)."""
    counts = Counter(VideoMusic.objects.values_list("music_id", flat=True))
    return popularity_shares(counts, arrays.music_ids.tolist())


def evaluate_methods(
    cases: Sequence[Case],
    arrays: CatalogueArrays,
    shares: Mapping[int, float],
    *,
    weights: Weights,
    k: int = 10,
    extra_engines: Mapping[str, Weights] | None = None,
) -> list[MethodResult]:
    """Every method on the same cases, per target kind (creator profile, hidden video)."""
    methods: dict[str, Method] = {"engine": engine_method(arrays, weights, k)}
    for name, other in (extra_engines or {}).items():
        methods[name] = engine_method(arrays, other, k)
    methods.update(baseline_methods(arrays, k))
    results = []
    for kind in TARGET_KINDS:
        subset = [c for c in cases if c.kind == kind]
        if not subset:
            continue
        for name, method in methods.items():
            lists = [method(case) for case in subset]
            results.append(MethodResult(name, kind, score_lists(lists, subset, arrays, shares, k)))
    return results


def search_weights(
    data_sets: Sequence[tuple[CatalogueArrays, Sequence[Case]]],
    *,
    start: Mapping[str, float],
    k: int = 10,
    grid: Mapping[str, Sequence[float]] = SEARCH_GRID,
    rounds: int = SEARCH_ROUNDS,
) -> GridSearchResult:
    """Coordinate search maximising HitRate@k and nDCG@k over (validation) cases of one or more
    data sets.

    The score is the mean, over data sets and target kinds, of (HitRate + nDCG) / 2: the two
    figures the report leads with, and neither a larger data set nor the more numerous video
    cases (a favourite track is one profile case but several video cases) decide alone.
    """
    groups = [
        (arrays, group)
        for arrays, cases in data_sets
        for kind in TARGET_KINDS
        if (group := [c for c in cases if c.kind == kind])
    ]

    def evaluate(weights: dict[str, float]) -> float:
        parsed = parse_weights(weights)
        means = []
        for arrays, group in groups:
            method = engine_method(arrays, parsed, k)
            lists = [method(c) for c in group]
            hits = np.mean([c.track_id in r for r, c in zip(lists, group, strict=True)])
            gains = np.mean(
                [ndcg_per_case(r, {c.track_id}, k) for r, c in zip(lists, group, strict=True)]
            )
            means.append((hits + gains) / 2)
        return float(np.mean(means)) if means else 0.0

    return grid_search_weights(evaluate, grid, start=start, rounds=rounds)


# --- Exported evaluation inputs ---------------------------------------------------------------

EXPORT_FORMAT = "musicrec-evaluation-cases/2"
_CASE_SCALARS = ("key", "author_id", "track_id", "kind", "video_id", "split")


def cases_export(records: Sequence[TrackRecord], cases: Sequence[Case]) -> dict[str, Any]:
    """A data set's evaluation inputs as JSON-ready data, so a weight search can combine the
    validation cases of several databases (`evaluate_recommender --search-also FILE`)."""
    return {
        "format": EXPORT_FORMAT,
        "records": [asdict(r) for r in records],
        "cases": [
            {
                **{name: getattr(c, name) for name in _CASE_SCALARS},
                "target": asdict(c.target),
                "own_profile": asdict(c.own_profile),
                "used": sorted(c.used),
                "history_tracks": list(c.history_tracks),
                "history": [[music_id, lift] for music_id, lift in sorted(c.history.items())],
                "collaborative": (
                    None
                    if c.collaborative is None
                    else [round(float(v), 6) for v in c.collaborative]
                ),
            }
            for c in cases
        ],
    }


def cases_import(data: Mapping[str, Any]) -> tuple[CatalogueArrays, list[Case]]:
    """The catalogue arrays and cases of an export; ValueError when it is not one."""
    if not isinstance(data, Mapping) or data.get("format") != EXPORT_FORMAT:
        raise ValueError(f"not an evaluation export (expected format {EXPORT_FORMAT})")
    try:
        arrays = CatalogueArrays.build([TrackRecord(**r) for r in data["records"]])
        cases = [
            Case(
                **{name: c[name] for name in _CASE_SCALARS},
                target=Target(**c["target"]),
                own_profile=Target(**c["own_profile"]),
                used=frozenset(c["used"]),
                history_tracks=tuple(c["history_tracks"]),
                history={int(music_id): float(lift) for music_id, lift in c["history"]},
                collaborative=(
                    None
                    if c["collaborative"] is None
                    else np.asarray(c["collaborative"], dtype=np.float32)
                ),
            )
            for c in data["cases"]
        ]
    except (KeyError, TypeError) as exc:
        raise ValueError(f"malformed evaluation export: {exc}") from None
    return arrays, cases


# --- The use case the command runs ----------------------------------------------------------------


@dataclass
class EvaluationReport:
    k: int
    split: str
    creators: int
    weights: dict[str, float]
    results: list[MethodResult]
    search: GridSearchResult | None = None
    case_counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "protocol": "leave one track out",
            "k": self.k,
            "split": self.split,
            "creators": self.creators,
            "cases": self.case_counts,
            "weights": self.weights,
            "results": [r.as_dict() for r in self.results],
        }
        if self.search is not None:
            out["search"] = {
                "best_weights": self.search.best_weights,
                "best_validation_ndcg": round(self.search.best_score, 4),
                "trace": [
                    {
                        "round": s.round,
                        "key": s.key,
                        "value": s.value,
                        "score": round(s.score, 4),
                        "accepted": s.accepted,
                    }
                    for s in self.search.trace
                ],
            }
        return out


def recommender_evaluate(
    *,
    k: int = 10,
    split: str = "test",
    search: bool = False,
    search_also: Sequence[Mapping[str, Any]] = (),
    weights: Mapping[str, float] | None = None,
    min_videos: int = MIN_VIDEOS,
) -> EvaluationReport:
    """Evaluate the engine and the baselines on the stored data.

    `weights` (default: the settings' RECOMMENDER_WEIGHTS) is what "engine" uses. With
    `search`, a coordinate search on the validation split runs first (joined by the validation
    cases of the exports in `search_also`) and its best weights are reported as
    "engine (searched)" on the chosen split too.
    """
    if split not in ("test", "validation", "all"):
        raise ValueError(f"split must be test, validation or all, got {split!r}")
    data = engine_data()
    creators = evaluation_creators(data.arrays, min_videos=min_videos)
    cases = evaluation_cases(creators, data)
    chosen = [c for c in cases if split == "all" or c.split == split]
    used_weights = parse_weights(weights)
    found = None
    extra: dict[str, Weights] = {}
    if search:
        data_sets = [(data.arrays, [c for c in cases if c.split == "validation"])]
        for export in search_also:
            arrays, more = cases_import(export)
            data_sets.append((arrays, [c for c in more if c.split == "validation"]))
        found = search_weights(data_sets, start=used_weights.as_dict(), k=k)
        extra["engine (searched)"] = parse_weights(found.best_weights)
    results = evaluate_methods(
        chosen,
        data.arrays,
        usage_shares(data.arrays),
        weights=used_weights,
        k=k,
        extra_engines=extra,
    )
    counts = Counter(c.kind for c in chosen)
    return EvaluationReport(
        k=k,
        split=split,
        creators=len({c.author_id for c in chosen}),
        weights=used_weights.normalised(),
        results=results,
        search=found,
        case_counts={kind: counts.get(kind, 0) for kind in TARGET_KINDS},
    )


def recommender_cases_export(*, min_videos: int = MIN_VIDEOS) -> dict[str, Any]:
    """The current database's evaluation inputs, for a search across data sets."""
    data = engine_data()
    cases = evaluation_cases(evaluation_creators(data.arrays, min_videos=min_videos), data)
    return cases_export(catalogue_records(), cases)
