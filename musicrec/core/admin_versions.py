"""Admin edits that change what the recommender's caches read bump the data versions."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from musicrec.core.versions import data_changed


class BumpsDataVersions:
    """Mixed into a ModelAdmin: saving (inlines included) or deleting bumps `data_versions`.

    The admin's change and delete views run in a transaction, so the bump commits with the edit
    (`musicrec.core.versions`).
    """

    data_versions: tuple[str, ...] = ()

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        data_changed(*self.data_versions)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        data_changed(*self.data_versions)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        super().delete_model(request, obj)  # type: ignore[misc]
        data_changed(*self.data_versions)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        data_changed(*self.data_versions)
