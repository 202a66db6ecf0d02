"""Upsert machinery shared by every source table: read, merge field by field, bulk write."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import models

from musicrec.core.models import Platform

# Keys per `IN (...)` lookup: far below SQLite's 32,766 bound variables, one query for any scrape
# of realistic size.
LOOKUP_CHUNK = 10_000


@dataclass(frozen=True)
class SourceTable:
    """A platform-source table, the canonical table it points at, and what a scrape writes."""

    model: type[models.Model]
    owner_model: type[models.Model]
    owner: str  # the foreign key to the canonical row: "author", "video", "music"
    fields: tuple[str, ...]  # latest values a scrape writes
    stamp: str  # when the source was last seen

    @property
    def owner_id(self) -> str:
        return f"{self.owner}_id"


@dataclass
class Upserted:
    """The outcome of one source upsert, keyed by external id."""

    source_ids: dict[str, int] = field(default_factory=dict)
    owner_ids: dict[str, int] = field(default_factory=dict)
    objects: dict[str, models.Model] = field(default_factory=dict)
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)  # rows before the import
    newer: dict[str, bool] = field(default_factory=dict)  # this scrape is the latest for it
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


def upsert_sources(
    table: SourceTable,
    values: dict[str, dict[str, Any]],
    raws: dict[str, dict[str, Any]],
    taken_at: datetime,
    create_owners: Callable[[list[str]], dict[str, int]],
    *,
    extra: tuple[str, ...] = (),
) -> Upserted:
    # Sorted keys give every import the same lock order, so two concurrent imports cannot
    # deadlock on each other's rows.
    keys = sorted(values)
    out = Upserted()
    rows = rows_in(
        table.model.objects.filter(platform=Platform.TIKTOK),
        "external_id",
        keys,
        "id",
        "external_id",
        table.owner_id,
        table.stamp,
        *table.fields,
        *extra,
    )
    out.stored = {row["external_id"]: row for row in rows}
    out.new = [key for key in keys if key not in out.stored]
    out.owner_ids = {key: row[table.owner_id] for key, row in out.stored.items()}
    out.owner_ids.update(create_owners(out.new))
    model_fields = {f.name: f for f in table.model._meta.concrete_fields}

    latest: list[models.Model] = []
    older: list[models.Model] = []
    for key in keys:
        stored = out.stored.get(key)
        seen = stored[table.stamp] if stored else None
        newer = seen is None or taken_at >= seen
        merged = {}
        for name in table.fields:
            value = clip(table.model, name, values[key][name])
            if stored is not None:
                value = _newest(value, stored[name], newer=newer)
            merged[name] = model_fields[name].get_default() if value is None else value
        if stored is not None and any(merged[n] != stored[n] for n in table.fields):
            out.changed.append(key)
        obj = table.model(
            platform=Platform.TIKTOK,
            external_id=key,
            raw=raws[key] or {},
            **{table.stamp: taken_at if newer else seen, table.owner_id: out.owner_ids[key]},
            **merged,
        )
        out.newer[key] = newer
        out.objects[key] = obj
        (latest if newer else older).append(obj)
    _bulk_upsert(table.model, latest, [*table.fields, "raw", table.stamp])
    # An older scrape only fills blanks; its raw JSON does not replace the newer one.
    _bulk_upsert(table.model, [o for o in older if o.external_id in out.changed], table.fields)
    for key, stored in out.stored.items():
        out.objects[key].pk = stored["id"]  # also for the older rows that were not written
    out.source_ids = {key: obj.pk for key, obj in out.objects.items()}
    _settle_races(table, out)
    return out


def _settle_races(table: SourceTable, out: Upserted) -> None:
    """Use the canonical row of a source another import inserted between our read and write."""
    if not out.new:
        return
    actual = dict(
        table.model.objects.filter(pk__in=[out.source_ids[key] for key in out.new]).values_list(
            "external_id", table.owner_id
        )
    )
    lost = [key for key in out.new if actual[key] != out.owner_ids[key]]
    if not lost:
        return
    table.owner_model.objects.filter(pk__in=[out.owner_ids[key] for key in lost]).delete()
    for key in lost:
        out.owner_ids[key] = actual[key]
        setattr(out.objects[key], table.owner_id, actual[key])
    out.new = [key for key in out.new if key not in lost]
    out.changed.extend(lost)


def _bulk_upsert(model: type[models.Model], objs: list[models.Model], fields: Iterable[str]):
    if objs:
        model.objects.bulk_create(
            objs,
            update_conflicts=True,
            unique_fields=["platform", "external_id"],
            update_fields=list(fields),
        )


def _newest(value: Any, stored: Any, *, newer: bool) -> Any:
    """The newer scrape's value where it has one; the other fills in what it lacks."""
    first, second = (value, stored) if newer else (stored, value)
    return first if first is not None and first != "" else second


def create_owners(
    model: type[models.Model], keys: list[str], rows: list[models.Model]
) -> dict[str, int]:
    if not rows:
        return {}
    model.objects.bulk_create(rows)
    return {key: row.pk for key, row in zip(keys, rows, strict=True)}


def add_snapshots(
    model: type[models.Model], snapshots: list[models.Model], taken_at: datetime
) -> int:
    """Insert the snapshots whose source has none at `taken_at` yet; returns how many."""
    if not snapshots:
        return 0
    have = {
        row["source_id"]
        for row in rows_in(
            model.objects.filter(taken_at=taken_at),
            "source_id",
            [s.source_id for s in snapshots],
            "source_id",
        )
    }
    todo = [s for s in snapshots if s.source_id not in have]
    model.objects.bulk_create(todo)
    return len(todo)


def add_count_snapshots(
    model: type[models.Model],
    records: Iterable[Any],
    source_ids: dict[str, int],
    counts: tuple[str, ...],
    taken_at: datetime,
) -> int:
    """Snapshot `counts` of every record that has at least one of them (see `add_snapshots`)."""
    snapshots = [
        model(
            source_id=source_ids[record.external_id],
            taken_at=taken_at,
            **{name: getattr(record, name) for name in counts},
        )
        for record in records
        if any(getattr(record, name) is not None for name in counts)
    ]
    return add_snapshots(model, snapshots, taken_at)


def rows_in(
    queryset: models.QuerySet,
    field_name: str,
    keys: Sequence[Any],
    *names: str,
    flat_pairs: bool = False,
) -> list[Any]:
    """`queryset.filter(<field>__in=keys).values(*names)`, a query per LOOKUP_CHUNK keys."""
    rows: list[Any] = []
    for start in range(0, len(keys), LOOKUP_CHUNK):
        chunk = queryset.filter(**{f"{field_name}__in": keys[start : start + LOOKUP_CHUNK]})
        chunk = chunk.order_by()  # model orderings would add joins and sorts nobody needs
        rows.extend(chunk.values_list(*names) if flat_pairs else chunk.values(*names))
    return rows


def clip(model: type[models.Model], name: str, value: Any) -> Any:
    """Fit text into its column: a cut URL is useless, so an over-long one is dropped instead."""
    if not isinstance(value, str):
        return value
    column = model._meta.get_field(name)
    limit = getattr(column, "max_length", None)
    if limit is None or len(value) <= limit:
        return value
    return "" if isinstance(column, models.URLField) else value[:limit]


def media_resolver(base: Path | None) -> Callable[[str | None], str]:
    root = Path(os.path.abspath(base)) if base is not None else None

    def resolve(reference: str | None) -> str:
        reference = (reference or "").strip()
        if not reference or "://" in reference or os.path.isabs(reference):
            return reference
        if root is None:
            # A path relative to a folder we were not given (an uploaded copy of a scrape that
            # shipped beside its media) can never be found: store no link, so the analysis is
            # text-only and says "no media" instead of failing once per file.
            return ""
        return os.path.normpath(root / reference)

    return resolve
