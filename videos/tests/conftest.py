"""Fixtures of the video tests: generated clips in a folder media_resolve may read, a local
HTTP server for remote (and expired) links."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from musicrec.core.synth import render_music
from musicrec.core.tests import fixtures
from musicrec.core.video import synth_scenes, write_video

# From musicrec/core/tests/fixtures.py; pytest collects fixtures by the names they have here.
media_dir = fixtures.media_dir
http_server = fixtures.http_server

SR = 22050
FPS = 10


@pytest.fixture(scope="session")
def warm_features() -> None:
    """Compile librosa's numba kernels once, so no single test pays the JIT."""
    from music.features import warm_up

    warm_up()


@pytest.fixture(scope="session")
def clip_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture
def write_clip(media_dir: Path, clip_cache: Path) -> Callable[..., Path]:
    """Write a generated video (moving shots + a synthetic groove) into `media_dir`.

    Each distinct clip is encoded once per session and copied, since encoding is the slow part.
    """

    def write(
        name: str = "clip.mp4",
        *,
        bpm: float | None = 128.0,
        seconds: float = 8.0,
        cuts: int = 4,
        motion: float = 0.7,
    ) -> Path:
        key = f"{bpm}-{seconds}-{cuts}-{motion}.mp4"
        cached = clip_cache / key
        if not cached.exists():
            frames = synth_scenes(
                seconds=seconds,
                fps=FPS,
                size=(90, 160),
                cuts=cuts,
                motion=motion,
                brightness=0.7,
                saturation=0.6,
                warmth=0.2,
                seed=3,
            )
            audio = (
                None
                if bpm is None
                else render_music(bpm=bpm, key="D", mode="major", seconds=seconds, seed=4)
            )
            write_video(cached, frames=frames, fps=FPS, audio=audio, sr=SR)
        path = media_dir / name
        path.write_bytes(cached.read_bytes())
        return path

    return write
