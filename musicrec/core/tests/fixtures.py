"""Fixtures the music and video tests share: a media folder media_resolve may read, and a local
HTTP server for remote (and expired) links. Each app's conftest imports the ones it uses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from musicrec.core.tests.local_http import LocalServer, serve


@pytest.fixture
def media_dir(settings, tmp_path: Path) -> Path:
    """A temporary folder inside MEDIA_LOCAL_ROOTS, with downloads cached beside it."""
    folder = tmp_path / "media"
    folder.mkdir()
    settings.MEDIA_LOCAL_ROOTS = [folder]
    settings.MEDIA_CACHE_DIR = tmp_path / "media-cache"
    settings.MEDIA_ALLOW_PRIVATE = True  # the local HTTP server listens on 127.0.0.1
    return folder


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    yield from serve()
