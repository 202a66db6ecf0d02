"""Engine targets from stored analyses: a creator's profile analysis and a video's content.

Pure (plain dicts in, `Target` out), so the services, the evaluation and the tests build targets
the same way. The creator's target is the content profile the profile analysis stores
(`AuthorAnalysis.metrics["content_profile"]`) plus, from the music habits
(`metrics["music"]["attribute_lift"]`), the genres and tempo band their best-engaging videos
used. A video's target is its own content analysis with the creator's profile filling what the
video does not say (video analysis has no genres, and a text-only analysis no tempo).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from statistics import median
from typing import Any

from musicrec.core.descriptors import (
    GENRE_KEYS,
    MOOD_KEYS,
    moods_from_valence_arousal,
    normalise_weights,
    tempo_band,
)

from .targets import CLOSED_TEMPO_BANDS, TIER_LEAN, Target

# A music-habit group only says "this works better for them" when it engaged clearly better than
# their median (lift over 1) on at least three videos (the analysis reports no lift below that).
MIN_BEST_LIFT = 1.0
# Evidence sources that describe the music a video already uses rather than the video: its
# measured soundtrack, the stored analysis of its sound standing in for it, and the genre taken
# from that analysis (videos.content.fusion names them so).
HEARD_SOURCES = frozenset({"soundtrack", "sound metadata"})
SOUND_GENRE_SOURCE = "music analysis"
# The visual-pace tempo stand-in of the video analysis (videos.content.PACE_TEMPO_RANGE).
PACE_TEMPO_RANGE = (70.0, 150.0)


def best_used_tracks(uses: Iterable[tuple[int | None, float | None]]) -> dict[int, float]:
    """The catalogue tracks of the creator's better-than-usual videos, each with its lift.

    `uses` is (catalogue track or None, engagement rate by views or None) for each of the
    creator's videos the caller may show (the evaluation leaves its hidden videos out). The lift
    is a video's rate over the creator's median rate across all those videos, as the music-habit
    lifts measure it; a track keeps the lift of its best video and only tracks whose best video
    beat the median (lift over `MIN_BEST_LIFT`) are kept: the own-history component then pulls
    up music like what worked for this creator, not like everything they ever used.
    """
    listed = [(track, rate) for track, rate in uses if rate is not None and math.isfinite(rate)]
    rates = [rate for _, rate in listed]
    centre = median(rates) if rates else 0.0
    if centre <= 0:
        return {}
    best: dict[int, float] = {}
    for track, rate in listed:
        lift = rate / centre
        if track is not None and lift > MIN_BEST_LIFT and lift > best.get(track, 0.0):
            best[track] = lift
    return best


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _weights(value: Any, allowed: Sequence[str]) -> dict[str, float]:
    """A stored {label: weight} dict restricted to the vocabulary; malformed entries dropped."""
    if not isinstance(value, Mapping):
        return {}
    out = {}
    for key, weight in value.items():
        number = _number(weight)
        if key in allowed and number is not None and number > 0:
            out[str(key)] = number
    return out


def _band_centre(name: str) -> float | None:
    """The centre of a band closed at playable tempi; tempo is perceived in ratios, so the
    geometric centre."""
    if name not in CLOSED_TEMPO_BANDS:
        return None
    low, high = CLOSED_TEMPO_BANDS[name]
    return math.sqrt(low * high)


def _in_band(tempo: float, name: str) -> bool:
    """Whether the tempo, or its half or double, lies in the band."""
    return any(tempo_band(tempo * f) == name for f in (1.0, 0.5, 2.0))


def best_music(lifts: Any, profile_tempo: float | None) -> tuple[dict[str, float], float | None]:
    """(best_genres, best_tempo_bpm) from the music-habit lift rows.

    Genres whose videos engaged above the creator's median weigh by how much (lift - 1). The
    best tempo band (highest lift over 1) becomes a tempo only when the profile's own tempo is
    outside it; inside it the profile tempo is already the sharper target.
    """
    genres: dict[str, float] = {}
    best_band: tuple[float, str] | None = None
    for row in lifts if isinstance(lifts, Sequence) else ():
        if not isinstance(row, Mapping):
            continue
        lift = _number(row.get("lift"))
        value = row.get("value")
        if lift is None or lift <= MIN_BEST_LIFT or not isinstance(value, str):
            continue
        if row.get("attribute") == "genre" and value in GENRE_KEYS:
            genres[value] = round(lift - MIN_BEST_LIFT, 4)
        elif row.get("attribute") == "tempo_band" and (best_band is None or lift > best_band[0]):
            best_band = (lift, value)
    tempo = None
    if best_band is not None and not (profile_tempo and _in_band(profile_tempo, best_band[1])):
        tempo = _band_centre(best_band[1])
    return genres, tempo


def author_target(
    metrics: Mapping[str, Any] | None,
    *,
    tier: str | None = None,
    followers: int | None = None,
) -> Target:
    """The creator's target from their stored analysis `metrics` (None: not analysed yet).

    `tier` / `followers` come from the analysis columns or, for a creator not analysed yet, from
    their account, so even a cold start gets the tier adjustment.
    """
    metrics = metrics if isinstance(metrics, Mapping) else {}
    profile = metrics.get("content_profile")
    profile = profile if isinstance(profile, Mapping) else {}
    reach = metrics.get("reach")
    reach = reach if isinstance(reach, Mapping) else {}
    tier = tier or reach.get("tier") or None
    if tier not in TIER_LEAN:
        tier = None
    if followers is None and isinstance(reach.get("followers"), int):
        followers = int(reach["followers"])
    music = metrics.get("music")
    lifts = music.get("attribute_lift") if isinstance(music, Mapping) else None
    tempo = _number(profile.get("tempo_bpm"))
    tempo = tempo if tempo and tempo > 0 else None
    best_genres, best_tempo = best_music(lifts, tempo)
    consistency = profile.get("consistency")
    return Target(
        kind="author",
        tempo_bpm=tempo,
        energy=_number(profile.get("energy")),
        valence=_number(profile.get("valence")),
        arousal=_number(profile.get("arousal")),
        danceability=_number(profile.get("danceability")),
        genres=_weights(profile.get("genres"), GENRE_KEYS),
        moods=_weights(profile.get("moods"), MOOD_KEYS),
        best_genres=best_genres,
        best_tempo_bpm=best_tempo,
        tier=tier,
        follower_count=followers,
        consistency={
            str(k): _number(v)
            for k, v in (consistency.items() if isinstance(consistency, Mapping) else ())
        },
    )


def _blend_without(evidence: Mapping[str, Any], name: str) -> float | None:
    """Re-blend one fused value from its recorded signals, leaving the soundtrack out."""
    entry = evidence.get(name)
    if not isinstance(entry, Mapping):
        return None
    signals = entry.get("signals") if isinstance(entry.get("signals"), Mapping) else {}
    weights = entry.get("weights") if isinstance(entry.get("weights"), Mapping) else {}
    kept = {
        k: (_number(v), _number(weights.get(k)))
        for k, v in signals.items()
        if k not in HEARD_SOURCES and _number(v) is not None and (_number(weights.get(k)) or 0) > 0
    }
    total = sum(w for _, w in kept.values() if w)
    if total <= 0:
        return None
    value = sum(v * w for v, w in kept.values() if v is not None and w) / total
    return min(max(value, 0.0), 1.0)


def without_soundtrack(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A video analysis with everything that describes the music it already uses taken out.

    A posted video's soundtrack *is* the track it used, and the analysis also borrows that
    track's stored analysis (genre; tempo, energy and mood when the soundtrack could not be
    measured). In an offline evaluation that hides the track, all of that would leak the answer.
    Values fused from several signals are re-blended from the evidence the analysis recorded
    (picture, pace, caption); values heard only in the music are dropped. Without recorded
    evidence, every value the music could have shaped is dropped.
    """
    detail = fields.get("detail") if isinstance(fields.get("detail"), Mapping) else {}
    evidence = detail.get("evidence") if isinstance(detail.get("evidence"), Mapping) else None
    out = dict(fields)
    out["genres"] = {}
    heard = fields.get("tempo_source") in HEARD_SOURCES or (
        evidence is not None and any(_mentions_music(e) for e in evidence.values())
    )
    if not heard and evidence is not None:
        return out
    out["danceability"] = None
    if evidence is None:
        for name in ("tempo_bpm", "energy", "arousal", "valence"):
            out[name] = None
        out["moods"] = {}
        return out
    for name in ("energy", "arousal", "valence"):
        out[name] = _blend_without(evidence, name)
    out["tempo_bpm"] = (
        fields.get("tempo_bpm") if fields.get("tempo_source") not in HEARD_SOURCES else None
    )
    pace = evidence.get("visual_pace")
    if out["tempo_bpm"] is None and isinstance(pace, Mapping) and _number(pace.get("value")):
        low, high = PACE_TEMPO_RANGE
        out["tempo_bpm"] = round(low + (high - low) * float(pace["value"]), 1)
    moods: dict[str, float] = {}
    if out["valence"] is not None and out["arousal"] is not None:
        moods = moods_from_valence_arousal(out["valence"], out["arousal"])
    mood_evidence = evidence.get("moods")
    signals = mood_evidence.get("signals") if isinstance(mood_evidence, Mapping) else None
    cues = _weights(signals.get("text cues") if isinstance(signals, Mapping) else None, MOOD_KEYS)
    if cues:
        moods = normalise_weights(
            {k: moods.get(k, 0.0) + cues.get(k, 0.0) for k in {*moods, *cues}}
        )
    out["moods"] = moods
    return out


def _mentions_music(entry: Any) -> bool:
    if not isinstance(entry, Mapping):
        return False
    signals = entry.get("signals")
    return entry.get("source") in HEARD_SOURCES | {SOUND_GENRE_SOURCE} or (
        isinstance(signals, Mapping) and bool(HEARD_SOURCES & set(signals))
    )


def video_target(fields: Mapping[str, Any], author: Target | None = None) -> Target:
    """A video's target: its analysis values, the creator's profile for what it lacks.

    `fields` holds the VideoContentAnalysis columns (tempo_bpm, energy, valence, arousal,
    danceability, top_mood) and, from its detail, `moods` (the full mood weights) and `genres`
    (the genre of the sound it uses, when analysed). Without genres of its own the creator's
    genres stand in; the best-videos music, tier and consistency always come from the creator.
    """
    author = author or Target()
    moods = _weights(fields.get("moods"), MOOD_KEYS)
    top_mood = fields.get("top_mood")
    if not moods and isinstance(top_mood, str) and top_mood in MOOD_KEYS:
        moods = {top_mood: 1.0}

    def pick(name: str) -> float | None:
        value = _number(fields.get(name))
        return value if value is not None else getattr(author, name)

    own_mood = _number(fields.get("valence")) is not None and (
        _number(fields.get("arousal")) is not None
    )
    tempo = _number(fields.get("tempo_bpm"))
    return Target(
        kind="video",
        tempo_bpm=tempo if tempo and tempo > 0 else author.tempo_bpm,
        energy=pick("energy"),
        valence=pick("valence") if own_mood or not moods else None,
        arousal=pick("arousal") if own_mood or not moods else None,
        danceability=pick("danceability"),
        genres=_weights(fields.get("genres"), GENRE_KEYS) or dict(author.genres),
        moods=moods or dict(author.moods),
        best_genres=dict(author.best_genres),
        best_tempo_bpm=None,
        tier=author.tier,
        follower_count=author.follower_count,
        consistency={},
    )
