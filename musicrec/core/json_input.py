"""Limits on JSON that comes from outside: nesting depth, NaN, and text a database refuses.

- Depth: Python's decoder recurses once per level, so a body nested 100,000 deep raised
  RecursionError (a 500) wherever it was read, and a few hundred levels break later steps that
  recurse (`json.dumps` into a JSON column, the flat-export unflattening). No scrape or API body
  we read nests past a dozen levels; deeper than MAX_JSON_DEPTH is refused with a reason.
- NaN and Infinity: Python's decoder accepts them, PostgreSQL's jsonb does not.
- Text: PostgreSQL refuses NUL (U+0000) in text and jsonb, and no database driver can encode a
  lone UTF-16 surrogate (`"\\ud800"` in JSON decodes to one). Scrapers copy NULs from captions
  now and then; both are cleaned (`sanitize`): NULs dropped, lone surrogates turned into U+FFFD.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Levels of objects and lists; real scrapes use about ten (itemList[] > music > tt2dsp > ...).
MAX_JSON_DEPTH = 64

_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


class JsonTooDeep(ValueError):
    """JSON nested past the limit; the message says how deep it may go."""

    def __init__(self, limit: int = MAX_JSON_DEPTH) -> None:
        self.limit = limit
        super().__init__(f"JSON nested deeper than {limit} levels")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """`json.loads`, refusing nesting past `max_depth` (JsonTooDeep) and NaN/Infinity
    (ValueError), with its text `sanitize`d. Other ValueErrors (JSONDecodeError, an integer
    of more than 4,300 digits) pass through for the caller to word."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise JsonTooDeep(max_depth) from None
    check_depth(value, max_depth=max_depth)
    return sanitize(value)


def check_depth(value: Any, *, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Raise JsonTooDeep when decoded JSON nests objects or lists past `max_depth` levels.

    Iterative, so it cannot overflow the stack it protects.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > max_depth:
            raise JsonTooDeep(max_depth)
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def sanitize(value: Any) -> Any:
    """`value` with NULs dropped and lone surrogates replaced in every string and object key.

    Returns `value` itself when it needs nothing (one walk, no copy). Recurses per level: call
    it on depth-checked data.
    """
    if not _needs_cleaning(value):
        return value
    return _cleaned(value)


def clean_text(text: str) -> str:
    """One string as `sanitize` leaves it."""
    if not _BAD_TEXT.search(text):
        return text
    text = text.replace("\x00", "")
    # Lone surrogates cannot be encoded; the round trip through UTF-16 marks them U+FFFD.
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _needs_cleaning(value: Any) -> bool:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if _BAD_TEXT.search(node):
                return True
        elif isinstance(node, dict):
            for key, child in node.items():
                if isinstance(key, str) and _BAD_TEXT.search(key):
                    return True
                stack.append(child)
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {_cleaned(key): _cleaned(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_cleaned(child) for child in value]
    return value
