"""Explicit data versions: writers bump them, per-process caches compare them.

`data_changed(...)` is the one call a service makes after writing data a cache is built from; it
runs inside the writer's transaction (an UPDATE that also locks the counter row until commit),
so the new number becomes visible exactly when the data does. `data_versions(...)` reads the
counters in one query.
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
