"""Is this the same recording? Title/artist normalisation and similarity, pure.

The same song reaches us spelled differently on every platform: "STAY (with Justin Bieber)" on
Spotify, "Stay - The Kid LAROI & Justin Bieber" on TikTok, "Stay (feat. Justin Bieber)" in a
CSV. Merging duplicate Music rows and resolving a TikTok sound to a Spotify track both need one
notion of "same recording", so it lives here, on plain strings and numbers.

Normalisation drops what varies between platforms but does not change the recording (accents,
case, punctuation, "feat." credits, "Remastered 2011", "Radio Edit"), while *version tags*
(remix, live, acoustic, sped up, ...) are kept aside: they are stripped for the similarity score
but must agree for two titles to be the same recording, because a sped-up TikTok edit is not the
album cut even when the duration happens to be close.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import NamedTuple

# Words that mark a bracketed group or a " - " suffix as decoration rather than part of the name.
_NOISE = re.compile(
    r"\b(feat|ft|featuring|with|prod|remix(?:ed)?|re-?master(?:ed)?|edit|version|live|mix|radio"
    r"|mono|stereo|explicit|clean|deluxe|bonus|sped|speed|slowed|reverb|nightcore|acoustic"
    r"|instrumental|extended|original|single|from|demo|karaoke|cover|vip|bootleg|bass ?boosted"
    r"|tiktok)\b"
)

# The subset of decorations that make a *different recording*, each with the tag we record.
_VERSION_TAGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bremix(?:ed)?\b|\bvip\b|\bbootleg\b"), "remix"),
    (re.compile(r"\blive\b"), "live"),
    (re.compile(r"\bacoustic\b"), "acoustic"),
    (re.compile(r"\binstrumental\b|\bkaraoke\b"), "instrumental"),
    (re.compile(r"\bsped\b|\bspeed up\b|\bnightcore\b"), "sped up"),
    (re.compile(r"\bslowed\b"), "slowed"),
)

_BRACKETS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]|\{([^{}]*)\}")
_DASH_SUFFIX = re.compile(r"\s+[-\u2013\u2014]\s+")
_FEAT_TAIL = re.compile(r"\s(?:feat\.?|ft\.?|featuring)\s.*$", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w]+")
_APOSTROPHES = re.compile(r"['\u2019`]")  # "can't" and "can’t" both become "cant"
# " x " only in lower case: "Lil Nas X" is one artist, "Sam x Alex" a collaboration.
_ARTIST_SEPARATORS = re.compile(
    r"\s*(?:,|;|/|&|\+|\sx\s|\s(?i:and|with|feat\.?|ft\.?|featuring|vs\.?)\s)\s*"
)

# Acceptance thresholds shared by catalogue merging and Spotify matching.
TITLE_THRESHOLD = 0.85
ARTIST_THRESHOLD = 0.80
DURATION_ABS_TOLERANCE_S = 3.0
DURATION_REL_TOLERANCE = 0.03


class Recording(NamedTuple):
    """What we compare: a title, the credited artist string, and the duration in seconds."""

    title: str
    artist: str
    duration_s: float | None = None


def fold(text: str) -> str:
    """Case-folded text with accents removed ("Beyoncé" -> "beyonce"); other scripts survive."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def _split_title(title: str) -> tuple[str, list[str]]:
    """The title without decoration, and the decoration segments that were removed."""
    noise: list[str] = []

    def drop_if_noise(match: re.Match[str]) -> str:
        inner = next(g for g in match.groups() if g is not None)
        if _NOISE.search(fold(inner)):
            noise.append(fold(inner))
            return " "
        return match.group(0)

    core = _BRACKETS.sub(drop_if_noise, title)
    parts = _DASH_SUFFIX.split(core)
    kept = [parts[0]]
    for part in parts[1:]:
        if _NOISE.search(fold(part)):
            noise.append(fold(part))
        else:
            kept.append(part)
    core = " - ".join(kept)
    feat = _FEAT_TAIL.search(core)
    if feat:
        noise.append(fold(feat.group(0)))
        core = core[: feat.start()]
    return core.strip(), noise


def strip_title_noise(title: str) -> str:
    """The title with credits and version decoration removed, original spelling kept.

    Used to build search queries, where the service does its own case and accent handling.
    """
    core, _ = _split_title(title)
    return re.sub(r"\s+", " ", core).strip() or title.strip()


def normalise_title(title: str) -> str:
    """Comparable form of a title: decoration removed, accents folded, case-folded, '&' = 'and'."""
    core, _ = _split_title(title)
    text = _APOSTROPHES.sub("", fold(core)).replace("&", " and ")
    return _NON_WORD.sub(" ", text).strip()


def version_tags(title: str) -> frozenset[str]:
    """Tags that make a different recording of the same song ("remix", "live", "sped up", ...)."""
    _, noise = _split_title(title)
    joined = " ".join(noise)
    return frozenset(tag for pattern, tag in _VERSION_TAGS if pattern.search(joined))


def split_artists(artist: str) -> list[str]:
    """The individual names in a credit such as "A feat. B & C" or "A;B" (order kept)."""
    names = [name.strip() for name in _ARTIST_SEPARATORS.split(f" {artist} ")]
    return [name for name in names if name]


def _normalise_name(name: str) -> str:
    text = _NON_WORD.sub(" ", _APOSTROPHES.sub("", fold(name))).strip()
    return text[4:] if text.startswith("the ") else text


def normalise_artist(artist: str) -> str:
    """Comparable form of the *primary* (first credited) artist.

    Secondary credits are spelled inconsistently across platforms (featuring, &, comma, x), so
    merging keys use the first name only; a leading "The" is dropped ("The Weeknd" = "Weeknd").
    """
    names = split_artists(artist)
    return _normalise_name(names[0]) if names else ""


def _ratio(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


def titles_match(a: str, b: str) -> float:
    """Similarity 0-1 of two titles after normalisation (1.0 when they normalise equal)."""
    return _ratio(normalise_title(a), normalise_title(b))


def artists_match(a: str, b: str) -> float:
    """Similarity 0-1 of two artist credits: the best pair among their individual names.

    One shared name is enough, because one platform often lists only the lead artist.
    """
    names_a = [_normalise_name(n) for n in split_artists(a)]
    names_b = [_normalise_name(n) for n in split_artists(b)]
    return max((_ratio(x, y) for x in names_a for y in names_b), default=0.0)


def duration_tolerance(a: float, b: float) -> float:
    """Allowed difference in seconds: 3 s, or 3 % of the longer duration for long tracks."""
    return max(DURATION_ABS_TOLERANCE_S, DURATION_REL_TOLERANCE * max(a, b))


def durations_match(a: float | None, b: float | None) -> bool:
    """Whether two durations agree within the tolerance; an unknown duration cannot disagree."""
    if a is None or b is None:
        return True
    return abs(a - b) <= duration_tolerance(a, b)


def match_score(query: Recording, candidate: Recording) -> float | None:
    """Confidence 0-1 that `candidate` is the recording `query` describes, or None if rejected.

    Rejected when the title or artist similarity is under its threshold, the version tags
    differ, or the durations disagree. Accepted candidates score 0.5 x title + 0.3 x artist +
    0.2 x duration closeness (1 at equal durations, 0 at the edge of the tolerance); without
    a duration on both sides the text part is scaled by 0.9, since one check is missing.
    """
    title_sim = titles_match(query.title, candidate.title)
    artist_sim = artists_match(query.artist, candidate.artist)
    if title_sim < TITLE_THRESHOLD or artist_sim < ARTIST_THRESHOLD:
        return None
    if version_tags(query.title) != version_tags(candidate.title):
        return None
    if not durations_match(query.duration_s, candidate.duration_s):
        return None
    if query.duration_s is None or candidate.duration_s is None:
        return round(0.9 * (0.625 * title_sim + 0.375 * artist_sim), 4)
    diff = abs(query.duration_s - candidate.duration_s)
    closeness = 1.0 - diff / duration_tolerance(query.duration_s, candidate.duration_s)
    return round(0.5 * title_sim + 0.3 * artist_sim + 0.2 * closeness, 4)


def best_match(query: Recording, candidates: Sequence[Recording]) -> tuple[int, float] | None:
    """(index, score) of the candidate most likely to be `query`, or None if all are rejected.

    The best `match_score` wins; ties go to the earlier candidate (a search service's relevance
    order).
    """
    best: tuple[int, float] | None = None
    for index, candidate in enumerate(candidates):
        score = match_score(query, candidate)
        if score is not None and (best is None or score > best[1]):
            best = (index, score)
    return best


def same_recording(a: Recording | tuple, b: Recording | tuple) -> bool:
    """Whether two (title, artist, duration_s) triples describe one recording (for merging)."""
    return match_score(Recording(*a), Recording(*b)) is not None


_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")


def normalise_isrc(isrc: str | None) -> str | None:
    """ISRC in its canonical 12-character form ("us-um7-20-00658" -> "USUM72000658"), or None.

    ISRCs are printed with hyphens and in lower case in the wild; anything that is not a
    well-formed code after cleaning is treated as missing rather than trusted.
    """
    if not isrc:
        return None
    code = re.sub(r"[\s-]", "", isrc).upper()
    return code if _ISRC.match(code) else None
