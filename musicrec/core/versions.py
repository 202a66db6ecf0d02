"""Explicit data versions: writers bump them, per-process caches compare them.

`data_changed(...)` is the one call a service makes after writing data a cache is built from; it
runs inside the writer's transaction (an UPDATE that also locks the counter row until commit),
so the new number becomes visible exactly when the data does. `data_versions(...)` reads the
counters in one query; `data_stamps(...)` reads them with the time each last changed, which is
what caches key on: a database that was reset or restored from a backup counts again from an
older number, but never with the same time.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone

from musicrec.core.models import DataVersion

CATALOGUE = DataVersion.CATALOGUE
USAGE = DataVersion.USAGE


def data_changed(*names: str) -> None:
    """Bump the named versions (`CATALOGUE`, `USAGE`); creates a missing counter."""
    for name in names:
        updated = DataVersion.objects.filter(name=name).update(
            number=F("number") + 1, changed_at=timezone.now()
        )
        if not updated:
            DataVersion.objects.get_or_create(
                name=name, defaults={"number": 1, "changed_at": timezone.now()}
            )


def data_versions(names: Iterable[str]) -> dict[str, int]:
    """The current number of each named version (0 for one never bumped), in one query."""
    wanted = list(names)
    found = dict(DataVersion.objects.filter(name__in=wanted).values_list("name", "number"))
    return {name: int(found.get(name, 0)) for name in wanted}


def data_stamps(names: Iterable[str]) -> dict[str, str]:
    """Each named version as "number@time it last changed" ("0" for one never bumped), in one
    query. The time tells two databases (or one before and after a reset) with the same number
    apart, so a per-process cache cannot serve arrays built from data that is gone."""
    wanted = list(names)
    found = {
        name: f"{number}@{changed_at:%Y-%m-%dT%H:%M:%S.%fZ}" if changed_at else str(number)
        for name, number, changed_at in DataVersion.objects.filter(name__in=wanted).values_list(
            "name", "number", "changed_at"
        )
    }
    return {name: found.get(name, "0") for name in wanted}
