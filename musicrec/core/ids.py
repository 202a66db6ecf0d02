"""Whole numbers typed by people and programs: row ids, limits, page numbers.

`str.isdigit()` is true for "²" and "①", which `int()` refuses (a 500 wherever an id was
checked that way), and `int()` itself takes "٣" and " 7 ". Our parameters are ASCII digits
only. Ids above 2**63 - 1 name no row on any database, and SQLite's driver raises
OverflowError when asked for one, so they are refused here as well.
"""

from __future__ import annotations

import re

# BigAutoField's range, the same on SQLite and PostgreSQL.
MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]+")


def parse_whole_number(text: object, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """`text` as an int when it is ASCII digits within low..high, else None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        value = text
    elif isinstance(text, str) and _DIGITS.fullmatch(text) and len(text) <= 20:
        value = int(text)
    else:
        return None
    return value if low <= value <= high else None


def parse_id(text: object) -> int | None:
    """A row id (1..MAX_ID) from ASCII digits, else None."""
    return parse_whole_number(text, low=1)


def is_digits(text: object) -> bool:
    """Whether `text` is ASCII digits (an id, whether or not it is in range), not a name."""
    return isinstance(text, str) and _DIGITS.fullmatch(text) is not None
