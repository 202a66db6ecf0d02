"""CSV out of the product: one table shape for the API's CSV renderer and the dashboard downloads.

Cells are written as Python's csv module writes them (RFC 4180 quoting, UTF-8). Text that a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return: creator
names and captions come from scrapes) is prefixed with an apostrophe, as OWASP advises; numbers
are written as they are, negative ones included. Dashboard downloads start with a UTF-8 byte
order mark so spreadsheet programs read emoji and accents right; API answers do not (clients
parse them).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.http import HttpResponse
from rest_framework.renderers import BaseRenderer

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = " | "


@dataclass(frozen=True)
class CsvTable:
    header: Sequence[str]
    rows: Iterable[Sequence[Any]] = field(default_factory=list)


def csv_cell(value: Any) -> Any:
    """One value as a cell: empty for None, ISO for dates, lists joined, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = LIST_SEPARATOR.join(str(csv_cell(v)) for v in value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_text(table: CsvTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def csv_download(table: CsvTable, filename: str) -> HttpResponse:
    """A dashboard download: attachment, UTF-8 with a byte order mark for spreadsheets."""
    response = HttpResponse(
        ("\ufeff" + csv_text(table)).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _as_table(data: Any) -> CsvTable:
    """What a view returned, as a table: a CsvTable as is; a dict (an error body, say) as one
    row; a list of dicts with the union of their keys, in first-seen order."""
    if isinstance(data, CsvTable):
        return data
    if isinstance(data, dict):
        return CsvTable(list(data), [list(data.values())])
    if isinstance(data, list):
        header: dict[str, None] = {}
        for row in data:
            header.update(dict.fromkeys(row))
        return CsvTable(list(header), [[row.get(k) for k in header] for row in data])
    return CsvTable(["value"], [[data]])


class CSVRenderer(BaseRenderer):
    """`Accept: text/csv` or `?format=csv` on the views that list it; UTF-8, no BOM."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        return csv_text(_as_table(data)).encode(self.charset)
