"""Plain-language reasons for one recommended track, built from its component scores.

A marketer decides from these lines, so each one quotes the track's own numbers next to what it
was matched against, and only components that actually fit (score above a floor) are cited.
docs/engine.md explains every number that appears here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from musicrec.core.descriptors import GENRE_KEYS, MOODS, genre_label

from .components import TEMPO_TOLERANCE, tempo_octaves
from .crowd import MomentumFacts
from .targets import Context

# A component is only cited when it scores at least this much: a reason must be a real fit.
REASON_MIN: dict[str, float] = {
    "tempo": 0.5,
    "mood": 0.5,
    "genre": 0.5,
    "energy": 0.5,
    "popularity": 0.6,
    "trend": 0.3,
    "collaborative": 0.3,
    "momentum": 0.3,
    "topic": 0.3,
    "tier_fit": 0.5,
    "kept_similarity": 0.5,
    "history": 0.5,
}
MIN_REASONS = 2
MAX_REASONS = 3


@dataclass(frozen=True)
class TrackFacts:
    """What a reason may quote about one track (None = unknown)."""

    title: str
    artist: str
    tempo_bpm: float | None = None
    energy: float | None = None
    valence: float | None = None
    arousal: float | None = None
    danceability: float | None = None
    genres: Mapping[str, float] = field(default_factory=dict)
    top_mood: str | None = None
    spotify_popularity: float | None = None
    tiktok_usage: float | None = None
    usage_pct: float | None = None
    growth_7d: float | None = None
    growth_28d: float | None = None
    early_pick: bool = False  # the early-trend signal, not usage growth, drives its trend score
    kept_like: str | None = None  # title of the most similar track the marketer kept
    # The own-history track it is closest to: (title, engagement lift of the best video it was
    # used in, whether that is the creator's best-performing one).
    history_like: tuple[str, float, bool] | None = None
    momentum: MomentumFacts | None = None  # other creators' recent uses
    co_used: tuple[str, int] | None = None  # (own track it was co-used with, creators who did)
    topic_term: tuple[str, int] | None = None  # (the creator's word, creators who used both)


def format_count(count: float) -> str:
    """Counts as marketers read them on TikTok: 950, 12K, 1.2M."""
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M".replace(".0M", "M")
    if count >= 10_000:
        return f"{count / 1_000:.0f}K"
    if count >= 1_000:
        return f"{count / 1_000:.1f}K".replace(".0K", "K")
    return f"{count:.0f}"


def growth_percent(log_ratio: float) -> int:
    """A log usage ratio as the percentage change a marketer expects ("up 340%")."""
    return round((math.exp(log_ratio) - 1.0) * 100)


def top_share(percentile: float) -> int:
    """The "top N%" a percentile puts a track in, never shown as "top 0%"."""
    return max(1, math.ceil((1.0 - percentile) * 100))


def _bpm(value: float) -> str:
    return f"{value:.0f}"


def _as_asked(source: str) -> str:
    return "as your brief asks" if source == "your brief" else f"like {source}"


def _tempo(f: TrackFacts, ctx: Context, score: float) -> str | None:
    if f.tempo_bpm is None or ctx.tempo_range is None:
        return None
    low, high = ctx.tempo_range
    best_factor, best = 1.0, -1.0
    for factor, penalty in tempo_octaves(ctx.tempo_range):
        lo, hi = math.log2(low * factor) if low > 0 else -math.inf, math.log2(high * factor)
        t = math.log2(f.tempo_bpm)
        distance = max(lo - t, t - hi, 0.0)
        if (value := penalty * math.exp(-((distance / TEMPO_TOLERANCE) ** 2) / 2)) > best:
            best_factor, best = factor, value
    bpm = _bpm(f.tempo_bpm)
    inside = low <= f.tempo_bpm <= high
    if low == high:
        what, relation = f"the {_bpm(low)} BPM of {ctx.tempo_source}", "close to"
    elif low <= 0:
        what = f"the {_bpm(high)} BPM maximum of {ctx.tempo_source}"
        relation = "under" if inside else "close to"
    elif math.isinf(high):
        what = f"the {_bpm(low)} BPM minimum of {ctx.tempo_source}"
        relation = "above" if inside else "close to"
    else:
        what = f"the {_bpm(low)}–{_bpm(high)} BPM of {ctx.tempo_source}"
        relation = "within" if inside else "close to"
    if best_factor == 0.5:
        return f"{bpm} BPM: a half-time feel of {what}"
    if best_factor == 2.0:
        return f"{bpm} BPM: a double-time feel of {what}"
    return f"{bpm} BPM, {relation} {what}"


def _mood(f: TrackFacts, ctx: Context, score: float) -> str | None:
    if f.valence is None or f.arousal is None or ctx.mood_point is None:
        return None
    numbers = f"valence {f.valence:.2f}, arousal {f.arousal:.2f}"
    if f.top_mood and f.top_mood == ctx.mood_name:
        return f"{MOODS[f.top_mood]} mood ({numbers}), {_as_asked(ctx.mood_source)}"
    return f"Mood close to {ctx.mood_source} ({numbers})"


def _genre(f: TrackFacts, ctx: Context, score: float) -> str | None:
    if ctx.genre_vector is None or not f.genres:
        return None
    shared = {
        g: w * float(ctx.genre_vector[GENRE_KEYS.index(g)])
        for g, w in f.genres.items()
        if g in GENRE_KEYS
    }
    genre = max(shared, key=shared.__getitem__) if shared else None
    if genre is None or shared[genre] <= 0:
        return None
    label = genre_label(genre)
    if genre in ctx.brief_genres:
        return f"{label}, a genre your brief asks for"
    if ctx.best_genres and genre == ctx.best_genres[0]:
        return f"{label}, the genre of the music in your best-performing videos"
    if genre in ctx.best_genres:
        return f"{label}, one of the genres of your best-performing videos"
    return f"{label}, matching the genres of {ctx.genre_source}"


def _energy(f: TrackFacts, ctx: Context, score: float) -> str | None:
    parts: list[tuple[str, str, str]] = []  # (track value, target value, source)
    if ctx.energy_target is not None and f.energy is not None:
        parts.append((f"energy {f.energy:.2f}", f"{ctx.energy_target:.2f}", ctx.energy_source))
    if ctx.danceability_target is not None and f.danceability is not None:
        parts.append(
            (
                f"danceability {f.danceability:.2f}",
                f"{ctx.danceability_target:.2f}",
                ctx.danceability_source,
            )
        )
    if not parts:
        return None
    if len({source for _, _, source in parts}) == 1:
        mine = " and ".join(p[0] for p in parts)
        theirs = " and ".join(p[1] for p in parts)
        text = f"{mine}, close to {parts[0][2]} ({theirs})"
    else:
        text = "; ".join(f"{p[0]}, close to {p[2]} ({p[1]})" for p in parts)
    return text[0].upper() + text[1:]


def _popularity(f: TrackFacts, ctx: Context, score: float) -> str | None:
    parts = []
    if f.spotify_popularity is not None:
        parts.append(f"Spotify popularity {f.spotify_popularity:.0f}/100")
    if f.tiktok_usage is not None:
        usage = f"used in {format_count(f.tiktok_usage)} TikTok videos"
        if f.usage_pct is not None:
            usage += f" (top {top_share(f.usage_pct)}%)"
        parts.append(usage)
    if not parts:
        return None
    text = ", ".join(parts)
    return text[0].upper() + text[1:]


def _trend(f: TrackFacts, ctx: Context, score: float) -> str | None:
    if f.early_pick:
        usage = f" ({format_count(f.tiktok_usage)} videos)" if f.tiktok_usage is not None else ""
        return f"Rising on Spotify but still rare on TikTok{usage}: an early pick"
    if f.growth_7d is not None and f.growth_7d > 0:
        text = f"Uses up {growth_percent(f.growth_7d):,}% on TikTok in 7 days"
        if f.growth_28d is not None and f.growth_28d > 0:
            text += f" ({growth_percent(f.growth_28d):,}% in 28 days)"
        return text
    if f.growth_28d is not None and f.growth_28d > 0:
        return f"Uses up {growth_percent(f.growth_28d):,}% on TikTok in 28 days"
    return None


def _creators(count: int) -> str:
    return "1 other creator" if count == 1 else f"{count} other creators"


def _collaborative(f: TrackFacts, ctx: Context, score: float) -> str | None:
    if f.co_used is None:
        return None
    title, count = f.co_used
    who = "a creator who" if count == 1 else f"{count} creators who"
    return f"Used by {who} also used “{title}”, one of your sounds"


def _momentum(f: TrackFacts, ctx: Context, score: float) -> str | None:
    m = f.momentum
    if m is None:
        return None
    if m.last_7d:
        text = f"Used by {_creators(m.last_7d)} in the last 7 days"
        return text + (f" ({m.last_28d} in 28 days)" if m.last_28d > m.last_7d else "")
    if m.last_28d:
        text = f"Used by {_creators(m.last_28d)} in the last 28 days"
        growth = m.growth_28d
        return text + (f", up {growth_percent(growth):,}%" if growth and growth > 0 else "")
    if m.near_posts:
        return f"Used by {_creators(m.near_posts)} in the weeks you were posting"
    return None


def _topic(f: TrackFacts, ctx: Context, score: float) -> str | None:
    if f.topic_term is None:
        return None
    term, count = f.topic_term
    who, verb = ("a creator who", "s") if count == 1 else (f"{count} creators who", "")
    if term.startswith("lang:"):
        return f"Used by {who} caption{verb} in the same language as you"
    return f"Used by {who} also post{verb} with {term}"


def _tier_fit(f: TrackFacts, ctx: Context, score: float) -> str | None:
    if ctx.tier is None or ctx.tier_lean is None:
        return None
    if ctx.tier_lean >= 0.5:
        return f"A proven hit, a safe choice for a {ctx.tier}-tier audience"
    return f"A rising sound, a good bet for a {ctx.tier}-tier creator to get in early"


def _kept(f: TrackFacts, ctx: Context, score: float) -> str | None:
    return f"Similar to “{f.kept_like}”, which you kept" if f.kept_like else None


def _history(f: TrackFacts, ctx: Context, score: float) -> str | None:
    if f.history_like is None:
        return None
    title, lift, best = f.history_like
    video = "your best-performing video" if best else "one of your better-performing videos"
    return f"Close to “{title}”, used in {video} (+{round((lift - 1) * 100)}% engagement)"


BUILDERS: dict[str, Callable[[TrackFacts, Context, float], str | None]] = {
    "tempo": _tempo,
    "mood": _mood,
    "genre": _genre,
    "energy": _energy,
    "popularity": _popularity,
    "trend": _trend,
    "collaborative": _collaborative,
    "momentum": _momentum,
    "topic": _topic,
    "tier_fit": _tier_fit,
    "kept_similarity": _kept,
    "history": _history,
}


def _facts_line(f: TrackFacts) -> str | None:
    """A neutral description used when too few components fit well enough to cite."""
    parts = []
    if f.genres:
        parts.append(genre_label(max(f.genres, key=f.genres.__getitem__)))
    if f.tempo_bpm is not None:
        parts.append(f"{_bpm(f.tempo_bpm)} BPM")
    if f.energy is not None:
        parts.append(f"energy {f.energy:.2f}")
    if f.top_mood:
        parts.append(f"{MOODS[f.top_mood].lower()} mood")
    return ", ".join(parts) if parts else None


def citable(components: Mapping[str, float], weights: Mapping[str, float]) -> list[str]:
    """The components a reason may cite, strongest weighted contribution first."""
    ranked = sorted(
        (c for c in components if weights.get(c, 0) > 0),
        key=lambda c: -weights[c] * components[c],
    )
    return [name for name in ranked if components[name] >= REASON_MIN.get(name, 0.5)]


def build_reasons(
    facts: TrackFacts,
    components: Mapping[str, float],
    weights: Mapping[str, float],
    ctx: Context,
) -> list[str]:
    """Two or three reasons, strongest weighted contribution first.

    Falls back to plain facts (genre, tempo, popularity) when fewer than two components fit well
    enough to cite, so every item still tells the marketer what it is.
    """
    reasons: list[str] = []
    for name in citable(components, weights):
        if (text := BUILDERS[name](facts, ctx, components[name])) and text not in reasons:
            reasons.append(text)
        if len(reasons) == MAX_REASONS:
            return reasons
    for fallback in (_facts_line(facts), _popularity(facts, ctx, 0.0)):
        if len(reasons) >= MIN_REASONS:
            break
        if fallback and fallback not in reasons:
            reasons.append(fallback)
    if not reasons:
        reasons.append("No audio analysis or popularity data for this track yet")
    return reasons
