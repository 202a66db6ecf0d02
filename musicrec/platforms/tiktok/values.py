"""Reading loosely typed scrape JSON: counts, ids, times and flags, each with its JSON path.

Scrapers disagree about types (a count is `604`, `"604"`, `"1,234"` or `"1.2M"`; an id is a string
or a JSON number; a time is unix seconds, a numeric string or ISO 8601), and keys come and go
between versions. These helpers absorb that once, and when a value is truly wrong they name the
exact place (`$.itemList[3].stats.playCount`) so a curator can open the file and find it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NoReturn

Key = str | int


class ScrapeError(ValueError):
    """A scrape result that cannot be read: names the file, the JSON path and the reason.

    Reads as "file.json: $.itemList[3].stats.playCount: negative count -5"; parts that are not
    known (a file-level problem has no JSON path) are left out.
    """

    def __init__(self, reason: str, *, path: str | None = None, json_path: str | None = None):
        self.path = path
        self.json_path = json_path
        self.reason = reason
        super().__init__(reason)

    def __str__(self) -> str:
        return ": ".join(part for part in (self.path, self.json_path, self.reason) if part)


class InvalidValue(ValueError):
    """A single value failed to coerce; the caller adds where it was found."""


# --- Coercion -------------------------------------------------------------------------------

_COUNT_RE = re.compile(r"^(\d+(?:\.\d+)?)([kmb])?$", re.IGNORECASE)
_SUFFIX = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}
# Thousands separators seen in display strings: comma, underscore, spaces (incl. thin/nbsp).
_SEPARATORS = str.maketrans("", "", ",_ \u00a0\u202f")
# 2**53: above this a JSON number has already lost digits in JavaScript-produced files.
_SAFE_INT = 2**53
# Counts are stored in 64-bit columns; a larger one is a broken scrape, not a record.
MAX_COUNT = 2**63 - 1
_MAX_COUNT_DIGITS = len(str(MAX_COUNT))
# Ids are stored in 64-character columns (TikTok's are 19 digits).
MAX_ID_LENGTH = 64
# Unix-time plausibility window (TikTok's predecessor musical.ly launched in 2014).
_MIN_DATETIME = datetime(2000, 1, 1, tzinfo=UTC)
_MAX_DATETIME = datetime(2100, 1, 1, tzinfo=UTC)
_MIN_TIME = _MIN_DATETIME.timestamp()
_MAX_TIME = _MAX_DATETIME.timestamp()
# Links we store and show: the web's own schemes only, never javascript:, data: or file:.
_WEB_URL = re.compile(r"^https?://[^\s\x00-\x1f\x7f]+$", re.IGNORECASE)


def parse_count(value: Any) -> int | None:
    """A non-negative count from an int, a float, "1,234", "1.2M" or "304.9K"; None if blank."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidValue(f"non-numeric count {shorten(value)}")
    if isinstance(value, int):
        if value < 0:
            raise InvalidValue(f"negative count {shorten(value)}")
        return _bounded_count(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidValue(f"non-numeric count {shorten(value)}")
        if value < 0:
            raise InvalidValue(f"negative count {value:g}")
        if value > MAX_COUNT:
            raise InvalidValue(f"count {value:g} is too large (over 2^63 - 1)")
        return _bounded_count(round(value))
    if isinstance(value, str):
        text = value.strip().translate(_SEPARATORS)
        if text.startswith("-") and _COUNT_RE.match(text[1:]):
            raise InvalidValue(f"negative count {shorten(value.strip())}")
        match = _COUNT_RE.match(text)
        if not match:
            raise InvalidValue(f"non-numeric count {shorten(value)!r}")
        number, suffix = match.groups()
        if len(number.partition(".")[0]) > _MAX_COUNT_DIGITS:
            raise InvalidValue(f"count {shorten(value.strip())} is too large (over 2^63 - 1)")
        if suffix:
            return _bounded_count(round(float(number) * _SUFFIX[suffix.lower()]))
        if "." in number:
            return _bounded_count(round(float(number)))
        return _bounded_count(int(number))
    raise InvalidValue(f"non-numeric count {shorten(value)!r}")


def _bounded_count(number: int) -> int:
    if number > MAX_COUNT:
        raise InvalidValue(f"count {shorten(number)} is too large (over 2^63 - 1)")
    return number


def shorten(value: Any, limit: int = 40) -> str:
    """A value as an error message quotes it: never thousands of characters or digits."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**limit:
        return f"a {'negative ' if value < 0 else ''}number of over {limit} digits"
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_id(value: Any) -> str | None:
    """A platform id as a string (ids are 19-digit numbers and must never pass through floats)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        if abs(value) >= 10**MAX_ID_LENGTH:
            raise InvalidValue(f"id {shorten(value)} is longer than {MAX_ID_LENGTH} digits")
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _SAFE_INT:
            return str(int(value))
        raise InvalidValue(f"id {value!r} is not an exact integer (digits were lost)")
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_ID_LENGTH:
            raise InvalidValue(f"id {shorten(text)!r} is longer than {MAX_ID_LENGTH} characters")
        return text or None
    raise InvalidValue(f"id {shorten(value)} is not a string or a number")


def parse_time(value: Any) -> datetime | None:
    """An aware UTC datetime from unix seconds (or milliseconds), a numeric string or ISO 8601.

    0 and "" are TikTok's placeholders for "unknown" and give None.
    """
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, bool):
        raise InvalidValue(f"bad createTime {shorten(value)}")
    seconds: float | None = None
    if isinstance(value, int | float):
        seconds = float(value) if abs(value) < 1e300 else math.inf
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[0-9]{1,30}(\.[0-9]{1,30})?", text):
            seconds = float(text)
        else:
            return _iso_time(text, value)
    else:
        raise InvalidValue(f"bad createTime {shorten(value)}")
    if not math.isfinite(seconds):
        raise InvalidValue(f"bad createTime {shorten(value)}")
    if seconds >= 1e11:  # a millisecond timestamp (JavaScript's Date.now())
        seconds /= 1000.0
    if not _MIN_TIME <= seconds < _MAX_TIME:
        raise InvalidValue(f"bad createTime {shorten(value)} (outside 2000-2100)")
    return datetime.fromtimestamp(seconds, tz=UTC)


def _iso_time(text: str, value: Any) -> datetime:
    """An ISO 8601 time, held to the same 2000-2100 window as the numeric ones (a year-9999
    `createTimeISO` used to pass)."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidValue(f"bad createTime {shorten(value)!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        parsed = parsed.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 with an offset that leaves the calendar
        raise InvalidValue(f"bad createTime {shorten(value)!r} (outside 2000-2100)") from None
    if not _MIN_DATETIME <= parsed < _MAX_DATETIME:
        raise InvalidValue(f"bad createTime {shorten(value)!r} (outside 2000-2100)")
    return parsed


def parse_text(value: Any) -> str | None:
    """A stripped string, None when blank; numbers are accepted (handles can look numeric)."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    if isinstance(value, int) and abs(value) >= 10**MAX_ID_LENGTH:
        return None  # str() refuses integers of over 4,300 digits; no text is that number
    text = str(value).strip()
    return text or None


def web_url(text: str | None) -> str | None:
    """`text` when it is an http(s) URL, else None: only web links are stored and shown.

    A scrape's `webVideoUrl: "javascript:alert(document.domain)"` was stored and rendered as
    the creator page's link to the video.
    """
    return text if text is not None and _WEB_URL.match(text) else None


def parse_flag(value: Any) -> bool | None:
    """A boolean from true/false, 1/0 or "true"/"false" (flat exports stringify everything)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"true", "1", "yes"}:
            return True
        if lowered in {"false", "0", "no"}:
            return False
    return None


def parse_float(value: Any) -> float | None:
    """A positive float (durations, sizes); 0 and blanks are TikTok's "unknown"."""
    try:
        number = float(value) if value not in (None, "") and not isinstance(value, bool) else None
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int past float's range
        return None
    if number is None or not math.isfinite(number) or number <= 0:
        return None
    return number


# --- JSON paths -----------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# A list index in a flat key ("hashtags.0.name"): ASCII digits; "²" is a key, not an index.
_INDEX = re.compile(r"[0-9]{1,9}")
# Nesting a flat key may create: as deep as a JSON scrape may be (musicrec.core.json_input).
MAX_FLAT_KEY_PARTS = 64


def render_path(keys: Iterable[Key]) -> str:
    """`$.itemList[3].stats.playCount`; keys that are not identifiers are quoted (`$["a.b"]`)."""
    parts = ["$"]
    for key in keys:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif _IDENTIFIER.match(key):
            parts.append(f".{key}")
        else:
            parts.append(f"[{json.dumps(key, ensure_ascii=False)}]")
    return "".join(parts)


def unflatten(item: dict[str, Any]) -> tuple[dict[str, Any], dict[tuple[Key, ...], str]]:
    """Turn a flat export row (`{"authorMeta.name": …, "hashtags.0.name": …}`) into nested data.

    Returns the nested item and, for every value that came from a flat key, the original key, so
    errors can point at `$[0]["authorMeta.fans"]`, the text a person will search for in the file.
    Keys may use "." or "/" (Apify's CSV flattening) as separators.
    """
    nested: dict[str, Any] = {}
    origin: dict[tuple[Key, ...], str] = {}
    for flat_key, value in item.items():
        parts: list[Key] = [
            int(p) if _INDEX.fullmatch(p) else p for p in re.split(r"[./]", flat_key) if p != ""
        ]
        if len(parts) > MAX_FLAT_KEY_PARTS:
            raise InvalidValue(
                f"flat key {shorten(flat_key)!r} has {len(parts)} parts, more than "
                f"{MAX_FLAT_KEY_PARTS}"
            )
        if len(parts) <= 1 or isinstance(parts[0], int):
            _merge_into(nested, flat_key, value)
            continue
        origin[tuple(parts)] = flat_key
        node: dict[Any, Any] = nested
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {} if child is None else _as_index_dict(child)
                node[part] = child
            node = child
        node[parts[-1]] = value
    return _lists_from_index_dicts(nested), origin


def _merge_into(nested: dict[str, Any], key: str, value: Any) -> None:
    existing = nested.get(key)
    if isinstance(existing, dict) and isinstance(value, dict):
        existing.update(value)
    else:
        nested[key] = value


def _as_index_dict(value: Any) -> dict[Any, Any]:
    return dict(enumerate(value)) if isinstance(value, list) else {}


def _lists_from_index_dicts(node: Any) -> Any:
    if isinstance(node, dict):
        converted = {key: _lists_from_index_dicts(value) for key, value in node.items()}
        if converted and all(isinstance(key, int) for key in converted):
            return [converted[key] for key in sorted(converted)]
        return converted
    if isinstance(node, list):
        return [_lists_from_index_dicts(value) for value in node]
    return node


@dataclass(frozen=True)
class Node:
    """A value in a scrape with its place in the file, so every read can report where it failed.

    `base` is the path from the document root to the item; `rel` the keys inside the item. For a
    flat-export item, `origin` maps nested keys back to the flat key they were read from.
    """

    value: Any
    source: str
    base: tuple[Key, ...] = ()
    rel: tuple[Key, ...] = ()
    origin: dict[tuple[Key, ...], str] = field(default_factory=dict, compare=False)

    def get(self, *keys: Key) -> Any:
        node: Any = self.value
        for key in keys:
            if isinstance(key, int):
                in_range = isinstance(node, list) and -len(node) <= key < len(node)
                node = node[key] if in_range else None
            else:
                node = node.get(key) if isinstance(node, dict) else None
            if node is None:
                return None
        return node

    def child(self, *keys: Key) -> Node:
        return Node(self.get(*keys), self.source, self.base, self.rel + keys, self.origin)

    def items(self, *keys: Key) -> Iterator[Node]:
        """The elements of a list at `keys` (nothing when absent or not a list)."""
        values = self.get(*keys)
        if isinstance(values, list):
            for index in range(len(values)):
                yield self.child(*keys, index)

    def has(self, *keys: Key) -> bool:
        return self.get(*keys) is not None

    def path(self, *keys: Key) -> str:
        rel = self.rel + keys
        for cut in range(len(rel), 0, -1):
            flat_key = self.origin.get(rel[:cut])
            if flat_key is not None:
                return render_path((*self.base, flat_key, *rel[cut:]))
        return render_path((*self.base, *rel))

    def fail(self, keys: tuple[Key, ...], reason: str) -> NoReturn:
        raise ScrapeError(reason, path=self.source, json_path=self.path(*keys))

    # Typed reads: each returns None for a missing key and raises ScrapeError for a bad value.

    def count(self, *candidates: tuple[Key, ...]) -> int | None:
        """The first present count among `candidates` (put exact sources such as statsV2 first)."""
        for keys in candidates:
            try:
                number = parse_count(self.get(*keys))
            except InvalidValue as error:
                self.fail(keys, str(error))
            if number is not None:
                return number
        return None

    def ident(self, *keys: Key) -> str | None:
        try:
            return parse_id(self.get(*keys))
        except InvalidValue as error:
            self.fail(keys, str(error))

    def require_id(self, *keys: Key, what: str = "id") -> str:
        value = self.ident(*keys)
        if value is None:
            self.fail(keys, f"missing {what}")
        return value

    def time(self, *keys: Key) -> datetime | None:
        try:
            return parse_time(self.get(*keys))
        except InvalidValue as error:
            self.fail(keys, str(error))

    def text(self, *candidates: tuple[Key, ...] | Key) -> str | None:
        """The first non-blank string; candidates are key tuples or single keys."""
        for keys in candidates:
            value = parse_text(self.get(*(keys if isinstance(keys, tuple) else (keys,))))
            if value is not None:
                return value
        return None

    def flag(self, *keys: Key) -> bool | None:
        return parse_flag(self.get(*keys))

    def number(self, *keys: Key) -> float | None:
        return parse_float(self.get(*keys))
