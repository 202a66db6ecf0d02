"""How the creator pages show stored figures: shaping only, no queries.

The views load rows through selectors; these functions turn the stored AuthorAnalysis `metrics`
(`AuthorMetrics.to_dict()`, docs/metrics.md) and the loaded rows into what the templates and
charts read, each figure paired with its formula from `METRIC_FORMULAS`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime

from authors.analysis import METRIC_FORMULAS, MIN_VIDEOS_FOR_LIFT
from authors.models import Author, AuthorAnalysis, AuthorSource
from musicrec.core.descriptors import GENRES, MOODS
from musicrec.core.models import Platform
from musicrec.core.relations import related_or_none
from videos.models import Video

# The figures of each detail section: (metrics key, label, how to show it). The formula of each
# comes from METRIC_FORMULAS by key, so the page and the API explain a figure the same way.
ENGAGEMENT_FIGURES = (
    ("engagement_rate_by_views", "Engagement rate by views", "rate"),
    ("engagement_rate_by_followers", "Engagement rate by followers", "rate"),
    ("like_rate_by_views", "Like rate", "rate"),
    ("comment_rate_by_views", "Comment rate", "rate"),
    ("share_rate_by_views", "Share rate", "rate"),
    ("save_rate_by_views", "Save rate", "rate"),
    ("views_to_followers", "Views to followers", "number2"),
    ("mean_interactions_per_video", "Interactions per video", "count"),
)
CADENCE_FIGURES = (
    ("videos_per_week", "Videos per week", "number2"),
    ("median_gap_days", "Days between posts (median)", "number2"),
    ("regularity", "Posting regularity", "number3"),
    ("gap_cv", "Gap variation (CV)", "number3"),
    ("viral_hits", "Viral hits", "count"),
    ("viral_hit_share", "Viral hit share", "share"),
    ("viral_threshold_views", "Viral threshold", "count"),
    ("views_trend_pct_per_week", "Views trend", "signed_pct"),
)
GROWTH_FIGURES = (
    ("followers_gained", "Followers gained", "count"),
    ("followers_gained_per_day", "Followers per day", "number1"),
    ("followers_growth_pct", "Follower growth", "signed_pct"),
    ("likes_gained", "Likes gained", "count"),
    ("likes_gained_per_day", "Likes per day", "number1"),
    ("likes_growth_pct", "Likes growth", "signed_pct"),
    ("growth_span_days", "Span between scrapes (days)", "number1"),
)
PERFORMANCE_COUNTS = (
    ("views", "Views"),
    ("likes", "Likes"),
    ("comments", "Comments"),
    ("shares", "Shares"),
    ("saves", "Saves"),
)
PROFILE_NUMBERS = (
    ("tempo_bpm", "Tempo", "BPM"),
    ("energy", "Energy", "0 calm – 1 intense"),
    ("valence", "Valence", "0 sad – 1 happy"),
    ("arousal", "Arousal", "0 calm – 1 excited"),
    ("danceability", "Danceability", "0–1"),
)
LIFT_ATTRIBUTES = {"tempo_band": "Tempo band", "mood": "Mood", "genre": "Genre"}
TEMPO_BAND_LABELS = {
    "slow": "Slow <90",
    "mid": "Mid 90–115",
    "upbeat": "Upbeat 115–135",
    "fast": "Fast ≥135",
}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: Any
    kind: str
    formula: str


def figures(values: dict[str, Any], spec: tuple[tuple[str, str, str], ...]) -> list[Figure]:
    """The figures of one section in the order of `spec`, missing ones as None (shown "–")."""
    return [
        Figure(key, label, values.get(key), kind, METRIC_FORMULAS.get(key, ""))
        for key, label, kind in spec
    ]


def weights_rows(weights: Any, labels: dict[str, str]) -> list[tuple[str, float]]:
    """{key: weight} as (display label, weight) rows, heaviest first."""
    if not isinstance(weights, dict):
        return []
    rows = [(labels.get(k, k), float(v)) for k, v in weights.items() if isinstance(v, int | float)]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def iso_datetime(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def stored_analysis(author: Author) -> AuthorAnalysis | None:
    """The analysis the selector joined, or None for a creator not analysed yet."""
    return related_or_none(author, "analysis")


def list_row(author: Author) -> dict[str, Any]:
    """One row of the creators list: the annotated author plus their main category's evidence."""
    analysis = stored_analysis(author)
    categories = (analysis.metrics.get("content") or {}).get("top_categories") if analysis else []
    return {
        "author": author,
        "analysis": analysis,
        "median_views": analysis.median_views if analysis else None,
        "top_category": categories[0] if categories else None,
        "videos_with_category": (
            (analysis.metrics.get("content") or {}).get("videos_with_category") if analysis else 0
        ),
    }


def tiktok_account(author: Author) -> AuthorSource | None:
    """The account the list and the analysis read: TikTok, the most recently scraped one."""
    accounts = list(author.sources.all())
    tiktok = [s for s in accounts if s.platform == Platform.TIKTOK]
    return (tiktok or accounts or [None])[0]


def analysis_sections(
    metrics: dict[str, Any], track_pages: dict[tuple[str, str], int]
) -> dict[str, Any]:
    """Every section of the creator page, from the stored metrics; `track_pages` links the top
    tracks to their track pages (`selectors.author_track_pages` of `top_track_names`)."""
    performance = metrics.get("performance") or {}
    growth = metrics.get("growth") or {}
    music = metrics.get("music") or {}
    profile = metrics.get("content_profile") or {}
    consistency = profile.get("consistency") or {}
    return {
        "performance_rows": [
            {
                "label": label,
                "mean": performance.get(f"mean_{key}"),
                "median": performance.get(f"median_{key}"),
                "formula": METRIC_FORMULAS.get(f"median_{key}", ""),
            }
            for key, label in PERFORMANCE_COUNTS
        ],
        "engagement_figures": figures(metrics.get("engagement") or {}, ENGAGEMENT_FIGURES),
        "cadence_figures": figures(metrics.get("cadence") or {}, CADENCE_FIGURES),
        "growth_figures": figures(growth, GROWTH_FIGURES),
        "has_growth": growth.get("growth_span_days") is not None,
        "genre_mix": weights_rows(music.get("genre_mix"), GENRES),
        "mood_mix": weights_rows(music.get("mood_mix"), MOODS),
        "tempo_mix": weights_rows(music.get("tempo_band_mix"), TEMPO_BAND_LABELS),
        "lifts": lift_groups(music.get("attribute_lift") or []),
        "top_tracks": top_tracks(music.get("top_tracks") or [], track_pages),
        "profile_numbers": [
            {
                "key": key,
                "label": label,
                "unit": unit,
                "value": profile.get(key),
                "consistency": consistency.get(key),
            }
            for key, label, unit in PROFILE_NUMBERS
        ],
        "profile_genres": weights_rows(profile.get("genres"), GENRES),
        "profile_moods": weights_rows(profile.get("moods"), MOODS),
        "min_lift_videos": MIN_VIDEOS_FOR_LIFT,
    }


def lift_groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Attribute lift rows grouped by attribute, with values shown by their display names."""
    labels = {"tempo_band": TEMPO_BAND_LABELS, "mood": MOODS, "genre": GENRES}
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        attribute = row.get("attribute", "")
        value = row.get("value", "")
        groups.setdefault(attribute, []).append(
            {**row, "label": labels.get(attribute, {}).get(value, value)}
        )
    return [
        {"attribute": attribute, "label": LIFT_ATTRIBUTES.get(attribute, attribute), "rows": rows}
        for attribute, rows in groups.items()
    ]


def top_track_names(metrics: dict[str, Any]) -> list[tuple[str, str]]:
    """(title, artist) of the analysis's top tracks, as it names them."""
    rows = (metrics.get("music") or {}).get("top_tracks") or []
    return [(row.get("title", ""), row.get("artist", "")) for row in rows]


def top_tracks(
    rows: list[dict[str, Any]], track_pages: dict[tuple[str, str], int]
) -> list[dict[str, Any]]:
    """Top tracks with the catalogue track's page where one of the creator's videos uses it.

    The analysis keys tracks by TikTok's music id and title/artist; `track_pages` maps the
    title and artist, as the analysis reads them, to the Music row the creator's videos use.
    """
    return [
        {**row, "music_pk": track_pages.get((row.get("title", ""), row.get("artist", "")))}
        for row in rows
    ]


def mood_source(detail: Any) -> str:
    """Where a video's mood was read from, as its row says it beside the mood: the signals
    behind the valence and arousal it was placed by (soundtrack, sound metadata, visual pace,
    picture, caption) and "caption" when the caption's mood words and emoji count, as
    `videos.content.fusion` records them. "" when the analysis holds no mood evidence."""
    evidence = detail.get("evidence") if isinstance(detail, dict) else None
    moods = evidence.get("moods") if isinstance(evidence, dict) else None
    if not isinstance(moods, dict):
        return ""
    names: list[str] = []
    signals = moods.get("signals") or {}
    if signals.get("valence") is not None and signals.get("arousal") is not None:
        for axis in ("valence", "arousal"):
            weights = (evidence.get(axis) or {}).get("weights") or {}
            names.extend("caption" if key == "text" else key for key in weights)
    if (moods.get("text_share") or 0) > 0:
        names.append("caption")
    return " + ".join(dict.fromkeys(names))


def video_row(video: Video, start: datetime | None, end: datetime | None) -> dict[str, Any]:
    links = list(video.music_links.all())
    in_window = bool(
        start and end and video.posted_at is not None and start <= video.posted_at <= end
    )
    content = related_or_none(video, "content_analysis")
    return {
        "video": video,
        "music": links[0].music if links else None,
        "content": content,
        "mood_source": mood_source(content.detail) if content is not None else "",
        "in_window": in_window,
    }


def views_chart(points: Iterable[dict[str, Any]], metrics: dict[str, Any]) -> dict[str, Any] | None:
    """Views per video by posting date, with the window's median and the viral threshold drawn
    as lines; `points` are {posted_at, views, caption} of the dated videos with views, oldest
    first (`videos.selectors.video_views_points`). None when there is none."""
    points = list(points)
    if not points:
        return None
    median = (metrics.get("performance") or {}).get("median_views")
    threshold = (metrics.get("cadence") or {}).get("viral_threshold_views")
    datasets: list[dict[str, Any]] = [{"label": "Views", "data": [p["views"] for p in points]}]
    if median:
        datasets.append(
            {"label": "Median views (window)", "data": [median] * len(points), "line": "dash"}
        )
    if threshold:
        datasets.append(
            {
                "label": "Viral threshold (3 × median)",
                "data": [threshold] * len(points),
                "line": "dot",
            }
        )
    return {
        "type": "line",
        "labels": [f"{p['posted_at']:%d %b %Y}" for p in points],
        "notes": [(p["caption"] or "").strip()[:80] for p in points],
        "datasets": datasets,
        "y": {"title": "views (log scale)", "log": True},
    }


def genre_chart(metrics: dict[str, Any]) -> dict[str, Any] | None:
    mix = weights_rows((metrics.get("music") or {}).get("genre_mix"), GENRES)
    if not mix:
        return None
    return {
        "type": "bar",
        "labels": [label for label, _ in mix],
        "datasets": [{"label": "Share of videos", "data": [round(w * 100, 1) for _, w in mix]}],
        "horizontal": True,
        "y": {"title": "% of videos with a music descriptor", "percent": True},
    }


def job_count_rows(counts: Any) -> list[tuple[str, str]]:
    """A Job's counts ({step: {done: 3, created: {videos: 8}}} or {done: 3}) as readable rows."""
    if not isinstance(counts, dict):
        return []
    return [(_words(step).capitalize(), _count_text(value)) for step, value in counts.items()]


def _count_text(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    parts = []
    for key, inner in value.items():
        if isinstance(inner, dict):
            listed = ", ".join(f"{_words(k)} {v}" for k, v in inner.items() if v)
            parts.append(f"{_words(key)}: {listed or 'none'}")
        else:
            parts.append(f"{_words(key)} {inner}")
    return " · ".join(parts)


def _words(key: Any) -> str:
    return str(key).replace("_", " ")
