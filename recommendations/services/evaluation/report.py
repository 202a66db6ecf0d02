"""The use case `evaluate_recommender` runs: read the data, build the cases of each protocol,
optionally search the weights on the validation split, and report every method on a split.
Also the export of a data set's cases, so one weight search can span several databases."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from recommendations.catalogue import CatalogueArrays, TrackRecord
from recommendations.catalogue_source import catalogue_records, engine_data
from recommendations.crowd import Crowd, CrowdQuery, CrowdScores
from recommendations.evaluation import GridSearchResult, popularity_shares
from recommendations.services.runs import parse_weights
from recommendations.targets import Target
from recommendations.usage import Usage
from videos.models import VideoMusic

from .methods import EngineScores, MethodResult, evaluate_methods, search_weights
from .protocols import LEAVE_ONE_OUT, PROTOCOLS, TARGET_KINDS, Case, View, protocol_cases
from .stored import MIN_VIDEOS, stored_data

SPLITS = ("test", "validation", "all")


@dataclass
class ProtocolReport:
    protocol: str
    creators: int
    case_counts: dict[str, int]
    results: list[MethodResult]

    def as_dict(self) -> dict[str, Any]:
        return {
            "protocol": self.protocol,
            "creators": self.creators,
            "cases": self.case_counts,
            "results": [r.as_dict() for r in self.results],
        }


@dataclass
class EvaluationReport:
    k: int
    split: str
    weights: dict[str, dict[str, float]]  # the two default sets with the overrides, normalised
    protocols: list[ProtocolReport]
    search: GridSearchResult | None = None
    searched_weights: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "k": self.k,
            "split": self.split,
            "weights": self.weights,
            "protocols": [p.as_dict() for p in self.protocols],
        }
        if self.search is not None:
            out["search"] = {
                "best_weights": self.search.best_weights,
                "best_validation_score": round(self.search.best_score, 4),
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


def usage_shares(arrays: CatalogueArrays) -> dict[int, float]:
    """Each catalogue track's share of all uses in stored videos (for novelty)."""
    counts = Counter(VideoMusic.objects.values_list("music_id", flat=True))
    return popularity_shares(counts, arrays.music_ids.tolist())


def _groups(cases: Sequence[Case]) -> list[list[Case]]:
    """The search's groups: one per protocol and target kind."""
    return [
        [c for c in cases if c.protocol == protocol and c.kind == kind]
        for protocol in PROTOCOLS
        for kind in TARGET_KINDS
    ]


def _crowd_led(cases: Mapping[str, Sequence[Case]]) -> bool:
    """Whether most cases start from the crowd-led defaults (no content profile): where a weight
    search should start from."""
    flags = [c.target.has_content for group in cases.values() for c in group]
    return sum(flags) < len(flags) / 2


def recommender_evaluate(
    *,
    protocols: Sequence[str] = (LEAVE_ONE_OUT,),
    k: int = 10,
    split: str = "test",
    search: bool = False,
    search_also: Sequence[Mapping[str, Any]] = (),
    weights: Mapping[str, float] | None = None,
    min_videos: int = MIN_VIDEOS,
) -> EvaluationReport:
    """Evaluate the engine and the baselines on the stored data, per protocol.

    `weights` (default: the default sets with the settings' overrides, `parse_weights`) is what
    "engine" uses. With `search`, a coordinate search on the validation split of every protocol
    asked for runs first (joined by the validation cases of the exports in `search_also`), and
    its best weights are reported as "engine (searched)" on the chosen split too.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    for protocol in protocols:
        if protocol not in PROTOCOLS:
            raise ValueError(f"protocol must be one of {', '.join(PROTOCOLS)}, got {protocol!r}")
    data = stored_data(engine_data().arrays)
    cases = {p: protocol_cases(data, p, min_videos=min_videos) for p in protocols}
    parse_weights(weights)  # bad weights are refused before anything is computed
    cache = EngineScores()
    found = None
    extra: dict[str, dict[str, float]] = {}
    if search:
        validation = [c for p in protocols for c in cases[p] if c.split == "validation"]
        groups = _groups(validation)
        for export in search_also:
            imported = [c for c in cases_import(export) if c.split == "validation"]
            groups += _groups(imported)
        start = parse_weights(weights, content=not _crowd_led(cases)).as_dict()
        found = search_weights(groups, start=start, k=k, cache=cache)
        extra["engine (searched)"] = found.best_weights
    shares = usage_shares(data.arrays)
    reports = []
    for protocol in protocols:
        chosen = [c for c in cases[protocol] if split == "all" or c.split == split]
        counts = Counter(c.kind for c in chosen)
        reports.append(
            ProtocolReport(
                protocol=protocol,
                creators=len({c.author_id for c in chosen}),
                case_counts={kind: counts.get(kind, 0) for kind in TARGET_KINDS},
                results=evaluate_methods(
                    chosen,
                    data.arrays,
                    shares,
                    weights=weights,
                    k=k,
                    extra_engines=extra,
                    cache=cache,
                ),  # fmt: skip
            )
        )
    return EvaluationReport(
        k=k,
        split=split,
        weights={
            "content-led": parse_weights(weights, content=True).normalised(),
            "crowd-led": parse_weights(weights, content=False).normalised(),
        },
        protocols=reports,
        search=found,
        searched_weights=parse_weights(found.best_weights).normalised() if found else {},
    )


# --- Exported evaluation inputs ------------------------------------------------------------------

EXPORT_FORMAT = "musicrec-evaluation-cases/3"
_CASE_SCALARS = ("key", "protocol", "author_id", "kind", "video_id", "split")
_POPULARITY = ("spotify_popularity", "tiktok_usage", "growth_7d", "growth_28d", "early_trend")
_CROWD = ("momentum", "collaborative", "topic")


def _numbers(values: np.ndarray) -> list[float | None]:
    return [None if not math.isfinite(v) else round(float(v), 6) for v in values.tolist()]


def _array(values: Sequence[float | None], dtype: Any = np.float32) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=dtype)


def cases_export(records: Sequence[TrackRecord], cases: Sequence[Case]) -> dict[str, Any]:
    """A data set's evaluation inputs as JSON-ready data: the catalogue, the popularity columns
    of each view (moment) and, per case, its target, exclusions and crowd scores."""
    views: dict[int, int] = {}
    view_data: list[dict[str, Any]] = []
    for case in cases:
        if id(case.view) not in views:
            views[id(case.view)] = len(view_data)
            arrays = case.view.arrays
            view_data.append(
                {
                    "moment": case.view.moment,
                    **{name: _numbers(getattr(arrays, name).astype(float)) for name in _POPULARITY},
                }
            )
    return {
        "format": EXPORT_FORMAT,
        "records": [asdict(r) for r in records],
        "views": view_data,
        "cases": [
            {
                **{name: getattr(c, name) for name in _CASE_SCALARS},
                "relevant": sorted(c.relevant),
                "target": asdict(c.target),
                "excluded": sorted(c.excluded),
                "history_tracks": list(c.history_tracks),
                "history": [[music_id, lift] for music_id, lift in sorted(c.history.items())],
                "view": views[id(c.view)],
                "crowd": {
                    name: None if (v := getattr(c.crowd, name)) is None else _numbers(v)
                    for name in _CROWD
                },
            }
            for c in cases
        ],
    }


def cases_import(data: Mapping[str, Any]) -> list[Case]:
    """The cases of an export; ValueError when it is not one. Imported cases carry what the
    engine needs (the search runs only the engine), not the crowd tables the baselines read."""
    if not isinstance(data, Mapping) or data.get("format") != EXPORT_FORMAT:
        raise ValueError(f"not an evaluation export (expected format {EXPORT_FORMAT})")
    try:
        base = CatalogueArrays.build([TrackRecord(**r) for r in data["records"]])
        empty = Crowd(Usage.empty(base.size))
        views = [
            View(
                arrays=base.with_popularity(
                    **{
                        name: _array(v[name], bool if name == "early_trend" else np.float64)
                        for name in _POPULARITY
                    }
                ),
                crowd=empty,
                moment=float(v["moment"]),
            )
            for v in data["views"]
        ]
        cases = []
        for c in data["cases"]:
            view = views[c["view"]]
            crowd = CrowdScores(
                **{
                    name: None if c["crowd"][name] is None else _array(c["crowd"][name])
                    for name in _CROWD
                }
            )
            cases.append(
                Case(
                    **{name: c[name] for name in _CASE_SCALARS},
                    relevant=frozenset(c["relevant"]),
                    target=Target(**c["target"]),
                    excluded=frozenset(c["excluded"]),
                    history_tracks=tuple(c["history_tracks"]),
                    history={int(m): float(lift) for m, lift in c["history"]},
                    view=view,
                    query=CrowdQuery(moment=view.moment),
                    crowd=crowd,
                )
            )
    except (KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"malformed evaluation export: {exc}") from None
    return cases


def recommender_cases_export(
    *, protocols: Sequence[str] = (LEAVE_ONE_OUT,), min_videos: int = MIN_VIDEOS
) -> dict[str, Any]:
    """The current database's evaluation inputs, for a search across data sets."""
    data = stored_data(engine_data().arrays)
    cases = [c for p in protocols for c in protocol_cases(data, p, min_videos=min_videos)]
    return cases_export(catalogue_records(), cases)
