"""What a video's caption, hashtags and on-screen text say: category, sentiment, mood cues.

A multilingual keyword, hashtag and emoji lexicon (videos/data/category_lexicon.json): captions
mix languages, slang and emoji, and no offline model on PyPI does this for a dozen languages in a
lean stack, while a curated lexicon is fast, explainable (every match is kept as evidence) and
easy for a curator to extend.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from musicrec.core.descriptors import CATEGORY_KEYS, Label, normalise_weights

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "category_lexicon.json"

# A hashtag is a deliberate label; a caption word can be incidental.
FIELD_WEIGHTS = {"hashtags": 1.5, "caption": 1.0, "sticker": 1.0}
# Confidence grows with evidence: when nothing competes, one caption word gives 0.39 (a stray
# word is a weak hint), one hashtag 0.53, a caption word plus a hashtag 0.71, three cues 0.8+.
CATEGORY_EVIDENCE_SCALE = 2.0
_NO_SPACE_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "ARABIC", "THAI")
_TOKEN_RE = re.compile(r"\w+")
_HASHTAG_RE = re.compile(r"#(\w+)")


@dataclass
class TextSignals:
    """What the caption, hashtags and sticker text say."""

    category: Label | None
    category_scores: dict[str, float]
    valence: float | None
    mood_cues: dict[str, float]
    hashtags: list[str]
    evidence: dict[str, list[str]]


@dataclass(frozen=True)
class _CueSet:
    """One lexicon entry compiled for matching (see the lexicon's "about" for the rules)."""

    words: frozenset[str]
    prefixes: tuple[str, ...]
    phrases: tuple[str, ...]
    substrings: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    hashtag_terms: tuple[str, ...]  # words and phrases without spaces, also without accents


@dataclass(frozen=True)
class _Lexicon:
    generic_hashtags: frozenset[str]
    categories: dict[str, _CueSet]
    sentiment: dict[str, _CueSet]
    moods: dict[str, _CueSet]


@functools.cache
def load_lexicon(path: str | os.PathLike = LEXICON_PATH) -> _Lexicon:
    """The category, sentiment and mood lexicon, compiled once per process."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    categories = {key: _compile(raw["categories"][key]) for key in CATEGORY_KEYS}
    return _Lexicon(
        generic_hashtags=frozenset(_normalise(tag) for tag in raw["generic_hashtags"]),
        categories=categories,
        sentiment={key: _compile(entry) for key, entry in raw["sentiment"].items()},
        moods={key: _compile(entry) for key, entry in raw["moods"].items()},
    )


def classify_text(
    caption: str = "", hashtags: Sequence[str] = (), sticker_text: str = ""
) -> TextSignals:
    """Content category, sentiment (valence) and mood cues from a video's text.

    The category's confidence is its share of the evidence times how much evidence there is,
    so one stray word stays unsure and a caption pulling two ways is less sure than one that
    agrees with its hashtags.
    """
    lexicon = load_lexicon()
    caption = _normalise(caption or "")
    tags = [_normalise(tag).lstrip("#") for tag in hashtags if tag]
    tags += _HASHTAG_RE.findall(caption)
    tags = list(dict.fromkeys(tag for tag in tags if tag and tag not in lexicon.generic_hashtags))
    fields = {
        "caption": _HASHTAG_RE.sub(" ", caption),
        "hashtags": tags,
        "sticker": _normalise(sticker_text or ""),
    }

    evidence: dict[str, list[str]] = {}
    raw_scores: dict[str, float] = {}
    sources: dict[str, set[str]] = {}
    for key, cues in lexicon.categories.items():
        for name in ("caption", "hashtags", "sticker"):
            matched = _match(cues, fields[name])
            if matched:
                raw_scores[key] = raw_scores.get(key, 0.0) + FIELD_WEIGHTS[name] * len(matched)
                sources.setdefault(key, set()).add(name)
                evidence.setdefault(key, []).extend(f"{name}: {m}" for m in sorted(matched))

    category = None
    scores = normalise_weights(raw_scores)
    if scores:
        best = max(raw_scores, key=lambda k: (raw_scores[k], -CATEGORY_KEYS.index(k)))
        confidence = scores[best] * (1 - math.exp(-raw_scores[best] / CATEGORY_EVIDENCE_SCALE))
        source = " + ".join(n for n in ("caption", "hashtags", "sticker") if n in sources[best])
        category = Label(value=best, source=source, confidence=round(confidence, 4))

    counts = {}
    for key, cues in {
        **lexicon.sentiment,
        **{f"mood:{k}": v for k, v in lexicon.moods.items()},
    }.items():
        matched = set()
        for name, value in fields.items():
            matched |= {f"{name}: {m}" for m in _match(cues, value)}
        if matched:
            counts[key] = len(matched)
            evidence.setdefault(key, []).extend(sorted(matched))
    positive, negative = counts.get("positive", 0), counts.get("negative", 0)
    valence = (
        0.5 + 0.5 * (positive - negative) / (positive + negative + 1)
        if positive + negative
        else None
    )
    mood_cues = {
        key.removeprefix("mood:"): round(1 - math.exp(-count), 4)
        for key, count in counts.items()
        if key.startswith("mood:")
    }
    if category is not None and category.value == "comedy":
        mood_cues["funny"] = max(mood_cues.get("funny", 0.0), category.confidence)
    return TextSignals(
        category=category,
        category_scores=scores,
        valence=None if valence is None else round(valence, 4),
        mood_cues=mood_cues,
        hashtags=tags,
        evidence=evidence,
    )


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text)


def _needs_substring(term: str) -> bool:
    """True for emoji and for scripts that attach words or write without spaces."""
    for ch in term:
        if ch.isalpha():
            return any(script in unicodedata.name(ch, "") for script in _NO_SPACE_SCRIPTS)
    return True


def _compile(entry: dict) -> _CueSet:
    words, prefixes, phrases, substrings = set(), [], [], list(entry.get("emoji", []))
    for term in entry.get("terms", []):
        term = _normalise(term)
        if _needs_substring(term):
            substrings.append(term)
        elif term.endswith("*"):
            prefixes.append(term[:-1])
        elif len(_tokens(term)) > 1:
            phrases.append(" ".join(_tokens(term)))
        else:
            words.add(term)
    joined = [*words, *(p.replace(" ", "") for p in phrases)]
    return _CueSet(
        words=frozenset(words),
        prefixes=tuple(prefixes),
        phrases=tuple(phrases),
        substrings=tuple(_normalise(s) for s in substrings),
        # NFKC like the text (it turns compatibility jamo such as "ㅋ" into conjoining ones).
        patterns=tuple(
            re.compile(unicodedata.normalize("NFKC", p)) for p in entry.get("patterns", [])
        ),
        # Hashtags are often typed without accents (#receitas, #educacao, #dulich).
        hashtag_terms=tuple(dict.fromkeys([*joined, *(_fold(t) for t in joined)])),
    )


def _fold(text: str) -> str:
    """Text without diacritics ("thú cưng" -> "thu cung"), for matching accentless hashtags."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _match(cues: _CueSet, value: str | list[str]) -> set[str]:
    """The lexicon terms found in one text field (a string) or in a list of hashtags."""
    found: set[str] = set()
    if isinstance(value, list):
        for tag in value:
            found |= _match_hashtag(cues, tag)
    elif value:
        tokens = _tokens(value)
        spaced = f" {' '.join(tokens)} "
        found |= {t for t in tokens if t in cues.words}
        found |= {p + "*" for p in cues.prefixes if any(t.startswith(p) for t in tokens)}
        found |= {p for p in cues.phrases if f" {p} " in spaced}
        found |= {s for s in cues.substrings if s in value}
        found |= {m.group(0) for pattern in cues.patterns for m in [pattern.search(value)] if m}
    # "danc*" inside "dance", "旅" inside "旅行": one piece of evidence, counted once.
    return {
        term
        for term in found
        if not any(term.rstrip("*") in other and term != other for other in found)
    }


def _match_hashtag(cues: _CueSet, tag: str) -> set[str]:
    """At most one match per hashtag: a tag is one deliberate label, however many terms fit."""
    found = [
        term
        for term in cues.hashtag_terms
        if tag == term
        or (len(term) >= 4 and tag.startswith(term))
        or (len(term) >= 5 and tag.endswith(term))
    ]
    found += [p + "*" for p in cues.prefixes if tag.startswith(p)]
    found += [s for s in cues.substrings if s in tag]
    found += [m.group(0) for pattern in cues.patterns for m in [pattern.search(tag)] if m]
    return {f"#{tag} ({max(found, key=len)})"} if found else set()
