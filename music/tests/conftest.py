"""Fixtures of the music tests: generated audio files in a folder media_resolve may read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from musicrec.core.synth import render_music, write_audio
from musicrec.core.tests.local_http import LocalServer


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
def write_clip(media_dir: Path) -> Callable[..., Path]:
    """Write a synthetic groove to `media_dir/<name>` and return its path."""

    def write(
        name: str = "clip.wav",
        *,
        bpm: float = 120.0,
        key: str = "A",
        mode: str = "minor",
        seconds: float = 8.0,
        **options: object,
    ) -> Path:
        path = media_dir / name
        samples = render_music(bpm=bpm, key=key, mode=mode, seconds=seconds, **options)
        write_audio(path, samples, 22050)
        return path

    return write


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    server = LocalServer().start()
    yield server
    server.stop()
