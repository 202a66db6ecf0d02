"""A stored recommendation run as a CSV table, shared by the dashboard download and the API."""

from __future__ import annotations

from musicrec.csv_export import CsvTable
from recommendations.models import RecommendationRun
from recommendations.weights import COMPONENTS

LEADING = ("rank", "music_id", "title", "artist", "score")


def run_table(run: RecommendationRun) -> CsvTable:
    """One row per item in rank order: rank, track, score, each component's 0-1 score (a column
    per component any item has, in the engine's order) and the reasons joined by " | ".
    Reads the run's prefetched items (`selectors.run_get`)."""
    items = list(run.items.all())
    seen = {name for item in items for name in (item.components or {})}
    names = [n for n in COMPONENTS if n in seen] + sorted(seen - set(COMPONENTS))
    # "tempo_score", not "tempo": a spreadsheet reader would take 0.8 in a "tempo" column for BPM.
    header = [*LEADING, *(f"{n}_score" for n in names), "reasons"]
    rows = [
        [
            item.rank,
            item.music_id,
            item.music.title,
            item.music.artist_name or (item.music.artist.name if item.music.artist else ""),
            round(item.score, 4),
            *[
                None if (item.components or {}).get(n) is None else round(item.components[n], 4)
                for n in names
            ],
            list(item.reasons or []),
        ]
        for item in items
    ]
    return CsvTable(header, rows)
