"""The crowd components: what other creators used, when, and alongside which words.

Three scores over the catalogue rows, each 0-1, read from a `Usage` table (already cut to what
was known at the moment of the request):

- **momentum**: how many other creators used the track close to the moment of the request or to
  the creator's own recent posts (a sound in use around you, now);
- **collaborative**: item-to-item co-usage: tracks used by the creators who used the tracks this
  creator used (cosine over the creators x tracks matrix, as implicit's CosineRecommender, in
  two sparse products and without a neighbour cut);
- **topic**: tracks used by creators who describe their videos with the same words (hashtags
  and caption language), for creators whose own sounds say little.

A creator's own uses never vote for them. Every part is built lazily from the table on first
use, once per table, so a request that does not weigh a component never pays for it.
docs/engine.md gives the formulas; docs/evaluation.md how they were chosen.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from .usage import Usage

# Momentum: a use d days from the nearest reference day counts exp(-d / TAU); each creator counts
# once per track (their closest use), and MOMENTUM_HALF creators at distance 0 score 0.5.
MOMENTUM_TAU_DAYS = 14.0
MOMENTUM_HALF = 1.0
MOMENTUM_REACH = 5.0  # uses further than 5 TAU from every reference day weigh < 0.7 %: skipped
# The creator's own posts in this many days before the moment are reference days too.
REFERENCE_WINDOW_DAYS = 90.0
# The creator's own history for collaborative: a use weighs 0.5 + its performance (0-1), halved
# every OWN_HALF_LIFE_DAYS before the moment, so a recent hit counts most.
OWN_HALF_LIFE_DAYS = 90.0
STAT_WINDOWS = (7.0, 28.0)
CROWD_COMPONENTS = ("momentum", "collaborative", "topic")


@dataclass(frozen=True)
class CrowdQuery:
    """Who asks and when: the target creator (their uses never vote), the moment (a day number),
    their recent posting days, the tracks they used, and the words they use."""

    moment: float
    creator: int | None = None
    reference_days: np.ndarray = field(default_factory=lambda: np.empty(0))
    own_tracks: Mapping[int, float] = field(default_factory=dict)  # catalogue row -> weight
    terms: Mapping[str, float] = field(default_factory=dict)  # term -> weight (counts)


@dataclass(frozen=True)
class MomentumFacts:
    """Other creators' uses of one track before the moment, for a reason or a trending row."""

    last_7d: int
    last_28d: int
    prior_28d: int  # in the 28 days before the last 28
    near_posts: int  # within MOMENTUM_REACH TAU of the creator's own recent posts

    @property
    def growth_28d(self) -> float | None:
        """ln((last 28 d + 1) / (prior 28 d + 1)); None when both are 0."""
        if self.last_28d == 0 and self.prior_28d == 0:
            return None
        return math.log((self.last_28d + 1) / (self.prior_28d + 1))


@dataclass(frozen=True)
class Trending:
    """Per catalogue row, how many creators used the track lately (see `Crowd.trending`)."""

    moment: float  # day number the counts are as of
    last_7d: np.ndarray  # int32
    last_28d: np.ndarray
    prior_28d: np.ndarray  # the 28 days before the last 28
    weekly: np.ndarray  # (rows, weeks) int32, oldest week first, the last ends at the moment

    @property
    def growth_28d(self) -> np.ndarray:
        """ln((last 28 d + 1) / (prior 28 d + 1)): positive when the sound is rising."""
        return np.log((self.last_28d + 1.0) / (self.prior_28d + 1.0)).astype(np.float32)


@dataclass(frozen=True)
class CrowdFacts:
    """What the reasons quote about one listed track."""

    momentum: MomentumFacts | None = None
    co_used: tuple[int, int] | None = None  # (own track row, creators who used both)
    topic_term: tuple[str, int] | None = None  # (the creator's word, creators who used both)


@dataclass
class CrowdScores:
    """The crowd components for one request (None: not asked for, or nothing to say), and what
    the reasons quote about a row."""

    momentum: np.ndarray | None = None
    collaborative: np.ndarray | None = None
    topic: np.ndarray | None = None
    crowd: Crowd | None = None
    query: CrowdQuery | None = None
    # True when the arrays come from `Crowd` (float32, 0-1, no NaN): the engine then uses them
    # as they are instead of cleaning a copy.
    clean: bool = False

    def as_components(self) -> dict[str, np.ndarray]:
        parts = {name: getattr(self, name) for name in CROWD_COMPONENTS}
        return {name: v for name, v in parts.items() if v is not None and v.any()}


def _scaled(values: np.ndarray) -> np.ndarray:
    peak = float(values.max()) if values.size else 0.0
    out = values / peak if peak > 0 else np.zeros_like(values)
    return out.astype(np.float32, copy=False)


class Crowd:
    """The sparse structures the crowd components need, built from one `Usage` table."""

    def __init__(self, usage: Usage) -> None:
        self.usage = usage

    # --- Structures ----------------------------------------------------------------------------

    @cached_property
    def _pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(creator, track) of each distinct pair, and each use's pair index."""
        u = self.usage
        key = u.creator.astype(np.int64) * max(u.n_tracks, 1) + u.track
        unique, of_use = np.unique(key, return_inverse=True)
        n = max(u.n_tracks, 1)
        return (unique // n).astype(np.int32), (unique % n).astype(np.int32), of_use

    @cached_property
    def creators_by_track(self) -> sp.csr_matrix:
        """Creators x tracks, 1 where the creator used the track."""
        creator, track, _ = self._pairs
        ones = np.ones(creator.size, dtype=np.float32)
        shape = (self.usage.n_creators, self.usage.n_tracks)
        return sp.csr_matrix((ones, (creator, track)), shape=shape)

    @cached_property
    def _track_transpose(self) -> sp.csr_matrix:
        return self.creators_by_track.T.tocsr()

    @cached_property
    def creators_per_track(self) -> np.ndarray:
        return np.bincount(self._pairs[1], minlength=self.usage.n_tracks).astype(np.float32)

    @cached_property
    def _pair_terms(self) -> sp.csr_matrix:
        """Pairs x terms: 1 where any of the creator's videos with the track carries the term."""
        _, _, of_use = self._pairs
        n_pairs = self._pairs[0].size
        to_pair = sp.csr_matrix(
            (np.ones(of_use.size, dtype=np.float32), (of_use, np.arange(of_use.size))),
            shape=(n_pairs, self.usage.size),
        )
        pair_terms = (to_pair @ self.usage.terms).tocsr()
        pair_terms.data[:] = 1.0
        return pair_terms

    @cached_property
    def term_tracks(self) -> sp.csr_matrix:
        """Terms x tracks: how many creators used the track in videos carrying the term."""
        _, track, _ = self._pairs
        pair_to_track = sp.csr_matrix(
            (np.ones(track.size, dtype=np.float32), (np.arange(track.size), track)),
            shape=(track.size, self.usage.n_tracks),
        )
        return (self._pair_terms.T @ pair_to_track).tocsr()

    @cached_property
    def _term_index(self) -> dict[str, int]:
        return {term: i for i, term in enumerate(self.usage.vocabulary)}

    @cached_property
    def _term_creators(self) -> np.ndarray:
        """How many creators use each term (for its inverse document frequency)."""
        u = self.usage
        by_creator = sp.csr_matrix(
            (np.ones(u.size, dtype=np.float32), (u.creator, np.arange(u.size))),
            shape=(u.n_creators, u.size),
        )
        creator_terms = (by_creator @ u.terms).tocsr()
        creator_terms.data[:] = 1.0
        return np.asarray(creator_terms.sum(axis=0)).ravel()

    # --- Components ----------------------------------------------------------------------------

    def _reference_days(self, query: CrowdQuery) -> np.ndarray:
        days = np.asarray(query.reference_days, dtype=np.float64)
        recent = days[(days <= query.moment) & (days >= query.moment - REFERENCE_WINDOW_DAYS)]
        return np.unique(np.append(recent, query.moment))

    def _window(self, start: float, end: float) -> slice:
        day = self.usage.day
        return slice(
            int(np.searchsorted(day, start, side="left")),
            int(np.searchsorted(day, end, side="right")),
        )

    def momentum(self, query: CrowdQuery) -> np.ndarray:
        """Other creators' uses near the moment or the creator's recent posts, one vote per
        creator and track (their closest use), saturating: c / (c + MOMENTUM_HALF)."""
        u = self.usage
        refs = self._reference_days(query)
        window = self._window(refs[0] - MOMENTUM_REACH * MOMENTUM_TAU_DAYS, query.moment)
        days = u.day[window]
        if days.size == 0:
            return np.zeros(u.n_tracks, dtype=np.float32)
        # The uses are sorted by day, so the uses closest to each reference day form one slice
        # (cut at the midpoints between reference days): one subtraction per use.
        distance = np.empty(days.size, dtype=np.float64)
        ends = [*np.searchsorted(days, (refs[1:] + refs[:-1]) / 2).tolist(), days.size]
        start = 0
        for ref, end in zip(refs.tolist(), ends, strict=True):
            np.subtract(days[start:end], ref, out=distance[start:end])
            start = end
        weight = np.abs(distance, out=distance).astype(np.float32)
        weight *= np.float32(-1.0 / MOMENTUM_TAU_DAYS)
        np.exp(weight, out=weight)
        if query.creator is not None:
            weight[u.creator[window] == query.creator] = 0.0
        creator, track, of_use = self._pairs
        closest = np.zeros(creator.size, dtype=np.float32)
        np.maximum.at(closest, of_use[window], weight)
        near = np.bincount(track, weights=closest, minlength=u.n_tracks)
        return (near / (near + MOMENTUM_HALF)).astype(np.float32)

    def _own_vector(self, query: CrowdQuery) -> np.ndarray:
        own = np.zeros(self.usage.n_tracks, dtype=np.float32)
        for row, weight in query.own_tracks.items():
            if 0 <= row < own.size:
                own[row] = weight
        return own

    def collaborative(self, query: CrowdQuery) -> np.ndarray:
        """Cosine item-to-item co-usage with the creator's own tracks, their own row left out."""
        own = self._own_vector(query)
        if not own.any():
            return np.zeros(self.usage.n_tracks, dtype=np.float32)
        counts = self.creators_per_track
        if query.creator is not None:
            counts = counts - self.creators_by_track[query.creator].toarray().ravel()
        with np.errstate(divide="ignore"):
            inv = np.where(counts > 0, 1.0 / np.sqrt(np.maximum(counts, 1.0)), 0.0)
        inv = inv.astype(np.float32)
        per_creator = self.creators_by_track @ (own * inv)
        if query.creator is not None:
            per_creator[query.creator] = 0.0
        scores = (self._track_transpose @ per_creator) * inv
        scores[own > 0] = 0.0  # already used: never recommended, so never the scale's top
        return _scaled(scores)

    def _query_terms(self, query: CrowdQuery) -> tuple[np.ndarray, np.ndarray]:
        """(term ids, weights): (1 + ln count) x idf over creators, for the terms we know."""
        n_creators = max(self.usage.n_creators, 1)
        ids, weights = [], []
        for term, count in query.terms.items():
            index = self._term_index.get(term)
            if index is None or count <= 0:
                continue
            idf = math.log((n_creators + 1) / (self._term_creators[index] + 1))
            if idf > 0:
                ids.append(index)
                weights.append((1.0 + math.log(count)) * idf)
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)

    def _own_term_tracks(self, query: CrowdQuery, ids: np.ndarray) -> sp.csr_matrix | None:
        """The target creator's share of `term_tracks` for the query's terms (to take out)."""
        if query.creator is None:
            return None
        creator, track, _ = self._pairs
        mine = np.flatnonzero(creator == query.creator)
        if mine.size == 0:
            return None
        pair_terms = self._pair_terms[mine][:, ids]
        to_track = sp.csr_matrix(
            (np.ones(mine.size, dtype=np.float32), (np.arange(mine.size), track[mine])),
            shape=(mine.size, self.usage.n_tracks),
        )
        return (pair_terms.T @ to_track).tocsr()

    def topic(self, query: CrowdQuery) -> np.ndarray:
        """Tracks other creators used in videos described with the query's words: the sum over
        terms of weight x share of the term's (creator, track) uses that went to the track."""
        ids, weights = self._query_terms(query)
        if ids.size == 0:
            return np.zeros(self.usage.n_tracks, dtype=np.float32)
        counts = self.term_tracks[ids]
        own = self._own_term_tracks(query, ids)
        if own is not None:
            counts = counts - own
        totals = np.asarray(counts.sum(axis=1)).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(totals > 0, weights / totals, 0.0).astype(np.float32)
        return _scaled(np.asarray(counts.T @ scale).ravel())

    def creators_within(self, moment: float, days: float, exclude: int | None = None) -> np.ndarray:
        """Per track, the distinct creators (but `exclude`) who used it in the `days` up to the
        moment: the "most popular lately" figure."""
        u = self.usage
        window = self._window(moment - days, moment)
        keep = np.ones(window.stop - window.start, dtype=bool)
        if exclude is not None:
            keep = u.creator[window] != exclude
        pairs = np.unique(self._pairs[2][window][keep])
        return np.bincount(self._pairs[1][pairs], minlength=u.n_tracks).astype(np.float32)

    def trending(self, moment: float, *, weeks: int = 12) -> Trending:
        """Every track's uses across all creators up to `moment`: distinct creators in the last
        7 and 28 days and in the 28 before, and per week for the last `weeks` (for sparklines).
        The trending page sorts these; nothing here depends on who asks."""
        u = self.usage
        window = self._window(moment - 7.0 * weeks, moment)
        creator, track, of_use = self._pairs
        age = moment - u.day[window]
        week = np.minimum((age // 7.0).astype(np.int64), weeks - 1)
        # One vote per creator, track and week (their latest use in it).
        key = of_use[window].astype(np.int64) * weeks + week
        keys = np.unique(key)
        pairs, weeks_ago = keys // weeks, keys % weeks
        per_week = np.zeros((u.n_tracks, weeks), dtype=np.int32)
        np.add.at(per_week, (track[pairs], weeks - 1 - weeks_ago), 1)

        def creators_within(days: float, older_than: float = 0.0) -> np.ndarray:
            chosen = (age <= days) & (age > older_than) if older_than else age <= days
            distinct = np.unique(of_use[window][chosen])
            return np.bincount(track[distinct], minlength=u.n_tracks).astype(np.int32)

        return Trending(
            moment=moment,
            last_7d=creators_within(STAT_WINDOWS[0]),
            last_28d=creators_within(STAT_WINDOWS[1]),
            prior_28d=creators_within(2 * STAT_WINDOWS[1], STAT_WINDOWS[1]),
            weekly=per_week,
        )

    # --- What reasons quote --------------------------------------------------------------------

    def facts(
        self, query: CrowdQuery, wanted: Mapping[str, Sequence[int]]
    ) -> dict[int, CrowdFacts]:
        """What the reasons of listed rows quote: `wanted` names, per crowd component, the rows
        whose reasons may cite it. One pass per component (a list has 10-100 rows; the
        catalogue 100,000)."""
        momentum = self._momentum_facts(query, list(wanted.get("momentum", ())))
        co_used = self._co_used(query, list(wanted.get("collaborative", ())))
        terms = self._top_terms(query, list(wanted.get("topic", ())))
        rows = {int(r) for listed in wanted.values() for r in listed}
        return {
            row: CrowdFacts(momentum.get(row), co_used.get(row), terms.get(row)) for row in rows
        }

    def _momentum_facts(self, query: CrowdQuery, rows: list[int]) -> dict[int, MomentumFacts]:
        if not rows:
            return {}
        u = self.usage
        window = self._window(query.moment - 2 * STAT_WINDOWS[1], query.moment)
        listed = np.unique(np.asarray(rows, dtype=np.int64))
        mask = np.isin(u.track[window], listed)
        if query.creator is not None:
            mask &= u.creator[window] != query.creator
        days = u.day[window][mask]
        pairs = self._pairs[2][window][mask]  # each use's (creator, track) pair
        age = query.moment - days
        refs = self._reference_days(query)[:-1]
        near = np.zeros(days.size, dtype=bool)
        if refs.size and days.size:
            pos = np.clip(np.searchsorted(refs, days), 1, max(refs.size - 1, 1))
            gap = np.abs(days - refs[np.minimum(pos, refs.size - 1)])
            if refs.size > 1:
                np.minimum(gap, np.abs(days - refs[pos - 1]), out=gap)
            near = gap <= MOMENTUM_TAU_DAYS
        pair_track = self._pairs[1]

        def distinct(selected: np.ndarray) -> np.ndarray:
            """Per listed track, the distinct creators among the selected uses: each (creator,
            track) pair is marked once, cheaper than sorting the uses of popular tracks."""
            marked = np.zeros(pair_track.size, dtype=bool)
            marked[pairs[selected]] = True
            tracks = pair_track[np.flatnonzero(marked)]
            return np.bincount(np.searchsorted(listed, tracks), minlength=listed.size)

        last_7d = distinct(age <= STAT_WINDOWS[0])
        last_28d = distinct(age <= STAT_WINDOWS[1])
        prior = distinct(age > STAT_WINDOWS[1])
        near_posts = distinct(near)
        return {
            int(row): MomentumFacts(
                last_7d=int(last_7d[i]),
                last_28d=int(last_28d[i]),
                prior_28d=int(prior[i]),
                near_posts=int(near_posts[i]),
            )
            for i, row in enumerate(listed.tolist())
        }

    def _co_used(self, query: CrowdQuery, rows: list[int]) -> dict[int, tuple[int, int]]:
        """Per listed row, (own track row, creators who used both) for the own track sharing
        most creators with it; rows sharing none are left out."""
        own = np.array(sorted(query.own_tracks), dtype=np.int64)
        if own.size == 0 or not rows:
            return {}
        by_track = self._track_transpose
        shared = (by_track[rows] @ by_track[own].T).toarray()
        if query.creator is not None:  # the creator asking never counts as a shared creator
            theirs = self.creators_by_track[query.creator].toarray().ravel()
            shared -= theirs[rows][:, None] * theirs[own][None, :]
        best = shared.argmax(axis=1)
        return {
            row: (int(own[best[i]]), int(shared[i, best[i]]))
            for i, row in enumerate(rows)
            if shared[i, best[i]] > 0
        }

    def _top_terms(self, query: CrowdQuery, rows: list[int]) -> dict[int, tuple[str, int]]:
        """Per listed row, (query term, other creators who used the track with it) for the term
        that gives the row most of its topic score; rows with none are left out."""
        ids, weights = self._query_terms(query)
        if ids.size == 0 or not rows:
            return {}
        counts = self.term_tracks[ids][:, rows].toarray()
        own = self._own_term_tracks(query, ids)
        if own is not None:
            counts -= own[:, rows].toarray()
        best = (counts * weights[:, None]).argmax(axis=0)
        return {
            row: (self.usage.vocabulary[int(ids[best[i]])], int(counts[best[i], i]))
            for i, row in enumerate(rows)
            if counts[best[i], i] > 0
        }


def with_video_terms(creator_terms: Mapping[str, float], video: Sequence[str]) -> dict[str, float]:
    """The creator's words plus one video's: the video's own words weigh as much as all of the
    creator's together, since they say what this post is about."""
    terms = dict(creator_terms)
    share = max(sum(terms.values()), 1.0) / max(len(video), 1)
    for term in video:
        terms[term] = terms.get(term, 0.0) + share
    return terms


def creator_query(
    usage: Usage,
    *,
    author_id: int | None,
    moment: float,
    post_days: Sequence[float] = (),
    terms: Mapping[str, float] | None = None,
    hidden_videos: Sequence[int] = (),
) -> CrowdQuery:
    """The crowd query for a creator as of `moment`: their catalogue tracks (from their uses
    before it, `hidden_videos` left out) weighted by performance and recency, their posting days
    and their words. `usage` may hold more than what was known then: only uses before the moment
    count here (the evaluation cuts the table before it; a live request's moment is the newest
    post, which counts)."""
    row = usage.creator_row(author_id)
    own: dict[int, float] = {}
    if row is not None:
        mine = usage.of_creator(row).without_videos(hidden_videos)
        mine = mine.select(mine.day <= moment)
        age = np.maximum(moment - mine.day, 0.0)
        weights = (0.5 + mine.performance) * np.power(0.5, age / OWN_HALF_LIFE_DAYS)
        for track, weight in zip(mine.track.tolist(), weights.tolist(), strict=True):
            own[track] = max(own.get(track, 0.0), float(weight))
    days = np.asarray(post_days, dtype=np.float64)
    return CrowdQuery(
        moment=moment,
        creator=row,
        reference_days=days[days <= moment],
        own_tracks=own,
        terms=dict(terms or {}),
    )


def crowd_scores(
    crowd: Crowd | None, query: CrowdQuery | None, wanted: Sequence[str]
) -> CrowdScores:
    """The crowd components named in `wanted` (those with a weight above 0), for `query`."""
    scores = CrowdScores(crowd=crowd, query=query, clean=True)
    if crowd is None or query is None or crowd.usage.size == 0:
        return scores
    if "momentum" in wanted:
        scores.momentum = crowd.momentum(query)
    if "collaborative" in wanted:
        scores.collaborative = crowd.collaborative(query)
    if "topic" in wanted:
        scores.topic = crowd.topic(query)
    return scores
