"""Hypothesis strategies that damage real scrapes: for the parsers' property tests.

Every shape we read starts from a real file (the samples, the demo set's scrapes, the
hand-written creators CSV) or from the synthetic generators in musicrec.tests.scrapes, and is
then mutated the ways scrapers and people break files: a field dropped, a value of another
type, huge and negative numbers, odd text (NUL, lone surrogates, `javascript:` links, other
scripts' digits), nesting far too deep, a CSV cell or column changed.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from hypothesis import strategies as st

from musicrec.tests.scrapes import CREATORS_CSV, apify_dataset, creators_csv

ROOT = Path(settings.BASE_DIR)
SAMPLES = ROOT / "musicrec" / "platforms" / "tests" / "fixtures" / "samples"
DEMO_SCRAPES = ROOT / "sample_data" / "demo" / "scrapes"

Path_ = tuple[Any, ...]


@cache
def json_samples() -> dict[str, Any]:
    """One document of every JSON shape, by name: real samples, demo scrapes, generated data."""
    samples = {path.name: json.loads(path.read_text()) for path in sorted(SAMPLES.glob("*.json"))}
    # The demo set holds the three shapes our own scrapes come in; one file of each.
    seen: set[str] = set()
    for path in sorted(DEMO_SCRAPES.glob("*/*.json")):
        data = json.loads(path.read_text())
        kind = type(data).__name__ + ",".join(sorted(data)[:3] if isinstance(data, dict) else "")
        if kind not in seen:
            seen.add(kind)
            samples[f"demo-{path.parent.name}-{path.name}"] = _trim(data)
    generated = apify_dataset(authors=2, videos_per_author=3, sounds=4, seed=14)
    samples["generated-apify.json"] = generated
    samples["generated-apify-flat.json"] = [_flatten(item) for item in generated]
    return samples


@cache
def csv_samples() -> dict[str, str]:
    return {
        CREATORS_CSV.name: CREATORS_CSV.read_text(),
        "generated-creators.csv": creators_csv(creators=2, videos_per_creator=3, seed=14),
    }


def _trim(data: Any) -> Any:
    """The first few videos of a demo scrape: the same shape, fewer rows to mutate."""
    if isinstance(data, list):
        return data[:4]
    data = dict(data)
    for key in ("itemList", "collector"):
        if isinstance(data.get(key), list):
            data[key] = data[key][:4]
    return data


def _flatten(item: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """An Apify item as its flattened export writes it: `{"authorMeta.name": ...}`."""
    flat: dict[str, Any] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for index, child in enumerate(value):
                flat.update(_flatten(child, f"{name}.{index}."))
        else:
            flat[name] = value
    return flat


# --- Values a scraper or a person might leave in a field ------------------------------------

HOSTILE_TEXT = [
    "",
    " ",
    "a\x00b",
    "\x00",
    "\ud800",
    "x\udfffy",
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    " java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "<script>alert(1)</script>",
    "²",
    "٣٤",
    "1e999",
    "NaN",
    "-1",
    "-1.5K",
    "99999999999999999999999",
    "9" * 5000,
    "1.2M",
    "9999-12-31T23:59:59+00:00",
    "0001-01-01T00:00:00+14:00",
    "2026-02-30T00:00:00",
    "0119-04-07T06:29:09-19:58",
    "Share",
    "True",
    "original sound - x",
    "𝕏" * 600,
    "a" * 5000,
    "../../etc/passwd",
]
# Up to 4,000 digits: Python (and so every JSON we decode) refuses integers past 4,300.
HUGE_NUMBERS = [2**63, 2**63 - 1, 2**64, -(2**63) - 1, 10**30, -(10**30), 10**4000, -(10**4000)]


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.sampled_from(HUGE_NUMBERS),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(HOSTILE_TEXT),
        st.text(max_size=30),
    )


def values() -> st.SearchStrategy[Any]:
    """Any JSON-like value: scalars, and small lists and objects of them."""
    return st.recursive(
        scalars(),
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.dictionaries(st.sampled_from(["id", "", "a.b", "0", "²"]), children, max_size=3),
        ),
        max_leaves=6,
    )


def deep(levels: int, leaf: Any = 0) -> Any:
    """`leaf` under `levels` alternating lists and objects (past the parser's depth limit)."""
    value = leaf
    for level in range(levels):
        value = [value] if level % 2 else {"a": value}
    return value


# --- Mutating JSON ---------------------------------------------------------------------------


def paths(data: Any, prefix: Path_ = (), *, limit: int = 12) -> Iterator[Path_]:
    """Every place in the document down to `limit` levels (past that is nesting we planted)."""
    if len(prefix) >= limit:
        return
    if isinstance(data, dict):
        for key, child in data.items():
            yield (*prefix, key)
            yield from paths(child, (*prefix, key), limit=limit)
    elif isinstance(data, list):
        for index, child in enumerate(data):
            yield (*prefix, index)
            yield from paths(child, (*prefix, index), limit=limit)


def _parent(data: Any, path: Path_) -> Any:
    node = data
    for key in path[:-1]:
        node = node[key]
    return node


@st.composite
def mutated_json(draw: st.DrawFn) -> tuple[str, Any]:
    """A JSON sample with one to three places dropped, retyped, made huge or nested deep."""
    samples = json_samples()
    name = draw(st.sampled_from(sorted(samples)))
    data = copy.deepcopy(samples[name])
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        places = list(paths(data))
        if not places:
            break
        path = draw(st.sampled_from(places))
        parent = _parent(data, path)
        operation = draw(st.sampled_from(["drop", "retype", "retype", "deep", "wrap"]))
        if operation == "drop":
            del parent[path[-1]]
        elif operation == "retype":
            parent[path[-1]] = draw(values())
        elif operation == "deep":
            parent[path[-1]] = deep(draw(st.sampled_from([70, 2_000])))
        else:  # the value inside a list or an object one level down
            parent[path[-1]] = draw(st.sampled_from([[parent[path[-1]]], {"x": parent[path[-1]]}]))
    return name, data


# --- Mutating CSV ----------------------------------------------------------------------------


@st.composite
def mutated_csv(draw: st.DrawFn) -> tuple[str, str]:
    """A creators CSV with cells replaced, a column dropped or renamed, or rows cut short."""
    samples = csv_samples()
    name = draw(st.sampled_from(sorted(samples)))
    rows = list(csv.reader(io.StringIO(samples[name])))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        operation = draw(st.sampled_from(["cell", "cell", "cell", "drop-column", "rename", "cut"]))
        column = draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))
        if operation == "cell" and len(rows) > 1:
            row = draw(st.integers(min_value=1, max_value=len(rows) - 1))
            if column < len(rows[row]):
                rows[row][column] = draw(
                    st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=20))
                )
        elif operation == "drop-column":
            rows = [[cell for i, cell in enumerate(row) if i != column] for row in rows]
        elif operation == "rename":
            rows[0][column] = draw(st.sampled_from(["", "user_name", "vid_id", "x", "²"]))
        elif len(rows) > 1:
            row = draw(st.integers(min_value=1, max_value=len(rows) - 1))
            rows[row] = rows[row][: draw(st.integers(min_value=0, max_value=len(rows[row])))]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return name, out.getvalue()


# --- Mutating bytes --------------------------------------------------------------------------


@st.composite
def mutated_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    """A sample file's bytes with something spliced in: invalid UTF-8, NaN, a 5,000-digit
    number, 100,000 opening brackets, NULs, a BOM, or the file cut short."""
    samples = {**{k: json.dumps(v) for k, v in json_samples().items()}, **csv_samples()}
    name = draw(st.sampled_from(sorted(samples)))
    raw = samples[name].encode()
    at = draw(st.integers(min_value=0, max_value=len(raw)))
    splice = draw(
        st.sampled_from(
            [
                b"\xff\xfe",
                b"NaN",
                b"Infinity",
                b"9" * 5000,
                b"[" * 100_000,
                b'{"a":' * 100_000,
                b"\\u0000",
                b"\\ud800",
                b"\x00",
                b"\xef\xbb\xbf",
                b"",
            ]
        )
    )
    if draw(st.booleans()):
        return name, raw[:at] + splice + raw[at:]
    return name, raw[:at]
