"""The recommendation engine: score the whole catalogue for a request, diversify, explain.

Pure domain logic over `CatalogueArrays` (numpy, no ORM). A request names a target (a creator's
profile or one video), an optional brief that overrides parts of it, weights, filters and the
marketer's feedback. Every eligible track gets component scores in 0-1; a weighted mean ranks
them; a maximal-marginal-relevance pass keeps one artist or one genre from filling the list.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from musicrec.core.descriptors import GENRE_KEYS, MOOD_CENTRES
from musicrec.core.threads import single_threaded_blas

from . import components as comp
from .catalogue import ACOUSTIC_MOODS, CatalogueArrays
from .crowd import CROWD_COMPONENTS, CrowdFacts, CrowdScores
from .reasons import MAX_REASONS, TrackFacts, build_reasons, citable
from .targets import Brief, Context, Filters, Target, resolve_context
from .weights import COMPONENTS, DEFAULT_WEIGHTS, Weights, validate_weights

__all__ = [
    "DEFAULT_WEIGHTS",
    "Brief",
    "CrowdScores",
    "Filters",
    "Request",
    "Result",
    "ResultItem",
    "Scores",
    "Target",
    "Weights",
    "ranked_ids",
    "recommend",
    "reweigh",
    "score_catalogue",
    "top_rows",
    "validate_weights",
]

MAX_LIMIT = 100
# A track matches a genre or mood filter when that label is its top one or has this much weight.
FILTER_MIN_SHARE = 0.3
# Consistency adjusts the content weights: a creator who always posts at ~120 BPM gets tempo
# weighted fully (x1.0), one all over the place half as much (x0.5).
CONTENT_COMPONENTS = ("tempo", "mood", "genre", "energy")
# Diversity: at most 2 tracks of one artist and 70% of one genre in each block of 10 ranks.
BLOCK = 10
ARTIST_CAP = 2
GENRE_CAP_SHARE = 0.7
DEFAULT_DIVERSITY = 0.15  # MMR trade-off: 0 = pure relevance order (caps still apply)
POOL_MIN = 200  # MMR re-ranks the best POOL_MIN (or 10 x limit) tracks, not the whole catalogue
# The pruned pass (`score_catalogue(..., top=k)`): the exact totals of about PRUNE_PROBE x k rows
# with the best other components, found from every PRUNE_STRIDE-th row, set the bar the rest
# must be able to reach.
PRUNE_PROBE = 4
PRUNE_STRIDE = 16
# Added to the similarity's reach so that float32 rounding (about 1e-7 on totals in 0-1) can
# never prune a row that belongs in the top.
PRUNE_SLACK = 1e-5


@dataclass
class Request:
    """One recommendation request, as plain data."""

    target: Target | None = None
    brief: Brief | None = None
    weights: Weights = field(default_factory=Weights)
    limit: int = 20
    exclude_ids: frozenset[int] | set[int] = frozenset()  # tracks the creator already used
    rejected_ids: frozenset[int] | set[int] = frozenset()
    kept_ids: frozenset[int] | set[int] = frozenset()
    # The creator's own history: track id -> engagement lift of the best video it was used in
    # (`profile_targets.best_used_tracks`), for tracks of better-than-usual videos only.
    history: Mapping[int, float] = field(default_factory=dict)
    filters: Filters = field(default_factory=Filters)
    include_used: bool = False
    diversity: float = DEFAULT_DIVERSITY

    def __post_init__(self) -> None:
        if isinstance(self.weights, dict):
            self.weights = validate_weights(self.weights)
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {self.limit!r}")
        if not 0 <= self.diversity <= 1:
            raise ValueError(f"diversity must be in 0..1, got {self.diversity!r}")


@dataclass
class ResultItem:
    rank: int
    music_id: int
    title: str
    artist: str
    score: float
    components: dict[str, float]
    reasons: list[str]


@dataclass
class Result:
    items: list[ResultItem]
    notices: list[str]
    weights: dict[str, float]  # the validated weights, normalised to sum 1
    effective_weights: dict[str, float]  # those of the components that applied, renormalised
    candidates: int  # tracks left after exclusions and filters


@dataclass(frozen=True)
class HistoryAnchors:
    """The own-history tracks found in the catalogue, as rows with their lifts and weights."""

    rows: np.ndarray
    lifts: np.ndarray  # engagement of the best video each was used in, over the creator's median
    weights: np.ndarray  # lifts scaled so the best is 1

    @classmethod
    def of(cls, arrays: CatalogueArrays, history: Mapping[int, float]) -> HistoryAnchors:
        positive = sorted((music_id, float(lift)) for music_id, lift in history.items() if lift > 0)
        rows = arrays.row_index(np.array([m for m, _ in positive], dtype=np.int64))
        found = rows >= 0
        rows = rows[found]
        lifts = np.array([lift for _, lift in positive], dtype=np.float64)[found]
        weights = lifts / lifts.max() if lifts.size else lifts
        return cls(rows=rows, lifts=lifts, weights=weights.astype(np.float32))


@dataclass
class Scores:
    """Every row's component scores and weighted total, before diversification."""

    total: np.ndarray  # float32, weighted mean of the active components
    components: dict[str, np.ndarray]
    effective_weights: dict[str, float]
    eligible: np.ndarray  # bool: not excluded, rejected or filtered out
    context: Context
    kept_rows: np.ndarray
    history: HistoryAnchors
    notices: list[str]
    crowd: CrowdScores | None = None
    # A pass pruned to its best `top` rows computes the similarity components only on
    # `exact_rows` (eligible rows, the only ones whose total is exact): elsewhere they are 0 and
    # the total a lower bound. None: every row is exact.
    exact_rows: np.ndarray | None = None
    top: int | None = None


def _eligible(arrays: CatalogueArrays, request: Request, notices: list[str]) -> np.ndarray:
    eligible = np.ones(arrays.size, dtype=bool)
    if not request.include_used:
        eligible[arrays.rows_for(request.exclude_ids)] = False
    eligible[arrays.rows_for(request.rejected_ids)] = False
    f = request.filters
    if f.genres:
        cols = [GENRE_KEYS.index(g) for g in f.genres]
        share = arrays.genres[:, cols].max(axis=1) >= FILTER_MIN_SHARE
        eligible &= share | np.isin(arrays.top_genre, cols)
    moods = [m for m in f.moods if m in MOOD_CENTRES]
    if f.moods and len(moods) < len(f.moods):
        notices.append("A funny mood cannot be heard in the audio, so the mood filter skips it.")
    if moods:
        cols = [ACOUSTIC_MOODS.index(m) for m in moods]
        share = arrays.moods[:, cols].max(axis=1) >= FILTER_MIN_SHARE
        eligible &= share | np.isin(arrays.top_mood, cols)
    with np.errstate(invalid="ignore"):
        if f.tempo_min is not None:
            eligible &= arrays.tempo >= np.float32(f.tempo_min)
        if f.tempo_max is not None:
            eligible &= arrays.tempo <= np.float32(f.tempo_max)
    if f.commercial_only:
        eligible &= arrays.commercial_ok == 1
    return eligible


FALLBACK_NOTICE = (
    "None of the weighted components applies to this request, so tracks are ranked "
    "by popularity and trend with the default weights."
)


def _effective_weights(
    present: Collection[str], weights: Weights, ctx: Context
) -> tuple[dict[str, float], bool]:
    """(the weights of the components present, after the multipliers, summing to 1, in
    COMPONENTS order; fell back to popularity and trend)."""
    raw = weights.as_dict()
    active = {
        name: raw[name] * ctx.multipliers.get(name, 1.0)
        for name in COMPONENTS
        if name in present and raw[name] > 0
    }
    fallback = sum(active.values()) <= 0
    if fallback:
        active = {n: DEFAULT_WEIGHTS[n] for n in ("popularity", "trend")}
    total_weight = sum(active.values())
    return {name: w / total_weight for name, w in active.items()}, fallback


def _add_terms(
    total: np.ndarray, parts: Mapping[str, np.ndarray], effective: Mapping[str, float]
) -> np.ndarray:
    """total += weight x part for every part named in `effective`, in its order, in place."""
    scaled = np.empty(total.size, dtype=np.float32)  # one buffer for every term: no temporaries
    for name, weight in effective.items():
        if name in parts:
            np.multiply(parts[name], np.float32(weight), out=scaled)
            total += scaled
    return total


def _rounded(effective: Mapping[str, float]) -> dict[str, float]:
    return {name: round(weight, 4) for name, weight in effective.items()}


def reweigh(scores: Scores, weights: Weights) -> Scores:
    """The same component scores totalled with other weights: the components do not depend on
    the weights, so a weight search scores each case once and only re-adds."""
    if scores.exact_rows is not None:
        raise ValueError("a pass pruned to its top rows cannot be reweighed; score without top")
    effective, fallback = _effective_weights(scores.components, weights, scores.context)
    total = _add_terms(np.zeros(scores.total.size, dtype=np.float32), scores.components, effective)
    notices = [n for n in scores.notices if n != FALLBACK_NOTICE]
    return replace(
        scores,
        total=total,
        effective_weights=_rounded(effective),
        notices=[FALLBACK_NOTICE, *notices] if fallback else notices,
    )


def score_catalogue(
    arrays: CatalogueArrays,
    request: Request,
    *,
    crowd: CrowdScores | None = None,
    top: int | None = None,
) -> Scores:
    """Component scores and the weighted total for every catalogue row.

    `crowd` carries the momentum, collaborative and topic scores computed from other creators'
    uses (`crowd.crowd_scores`). Components without a signal for this request (no target tempo,
    no crowd data, no kept tracks...) are left out and the remaining weights renormalised, so
    totals stay in 0-1 and comparable across requests.

    With `top`, only the best `top` eligible rows need to be right: the similarity components,
    the costliest, are computed only on the rows that can still reach them (`Scores.exact_rows`),
    and `top_rows(scores, top)` returns what the full pass would, with the same totals to float32
    rounding (the products over fewer rows may round the last bit otherwise).
    """
    if top is not None and top < 1:
        raise ValueError(f"top must be at least 1, got {top!r}")
    with single_threaded_blas():
        return _score_catalogue(arrays, request, crowd, top)


def _score_catalogue(
    arrays: CatalogueArrays, request: Request, crowd: CrowdScores | None, top: int | None = None
) -> Scores:
    notices: list[str] = []
    ctx = resolve_context(request.target, request.brief, request.filters)
    # A component without weight is not computed: it could not change the ranking, and the
    # similarity and Gaussian ones are most of the cost of a pass over 100,000 tracks.
    weighed = {name for name, w in request.weights.as_dict().items() if w > 0}
    parts: dict[str, np.ndarray] = {}
    if "tempo" in weighed and ctx.tempo_range is not None:
        parts["tempo"] = comp.tempo_component(arrays, ctx.tempo_range)
    if "mood" in weighed and ctx.mood_point is not None:
        parts["mood"] = comp.mood_component(arrays, ctx.mood_point)
    if "genre" in weighed and ctx.genre_vector is not None:
        parts["genre"] = comp.genre_component(arrays, ctx.genre_vector)
    if "energy" in weighed and (
        ctx.energy_target is not None or ctx.danceability_target is not None
    ):
        parts["energy"] = comp.energy_component(arrays, ctx.energy_target, ctx.danceability_target)
    parts["popularity"] = comp.popularity_component(arrays)  # per catalogue, computed once
    parts["trend"] = comp.trend_component(arrays)
    for name, values in (crowd.as_components() if crowd is not None else {}).items():
        if values.shape != (arrays.size,):
            raise ValueError(f"{name} scores must have shape ({arrays.size},)")
        if name in weighed and crowd.clean:
            parts[name] = values
        elif name in weighed:
            # Clipped into 0-1 with NaN as 0 (fmax skips NaN) in two passes.
            clean = np.fmax(values, np.float32(0.0), dtype=np.float32)
            parts[name] = np.fmin(clean, np.float32(1.0), out=clean)
    if "tier_fit" in weighed and ctx.tier_lean is not None:
        parts["tier_fit"] = comp.tier_fit_component(
            parts["popularity"], parts["trend"], ctx.tier_lean
        )
    kept_rows = arrays.rows_for(request.kept_ids)
    history = HistoryAnchors.of(arrays, request.history)
    anchored = [
        (name, rows, weights)
        for name, rows, weights in (
            ("kept_similarity", kept_rows, None),
            ("history", history.rows, history.weights),
        )
        if name in weighed and rows.size
    ]
    filter_notices: list[str] = []
    eligible = _eligible(arrays, request, filter_notices)
    effective, fallback = _effective_weights(
        [*parts, *(name for name, _, _ in anchored)], request.weights, ctx
    )
    # The similarity components come last in COMPONENTS, so adding them after the others sums
    # every row's terms in the same order whether the pass is pruned or not.
    total = _add_terms(np.zeros(arrays.size, dtype=np.float32), parts, effective)
    anchored = [(name, rows, weights) for name, rows, weights in anchored if name in effective]
    exact_rows = None
    if anchored:
        similar = _Similarity(arrays, anchored, effective, total)
        if top is not None:
            rows = _reachable_rows(total, eligible, similar, top)
            values = similar.values(rows)
            totals = similar.totals(rows, values)
            # Which rows tied at the cut the full pass keeps depends on the whole array
            # (`top_rows`), so a tie there is scored whole, as the full pass would be.
            if not _tied_at_cut(totals, top):
                exact_rows, total[rows] = rows, totals
                parts.update(similar.spread(rows, values))
        if exact_rows is None:
            parts.update(zip(similar.names, similar.values(), strict=True))
            _add_terms(total, parts, {name: effective[name] for name in similar.names})
    if fallback:
        notices.append(FALLBACK_NOTICE)
    if ctx.cold_start:
        crowd_used = any(name in effective for name in CROWD_COMPONENTS)
        basis = "what other creators use, " if crowd_used else ""
        basis = ("your brief, " if ctx.brief_used else "") + basis + "popularity and trends"
        notices.append(
            "No content analysis for this creator yet, so these picks are based on "
            f"{basis}. Analyse their videos for personal matches."
        )
    if request.brief and "funny" in request.brief.moods:
        notices.append("A funny mood cannot be heard in the audio, so the brief's mood skips it.")
    notices.extend(filter_notices)
    return Scores(
        total=total,
        components=parts,
        effective_weights=_rounded(effective),
        eligible=eligible,
        context=ctx,
        kept_rows=kept_rows,
        history=history,
        notices=notices,
        crowd=crowd,
        exact_rows=exact_rows,
        top=None if exact_rows is None else top,
    )


class _Similarity:
    """The similarity components of one request, computed for any rows asked."""

    def __init__(
        self,
        arrays: CatalogueArrays,
        anchored: list[tuple[str, np.ndarray, np.ndarray | None]],
        effective: Mapping[str, float],
        linear: np.ndarray,
    ) -> None:
        self.arrays = arrays
        self.names = [name for name, _, _ in anchored]
        self.anchor_sets = [(rows, weights) for _, rows, weights in anchored]
        self.weights = [np.float32(effective[name]) for name in self.names]
        self.linear = linear
        # Each component is clipped into 0..1, so it adds at most its weight to a total.
        self.reach = float(sum(effective[name] for name in self.names)) + PRUNE_SLACK

    def values(self, rows: np.ndarray | None = None) -> list[np.ndarray]:
        """Each component on `rows` (every row when None)."""
        return comp.similarity_components(self.arrays, self.anchor_sets, rows)

    def spread(self, rows: np.ndarray, values: list[np.ndarray]) -> dict[str, np.ndarray]:
        """The components of `rows` as catalogue-long columns, 0 elsewhere."""
        full = np.zeros((len(values), self.arrays.size), dtype=np.float32)
        full[:, rows] = values
        return dict(zip(self.names, full, strict=True))

    def totals(self, rows: np.ndarray, values: list[np.ndarray]) -> np.ndarray:
        """The exact totals of `rows`, summed in the order the full pass sums them."""
        total = self.linear[rows]
        scaled = np.empty(rows.size, dtype=np.float32)
        for weight, value in zip(self.weights, values, strict=True):
            np.multiply(value, weight, out=scaled)
            total += scaled
        return total


def _tied_at_cut(totals: np.ndarray, top: int) -> bool:
    """Whether rows equal to the top-th best total are left out: the top is then not unique."""
    if totals.size <= top:
        return False
    cut = np.partition(totals, totals.size - top)[totals.size - top]
    return int(np.count_nonzero(totals >= cut)) > top


def _reachable_rows(
    linear: np.ndarray, eligible: np.ndarray, similar: _Similarity, top: int
) -> np.ndarray:
    """The eligible rows whose total can still be among the best `top`, in row order.

    A row's total is its linear part (every other component) plus at most `similar.reach`, and at
    least the linear part (the similarities are never negative). Any `top` eligible rows scored
    exactly give a bar the top-th best total reaches for sure; a row whose linear part plus the
    reach stays below the bar cannot make the top, so it is pruned. The probe, about
    PRUNE_PROBE x top rows with the best linear parts, is found from every PRUNE_STRIDE-th row (a
    full selection would cost more than the pruning saves); it only has to hold `top` eligible
    rows for the bar to be sound, and the better its rows, the fewer rows are left.
    """
    if np.count_nonzero(eligible) <= PRUNE_PROBE * top:
        return np.flatnonzero(eligible)
    sample = linear[::PRUNE_STRIDE]
    rank = PRUNE_PROBE * top // PRUNE_STRIDE
    probe = np.empty(0, dtype=np.int64)
    while probe.size < top:  # too few eligible rows above the cut: lower it
        if rank >= sample.size:
            probe = np.flatnonzero(eligible)
            break
        cut = np.partition(sample, sample.size - 1 - rank)[sample.size - 1 - rank]
        probe = np.flatnonzero(linear >= cut)
        probe = probe[eligible[probe]]
        rank = 2 * rank + 1
    totals = similar.totals(probe, similar.values(probe))
    bar = np.partition(totals, probe.size - top)[probe.size - top]
    return np.flatnonzero((linear >= np.float32(bar - similar.reach)) & eligible)


def top_rows(scores: Scores, k: int) -> np.ndarray:
    """The k best eligible rows by total score (ties by row), without diversification."""
    if scores.exact_rows is None:
        rows = np.flatnonzero(scores.eligible)
    elif k == scores.top:
        rows = scores.exact_rows
    else:
        # Fewer would do but for ties at their cut, which the full pass breaks by the whole array.
        raise ValueError(f"this pass was pruned to its top {scores.top} rows, {k} were asked")
    if rows.size > k:
        rows = rows[np.argpartition(-scores.total[rows], k - 1)[:k]]
    return rows[np.lexsort((rows, -scores.total[rows]))]


def pool_size(limit: int) -> int:
    """How many of the best rows the diversity step re-ranks for a list of `limit`."""
    return max(POOL_MIN, 10 * limit)


def _select_diverse(
    arrays: CatalogueArrays, scores: Scores, limit: int, diversity: float
) -> tuple[np.ndarray, list[str]]:
    """Greedy MMR under per-block artist and genre caps; caps relax only when nothing fits."""
    notices: list[str] = []
    pool = top_rows(scores, pool_size(limit))
    if pool.size == 0:
        return pool, notices
    relevance = scores.total[pool].astype(np.float64)
    feats = arrays.features[pool]
    sims = np.clip(feats @ feats.T, 0.0, None).astype(np.float64)
    _, artist_of = np.unique(arrays.artist_idx[pool], return_inverse=True)
    genre_keys = arrays.top_genre[pool]
    _, genre_of = np.unique(genre_keys, return_inverse=True)
    has_genre = genre_keys >= 0
    taken = np.zeros(pool.size, dtype=bool)
    max_sim = np.zeros(pool.size, dtype=np.float64)
    artist_count = np.zeros(int(artist_of.max()) + 1, dtype=np.int32)
    genre_count = np.zeros(int(genre_of.max()) + 1, dtype=np.int32)
    chosen: list[int] = []
    relaxed_artist = relaxed_genre = False
    for position in range(min(limit, pool.size)):
        if position % BLOCK == 0:
            artist_count[:] = 0
            genre_count[:] = 0
        block_len = min(BLOCK, limit - (position // BLOCK) * BLOCK)
        genre_cap = max(1, math.ceil(GENRE_CAP_SHARE * block_len))
        free = ~taken
        artist_ok = artist_count[artist_of] < ARTIST_CAP
        genre_ok = ~has_genre | (genre_count[genre_of] < genre_cap) | scores.context.single_genre
        # Relax the genre cap, then the artist cap, only when nothing free passes them.
        options = (free & artist_ok & genre_ok, free & artist_ok, free)
        level = next(i for i, option in enumerate(options) if option.any())
        allowed = options[level]
        relaxed_genre = relaxed_genre or level == 1
        relaxed_artist = relaxed_artist or level == 2
        value = (1.0 - diversity) * relevance - diversity * max_sim
        value[~allowed] = -np.inf
        pick = int(np.argmax(value))
        chosen.append(pick)
        taken[pick] = True
        np.maximum(max_sim, sims[pick], out=max_sim)
        artist_count[artist_of[pick]] += 1
        if has_genre[pick]:
            genre_count[genre_of[pick]] += 1
    if relaxed_artist:
        notices.append(
            f"Too few different artists among the matches: one artist has more than "
            f"{ARTIST_CAP} tracks in a block of {BLOCK}."
        )
    elif relaxed_genre:
        notices.append("Too few genres among the matches to vary the list further.")
    return pool[np.array(chosen, dtype=np.int64)], notices


def _facts(
    arrays: CatalogueArrays, scores: Scores, row: int, crowd_facts: CrowdFacts | None
) -> TrackFacts:
    def known(column: np.ndarray) -> float | None:
        value = float(column[row])
        return None if math.isnan(value) else value

    genres = {GENRE_KEYS[i]: float(w) for i, w in enumerate(arrays.genres[row]) if w > 0}
    top_mood = int(arrays.top_mood[row])
    # "Close to" / "Similar to" are quoted only when both tracks have something to compare:
    # two tracks without audio features or a genre score 1 (`CatalogueArrays.described`).
    described = arrays.described()
    kept_like = None
    if scores.kept_rows.size and described[row]:
        closest = comp.closest_anchor(arrays, scores.kept_rows, None, row)
        if described[scores.kept_rows[closest]]:
            kept_like = arrays.titles[int(scores.kept_rows[closest])]
    history_like = None
    anchors = scores.history
    if anchors.rows.size and described[row]:
        closest = comp.closest_anchor(arrays, anchors.rows, anchors.weights, row)
        lift = float(anchors.lifts[closest])
        if described[anchors.rows[closest]]:
            history_like = (
                arrays.titles[int(anchors.rows[closest])],
                lift,
                lift >= float(anchors.lifts.max()),
            )
    # Cite the early-trend signal only when it is what drives the trend score and the track is
    # truly rare on TikTok (below the median usage).
    early = False
    if arrays.early_trend[row]:
        rarity = 1.0 - (known(arrays.usage_pct) or 0.0)
        early = rarity > 0.5 and rarity >= float(scores.components["trend"][row]) - 1e-6
    crowd = crowd_facts or CrowdFacts()
    co_used = None
    if crowd.co_used is not None:
        co_used = (arrays.titles[crowd.co_used[0]], crowd.co_used[1])
    return TrackFacts(
        title=arrays.titles[row],
        artist=arrays.artists[row],
        tempo_bpm=known(arrays.tempo),
        energy=known(arrays.energy),
        valence=known(arrays.valence),
        arousal=known(arrays.arousal),
        danceability=known(arrays.danceability),
        genres=genres,
        top_mood=ACOUSTIC_MOODS[top_mood] if top_mood >= 0 else None,
        spotify_popularity=known(arrays.spotify_popularity),
        tiktok_usage=known(arrays.tiktok_usage),
        usage_pct=known(arrays.usage_pct),
        growth_7d=known(arrays.growth_7d),
        growth_28d=known(arrays.growth_28d),
        early_pick=early,
        kept_like=kept_like,
        history_like=history_like,
        momentum=crowd.momentum,
        co_used=co_used,
        topic_term=crowd.topic_term,
    )


def _crowd_facts(
    scores: Scores, components_of: Mapping[int, Mapping[str, float]]
) -> dict[int, CrowdFacts]:
    """The crowd numbers the listed rows' reasons may quote, computed only for the crowd
    components among each row's few strongest citable ones (a reason cites at most three)."""
    crowd = scores.crowd
    if crowd is None or crowd.crowd is None or crowd.query is None:
        return {}
    wanted: dict[str, list[int]] = {}
    for row, components in components_of.items():
        for name in citable(components, scores.effective_weights)[: MAX_REASONS + 1]:
            if name in CROWD_COMPONENTS:
                wanted.setdefault(name, []).append(row)
    return crowd.crowd.facts(crowd.query, wanted) if wanted else {}


def ranked_ids(
    arrays: CatalogueArrays, scores: Scores, limit: int, diversity: float = DEFAULT_DIVERSITY
) -> list[int]:
    """The music ids `recommend` lists for these scores, in order, without building reasons
    (what an offline evaluation needs, thousands of times)."""
    with single_threaded_blas():
        rows, _ = _select_diverse(arrays, scores, limit, diversity)
    return arrays.music_ids[rows].tolist()


def recommend(
    arrays: CatalogueArrays, request: Request, *, crowd: CrowdScores | None = None
) -> Result:
    """Rank the catalogue for `request`; each item carries its components and reasons."""
    with single_threaded_blas():
        scores = _score_catalogue(arrays, request, crowd, pool_size(request.limit))
        rows, diversity_notices = _select_diverse(arrays, scores, request.limit, request.diversity)
    candidates = int(scores.eligible.sum())
    notices = list(scores.notices)
    notices.extend(diversity_notices)
    if candidates == 0:
        notices.append("No track passes the exclusions and filters of this request.")
    elif candidates < request.limit:
        notices.append(f"Only {candidates} tracks pass the exclusions and filters.")
    components_of = {
        row: {name: round(float(v[row]), 4) for name, v in scores.components.items()}
        for row in rows.tolist()
    }
    crowd_facts = _crowd_facts(scores, components_of)
    items = []
    for rank, row in enumerate(rows.tolist(), start=1):
        components = components_of[row]
        items.append(
            ResultItem(
                rank=rank,
                music_id=int(arrays.music_ids[row]),
                title=arrays.titles[row],
                artist=arrays.artists[row],
                score=round(float(scores.total[row]), 4),
                components=components,
                reasons=build_reasons(
                    _facts(arrays, scores, row, crowd_facts.get(row)),
                    components,
                    scores.effective_weights,
                    scores.context,
                ),
            )
        )
    return Result(
        items=items,
        notices=notices,
        weights=request.weights.normalised(),
        effective_weights=scores.effective_weights,
        candidates=candidates,
    )
