"""Decoding: every container we meet round-trips, and every broken input fails with a reason."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from musicrec.core import synth
from musicrec.core.audio import decode_audio, probe_duration
from musicrec.core.errors import MediaDecodeError
from musicrec.core.video import write_clip

SR = 22050


@pytest.fixture(scope="module")
def clicks() -> np.ndarray:
    return synth.render_clicks(120, 6.0, SR)


def _lag(reference: np.ndarray, decoded: np.ndarray, start: int, search: int = 2000) -> int:
    """Offset (in samples) of `decoded` inside `reference` around `start`, by cross-correlation."""
    scores = [
        float(np.dot(reference[start + lag : start + lag + decoded.size], decoded))
        for lag in range(-search, search)
    ]
    return int(np.argmax(scores)) - search


@pytest.mark.parametrize("suffix", ["wav", "ogg", "opus", "m4a", "mp3", "flac"])
def test_decode_audio_round_trips_files_written_by_write_audio(
    tmp_path: Path, clicks: np.ndarray, suffix: str
) -> None:
    path = tmp_path / f"clicks.{suffix}"
    synth.write_audio(path, clicks, SR)
    decoded = decode_audio(path)
    assert decoded.dtype == np.float32
    assert decoded.ndim == 1
    assert abs(decoded.size - clicks.size) < 0.05 * SR
    n = min(decoded.size, clicks.size)
    assert np.corrcoef(decoded[:n], clicks[:n])[0, 1] > 0.95


def test_decode_audio_reads_ogg_vorbis(tmp_path: Path, clicks: np.ndarray) -> None:
    path = tmp_path / "clicks.ogg"
    synth.write_audio(path, clicks, SR, codec="vorbis")
    assert abs(decode_audio(path).size - clicks.size) < 0.05 * SR


@pytest.mark.parametrize("suffix", ["mp4", "webm"])
def test_decode_audio_takes_the_soundtrack_of_a_video(tmp_path: Path, suffix: str) -> None:
    music = synth.render_music(bpm=120, key="A", mode="minor", seconds=3.0, seed=2)
    path = tmp_path / f"clip.{suffix}"
    write_clip(path, music, SR)
    decoded = decode_audio(path)
    assert abs(decoded.size - music.size) < 0.05 * SR
    n = min(decoded.size, music.size)
    assert np.corrcoef(decoded[:n], music[:n])[0, 1] > 0.9


def test_decode_audio_resamples_to_the_requested_rate(tmp_path: Path, clicks: np.ndarray) -> None:
    path = tmp_path / "clicks.wav"
    synth.write_audio(path, clicks, SR)
    assert decode_audio(path, sr=16000).size == pytest.approx(6.0 * 16000, abs=50)


@pytest.mark.parametrize("suffix", ["wav", "mp3", "m4a"])
def test_decode_audio_window_starts_at_the_offset_and_stops_at_max_seconds(
    tmp_path: Path, clicks: np.ndarray, suffix: str
) -> None:
    path = tmp_path / f"clicks.{suffix}"
    synth.write_audio(path, clicks, SR)
    full = decode_audio(path)
    window = decode_audio(path, offset_seconds=2.25, max_seconds=1.5)
    assert window.size == int(1.5 * SR)
    # sample-accurate after the seek: an mp3's encoder delay must not shift the window
    assert abs(_lag(full, window, int(2.25 * SR))) <= 2


def test_decode_audio_accepts_bytes(tmp_path: Path, clicks: np.ndarray) -> None:
    path = tmp_path / "clicks.mp3"
    synth.write_audio(path, clicks, SR)
    assert decode_audio(path.read_bytes(), max_seconds=2.0).size == 2 * SR


def test_probe_duration_reads_the_header(tmp_path: Path, clicks: np.ndarray) -> None:
    path = tmp_path / "clicks.m4a"
    synth.write_audio(path, clicks, SR)
    assert probe_duration(path) == pytest.approx(6.0, abs=0.1)


def test_decode_audio_names_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.mp3"
    with pytest.raises(MediaDecodeError, match="nope.mp3: unreadable: no such file"):
        decode_audio(missing)


def test_decode_audio_names_an_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(MediaDecodeError, match="empty.wav: empty"):
        decode_audio(empty)
    with pytest.raises(MediaDecodeError, match="empty"):
        decode_audio(b"")


def test_decode_audio_names_a_corrupt_file(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.mp3"
    corrupt.write_bytes(np.random.default_rng(0).bytes(4000))
    with pytest.raises(MediaDecodeError, match="corrupt.mp3: unreadable") as info:
        decode_audio(corrupt)
    assert isinstance(info.value, ValueError)
    assert info.value.reason.startswith("unreadable")


def test_decode_audio_names_a_video_without_sound(tmp_path: Path) -> None:
    silent = tmp_path / "silent.mp4"
    write_clip(silent, None, SR, seconds=1.0)
    with pytest.raises(MediaDecodeError, match="silent.mp4: no audio stream"):
        decode_audio(silent)


def test_decode_audio_names_an_offset_past_the_end(tmp_path: Path, clicks: np.ndarray) -> None:
    path = tmp_path / "clicks.wav"
    synth.write_audio(path, clicks, SR)
    with pytest.raises(MediaDecodeError, match="empty: the audio stream has no samples after"):
        decode_audio(path, offset_seconds=60)


def test_decode_audio_keeps_what_decoded_before_a_truncation(
    tmp_path: Path, clicks: np.ndarray
) -> None:
    path = tmp_path / "clicks.mp3"
    synth.write_audio(path, clicks, SR)
    data = path.read_bytes()
    truncated = tmp_path / "truncated.mp3"
    truncated.write_bytes(data[: len(data) // 2])
    decoded = decode_audio(truncated)
    assert 2.0 * SR < decoded.size < 4.0 * SR
