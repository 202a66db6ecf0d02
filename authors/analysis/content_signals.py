"""Content signals: the hashtags a creator really uses and the categories their videos fall in.

Generic reach tags (#fyp, #foryou, #viral ...) appear on most TikTok videos whatever they show,
so they say nothing about the creator and are left out of the top hashtags. They come in endless
spellings ("fyp゚", "fypシ", "foryourpage", "viralvideo", "fypppp"), hence a normaliser rather than a
fixed list of strings.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from .inputs import VideoInput
from .numeric import rate, safe_div

TOP_HASHTAGS = 10
TOP_CATEGORIES = 5

# The one list of generic reach tags, as stems; `is_reach_tag` also accepts each stem followed
# by one generic suffix ("foryou" + "page", "viral" + "video", "fyp" + "tiktok") and runs of
# them glued together ("fypviral", "foryoupagefyp").
REACH_TAG_STEMS: tuple[str, ...] = (
    "fyp", "fy", "foryou", "foryour", "foru", "4you", "4u", "fypage",
    "viral", "trend", "trending", "xyzbca", "xyzabc", "parati", "pourtoi", "perte", "furdich",
)  # fmt: skip
REACH_TAG_SUFFIXES: tuple[str, ...] = (
    "page", "pag", "video", "videos", "tiktok", "tiktoks", "post", "posts", "s", "p",
)  # fmt: skip
_REACH_PATTERN = re.compile(
    rf"^(?:(?:{'|'.join(REACH_TAG_STEMS)})(?:{'|'.join(REACH_TAG_SUFFIXES)})?)+$"
)


def normalise_hashtag(tag: str) -> str:
    """The tag as shown and counted: without '#', lower-cased, Unicode-compatibility folded
    (full-width letters become ASCII), surrounding spaces dropped."""
    return unicodedata.normalize("NFKC", tag).strip().lstrip("#").strip().casefold()


def reach_tag_key(tag: str) -> str:
    """The tag reduced for reach-tag matching: accents and decorations (゚, シ, emoji,
    punctuation) removed, only Latin letters and digits kept, letter runs collapsed so that
    "fyppp" and "foryouuu" meet their stems."""
    decomposed = unicodedata.normalize("NFKD", normalise_hashtag(tag))
    ascii_only = re.sub(r"[^a-z0-9]", "", decomposed)
    return re.sub(r"(.)\1+", r"\1", ascii_only)


def is_reach_tag(tag: str) -> bool:
    key = reach_tag_key(tag)
    return bool(key) and _REACH_PATTERN.match(key) is not None


@dataclass(frozen=True)
class HashtagUse:
    tag: str
    videos: int
    share: float | None


@dataclass(frozen=True)
class CategoryShare:
    category: str
    videos: int
    share: float | None
    mean_confidence: float | None


@dataclass(frozen=True)
class ContentSignals:
    top_hashtags: list[HashtagUse]
    reach_tag_video_share: float | None
    top_categories: list[CategoryShare]
    videos_with_category: int

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def top_hashtags(videos: Sequence[VideoInput], limit: int = TOP_HASHTAGS) -> list[HashtagUse]:
    """Tags by the number of window videos using them (once per video), reach tags left out;
    ties go to the alphabetically first tag so the list is stable."""
    counts: Counter[str] = Counter()
    for video in videos:
        tags = {normalise_hashtag(t) for t in video.hashtags}
        counts.update(t for t in tags if t and not is_reach_tag(t))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [HashtagUse(tag, n, rate(safe_div(n, len(videos)))) for tag, n in ranked]


def top_categories(
    videos: Sequence[VideoInput], limit: int = TOP_CATEGORIES
) -> tuple[list[CategoryShare], int]:
    """Categories by confidence-weighted share: a video labelled "dance" at 0.9 counts 0.9, so
    unsure labels weigh less. Returns the ranked rows and the number of labelled videos."""
    weight: Counter[str] = Counter()
    videos_per: Counter[str] = Counter()
    for video in videos:
        label = video.category
        if label is None or not label.value or label.confidence <= 0:
            continue
        weight[label.value] += label.confidence
        videos_per[label.value] += 1
    total = sum(weight.values())
    ranked = sorted(weight.items(), key=lambda item: (-item[1], item[0]))[:limit]
    rows = [
        CategoryShare(
            category=name,
            videos=videos_per[name],
            share=rate(safe_div(w, total)),
            mean_confidence=rate(safe_div(w, videos_per[name])),
        )
        for name, w in ranked
    ]
    return rows, sum(videos_per.values())


def content_signals(videos: Sequence[VideoInput]) -> ContentSignals:
    with_reach = sum(1 for v in videos if any(is_reach_tag(t) for t in v.hashtags))
    categories, labelled = top_categories(videos)
    return ContentSignals(
        top_hashtags=top_hashtags(videos),
        reach_tag_video_share=rate(safe_div(with_reach, len(videos))),
        top_categories=categories,
        videos_with_category=labelled,
    )
