"""The two evaluation protocols, turning stored creators into cases the methods rank for.

**Leave one track out**: for every creator with at least `MIN_VIDEOS` videos on catalogue tracks
and every catalogue track T they used, all their videos with T are hidden; the recommender must
find T, for the creator's profile and for each hidden video. What it may see is rebuilt without
the hidden videos (profile analysis, used tracks, own-history anchors, their own crowd query),
and their uses never vote in the crowd components (docs/evaluation.md lists every guard).

**Temporal**: for each creator with at least `MIN_TEMPORAL_VIDEOS` dated posts, the moment is
the posting time of the first of their last `TEMPORAL_SHARE` of videos. The recommender sees
only what was posted before it, by anyone: the usage table is cut there, the catalogue's
popularity, usage and trend are recomputed from what was dated before it (`as_of`), and the
creator's profile is analysed on their earlier videos with the moment as its clock. It must
rank the catalogue tracks those last videos used that were new to the creator.

Cases are split into a validation half (for choosing weights) and a test half (for reporting):
by creator and track for leave-one-out, by creator for temporal.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
from django.conf import settings

from authors.analysis import analyze_author, video_engagement_rate
from recommendations.as_of import catalogue_as_of
from recommendations.catalogue import CatalogueArrays
from recommendations.crowd import Crowd, CrowdQuery, CrowdScores, creator_query, with_video_terms
from recommendations.profile_targets import (
    author_target,
    best_used_tracks,
    video_target,
    without_soundtrack,
)
from recommendations.targets import Target
from recommendations.usage import day_number

from .stored import MIN_VIDEOS, StoredCreator, StoredData, StoredVideo

LEAVE_ONE_OUT = "leave-one-out"
TEMPORAL = "temporal"
PROTOCOLS = (LEAVE_ONE_OUT, TEMPORAL)
TARGET_KINDS = ("author", "video")
VALIDATION_SHARE = 0.5
TEMPORAL_SHARE = 0.2  # the last 20 % of a creator's videos are the future
MIN_TEMPORAL_VIDEOS = 5  # so at least 4 videos come before the moment


@dataclass(frozen=True, eq=False)
class View:
    """What the cases of one moment see: the catalogue and the crowd as of then."""

    arrays: CatalogueArrays
    crowd: Crowd
    moment: float  # day number
    unknown: frozenset[int] = frozenset()  # tracks nobody could have known of at the moment


@dataclass(eq=False)
class Case:
    """One thing to find: a hidden track (leave-one-out) or a creator's next new tracks
    (temporal), seen from the creator's profile or from one of the videos that used it."""

    key: str
    protocol: str
    author_id: int
    relevant: frozenset[int]
    kind: str  # "author" or "video"
    video_id: int | None
    target: Target
    excluded: frozenset[int]  # what the creator already used, and (temporal) unknown tracks
    history_tracks: tuple[int, ...]
    split: str
    view: View
    query: CrowdQuery
    crowd: CrowdScores
    history: dict[int, float] = field(default_factory=dict)  # own-history anchors


def _split(*parts: str) -> str:
    """The half a case belongs to, from natural keys (a handle, a track's title and artist), so
    the same data splits the same way in any database: row ids differ between SQLite and
    PostgreSQL, and between two imports."""
    digest = hashlib.sha1("\x1f".join(parts).encode()).digest()
    return "validation" if digest[0] / 256 < VALIDATION_SHARE else "test"


def _track_key(arrays: CatalogueArrays, music_id: int) -> str:
    row = arrays.row_of(music_id)
    return f"{arrays.titles[row]}\x1f{arrays.artists[row]}".lower() if row is not None else ""


def _profile(
    creator: StoredCreator, history: Sequence[StoredVideo], *, now: datetime | None = None
) -> Target:
    """The creator's target as their profile analysis would be on `history` alone."""
    clock = now or creator.now
    metrics = analyze_author(
        creator.inputs.profile,
        [v.input for v in history],
        [s for s in creator.inputs.snapshots if s.taken_at <= clock],
        now=clock,
        window_videos=settings.AUTHOR_WINDOW_VIDEOS,
        window_days=settings.AUTHOR_WINDOW_DAYS,
    )
    return author_target(metrics.to_dict(), followers=creator.inputs.profile.followers)


def _all_components(crowd: Crowd, query: CrowdQuery) -> CrowdScores:
    return CrowdScores(
        momentum=crowd.momentum(query),
        collaborative=crowd.collaborative(query),
        topic=crowd.topic(query),
    )


def _cases_for(
    *,
    protocol: str,
    key: str,
    split: str,
    creator: StoredCreator,
    history: Sequence[StoredVideo],
    view: View,
    profile: Target,
    targets: Sequence[tuple[frozenset[int], StoredVideo | None]],
    hidden: Sequence[int] = (),
) -> list[Case]:
    """The cases of one creator at one moment: one per (relevant set, video or profile)."""
    terms = Counter(term for v in history for term in v.terms)
    query = creator_query(
        view.crowd.usage,
        author_id=creator.author_id,
        moment=view.moment,
        post_days=[v.day for v in history],
        terms=terms,
        hidden_videos=hidden,
    )
    base = _all_components(view.crowd, query)
    common = {
        "protocol": protocol,
        "key": key,
        "split": split,
        "author_id": creator.author_id,
        "excluded": frozenset(m for v in history for m in v.linked) | view.unknown,
        "history_tracks": tuple(v.track_id for v in history if v.track_id is not None),
        "history": best_used_tracks((v.track_id, video_engagement_rate(v.input)) for v in history),
        "view": view,
    }
    cases = []
    for relevant, video in targets:
        if video is None:
            cases.append(
                Case(**common, relevant=relevant, kind="author", video_id=None, target=profile,
                     query=query, crowd=base)
            )  # fmt: skip
            continue
        video_query = replace(query, terms=with_video_terms(terms, video.terms))
        crowd = replace(base, topic=view.crowd.topic(video_query))
        target = video_target(without_soundtrack(video.fields), profile)
        cases.append(
            Case(**common, relevant=relevant, kind="video", video_id=video.video_id,
                 target=target, query=video_query, crowd=crowd)
        )  # fmt: skip
    return cases


def leave_one_out_cases(data: StoredData, *, min_videos: int = MIN_VIDEOS) -> list[Case]:
    """Every (creator, catalogue track) case, once from the profile and once per hidden video."""
    crowd = Crowd(data.usage)
    cases: list[Case] = []
    for creator in data.creators:
        if len(creator.catalogue_videos) < min_videos:
            continue
        view = View(arrays=data.arrays, crowd=crowd, moment=day_number(creator.now))
        by_track: dict[int, list[StoredVideo]] = {}
        for video in creator.catalogue_videos:
            by_track.setdefault(video.track_id, []).append(video)  # type: ignore[arg-type]
        for track_id, hidden_videos in sorted(by_track.items()):
            hidden = {v.video_id for v in hidden_videos}
            history = [v for v in creator.videos if v.video_id not in hidden]
            relevant = frozenset({track_id})
            cases += _cases_for(
                protocol=LEAVE_ONE_OUT,
                key=f"{creator.author_id}:{track_id}",
                split=_split(creator.key, _track_key(data.arrays, track_id)),
                creator=creator,
                history=history,
                view=view,
                profile=_profile(creator, history),
                targets=[(relevant, None)] + [(relevant, v) for v in hidden_videos],
                hidden=sorted(hidden),
            )
    return cases


def _view_as_of(data: StoredData, moment: datetime) -> View:
    """The catalogue and the crowd as they stood at `moment`. A track is known then when it is
    in the imported catalogue (a fact about the track, not about TikTok), when a stored video
    used it before, or when a scrape dated before saw it; any other track is a future-only
    sound and cannot be recommended."""
    usage = data.usage.before(day_number(moment))
    stored_uses = np.bincount(usage.track, minlength=data.arrays.size)
    seen = data.catalogued | (stored_uses > 0)
    seen[[p.row for p in data.points if p.taken_at <= moment]] = True
    return View(
        arrays=catalogue_as_of(data.arrays, data.points, moment=moment, stored_uses=stored_uses),
        crowd=Crowd(usage),
        moment=day_number(moment),
        unknown=frozenset(data.arrays.music_ids[~seen].tolist()),
    )


def temporal_cases(
    data: StoredData,
    *,
    share: float = TEMPORAL_SHARE,
    min_videos: int = MIN_TEMPORAL_VIDEOS,
) -> list[Case]:
    """One case per creator (their profile as of the moment, to find any of their new tracks)
    and one per later video that used a new catalogue track."""
    cases: list[Case] = []
    for creator in data.creators:
        videos = creator.videos
        if len(videos) < min_videos:
            continue
        later = videos[len(videos) - max(1, math.ceil(share * len(videos))) :]
        history = videos[: len(videos) - len(later)]
        moment = later[0].input.posted_at
        seen = {m for v in history for m in v.linked}
        new = [v for v in later if v.track_id is not None and v.track_id not in seen]
        if not new:
            continue
        view = _view_as_of(data, moment)
        everything = frozenset(v.track_id for v in new)  # type: ignore[misc]
        cases += _cases_for(
            protocol=TEMPORAL,
            key=f"{creator.author_id}@{moment:%Y-%m-%dT%H:%M}",
            split=_split(creator.key),
            creator=creator,
            history=history,
            view=view,
            profile=_profile(creator, history, now=moment),
            targets=[(everything, None)] + [(frozenset({v.track_id}), v) for v in new],  # type: ignore[list-item]
        )
    return cases


def protocol_cases(data: StoredData, protocol: str, *, min_videos: int = MIN_VIDEOS) -> list[Case]:
    if protocol == LEAVE_ONE_OUT:
        return leave_one_out_cases(data, min_videos=min_videos)
    if protocol == TEMPORAL:
        return temporal_cases(data)
    raise ValueError(f"protocol must be one of {', '.join(PROTOCOLS)}, got {protocol!r}")
