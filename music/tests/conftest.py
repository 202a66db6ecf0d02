"""Fixtures of the music tests: generated audio files in a folder media_resolve may read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from musicrec.core.synth import render_music, write_audio
from musicrec.core.tests import fixtures

# From musicrec/core/tests/fixtures.py; pytest collects fixtures by the names they have here.
media_dir = fixtures.media_dir
http_server = fixtures.http_server


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
