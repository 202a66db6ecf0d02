"""The `<id:…>` URL converter: a row id, ASCII digits within the 64-bit range.

Django's `<int:…>` matches any run of digits; an id past 2**63 - 1 then reached the database,
where SQLite's driver raised OverflowError (a 500). Such an id names no row, so the URL does
not match and the answer is a 404 (JSON under /api/, musicrec.core.handlers).
"""

from __future__ import annotations

from django.urls import register_converter

from musicrec.core.ids import parse_id


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(f"not a row id: {value}")
        return parsed

    def to_url(self, value: int | str) -> str:
        return str(value)


def register() -> None:
    register_converter(IdConverter, "id")
