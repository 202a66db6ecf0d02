"""What one stored scrape did, per table: returned to callers and recorded on Jobs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class IngestSummary:
    """What one stored scrape did, per table; `as_counts()` is what a Job records."""

    taken_at: datetime
    author_ids: list[int] = field(default_factory=list)
    video_ids: list[int] = field(default_factory=list)
    music_ids: list[int] = field(default_factory=list)
    main_author_id: int | None = None
    # The Author stored for each author id as the scrape gave it (a handle key may have joined
    # an account known by its numeric id).
    authors_by_scrape_id: dict[str, int] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    snapshots: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add(self, other: IngestSummary) -> None:
        """Fold another scrape's summary into this one (a command importing many files)."""
        for mine, theirs in (
            (self.created, other.created),
            (self.updated, other.updated),
            (self.snapshots, other.snapshots),
        ):
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0) + value
        self.author_ids = sorted({*self.author_ids, *other.author_ids})
        self.video_ids = sorted({*self.video_ids, *other.video_ids})
        self.music_ids = sorted({*self.music_ids, *other.music_ids})
        self.authors_by_scrape_id.update(other.authors_by_scrape_id)
        self.warnings.extend(other.warnings)

    def as_counts(self) -> dict[str, Any]:
        return {
            "created": dict(self.created),
            "updated": dict(self.updated),
            "snapshots": dict(self.snapshots),
            "authors": len(self.author_ids),
            "videos": len(self.video_ids),
            "music": len(self.music_ids),
            "warnings": len(self.warnings),
        }

    def describe(self) -> str:
        """One line for logs, messages and command output."""

        def part(counts: dict[str, int]) -> str:
            shown = [f"{value} {key.replace('_', ' ')}" for key, value in counts.items() if value]
            return ", ".join(shown) or "nothing"

        return (
            f"{len(self.author_ids)} authors, {len(self.video_ids)} videos, "
            f"{len(self.music_ids)} sounds; created {part(self.created)}; "
            f"updated {part(self.updated)}; snapshots {part(self.snapshots)}"
        )
