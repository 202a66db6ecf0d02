"""Layers point one way (docs/architecture.md, "Layers"): the ground floor never imports an app.

The ground floor is `musicrec/` less the orchestrators: core, platforms, settings and the
project-wide modules (api.py, filters.py, csv_export.py). The apps (authors, videos, music,
recommendations, sample_data) build on it; the orchestrators (musicrec.pipeline, musicrec.ingest)
sit above the apps; urls.py wires everything together. Tests are left out: they may build rows
of any app. Every import is checked, module-level or inside a function, and so are
`apps.get_model("<app>", ...)` look-ups, which reach an app without an import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("authors", "videos", "music", "recommendations", "sample_data")
ORCHESTRATORS = ("musicrec.pipeline", "musicrec.ingest")
GROUND_FLOOR = (
    "musicrec/core",
    "musicrec/platforms",
    "musicrec/settings",
    "musicrec/__init__.py",
    "musicrec/api.py",
    "musicrec/filters.py",
    "musicrec/csv_export.py",
    "musicrec/wsgi.py",
    "musicrec/asgi.py",
)
# Entry points on the ground floor that start the pipeline. The analyze-tiktok API (core/api)
# queues `analyze_influencer`; it names no app itself.
PIPELINE_ENTRY_POINTS = {"musicrec/core/api/views.py"}


def ground_floor_modules() -> Iterator[Path]:
    for entry in GROUND_FLOOR:
        path = ROOT / entry
        for module in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            if "tests" not in module.relative_to(ROOT).parts:
                yield module


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path, name: str | None = None) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of every import in the module `name`, relative ones resolved."""
    package = (name or _module_name(path)).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}" if module else alias.name
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value.split(".")[0]


def _is_under(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(f"{p}.") for p in packages)


def test_the_ground_floor_never_imports_an_app() -> None:
    modules = list(ground_floor_modules())
    assert len(modules) > 40  # the walk found core, platforms and settings

    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in modules
        for line, name in imported_names(path)
        if _is_under(name, APPS)
    ]

    assert offenders == []


def test_the_ground_floor_calls_the_orchestrators_only_from_entry_points() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in ground_floor_modules()
        if str(path.relative_to(ROOT)) not in PIPELINE_ENTRY_POINTS
        for line, name in imported_names(path)
        if _is_under(name, ORCHESTRATORS)
    ]

    assert offenders == []


def test_the_import_walk_sees_lazy_relative_and_get_model_imports(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text(
        "from . import models\n"
        "from musicrec import pipeline\n"
        "def f():\n"
        "    from music.models import Music\n"
        "    import recommendations.engine\n"
        "    return apps.get_model('authors', 'Author')\n",
        encoding="utf-8",
    )

    names = {name for _, name in imported_names(module, "musicrec.core.probe")}

    assert names == {
        "musicrec.core.models",
        "musicrec.pipeline",
        "music.models.Music",
        "recommendations.engine",
        "authors",
    }
