"""Decoding any media file's audio into a mono float32 numpy array, in process, with PyAV.

PyAV's wheel bundles FFmpeg, so mp3, m4a/aac, ogg/opus/vorbis, wav, flac and the soundtrack of an
mp4 or webm all decode without an ffmpeg binary. `librosa.load` is not used on compressed files:
it goes through audioread and the ffmpeg CLI and is about 20x slower on an mp4.
"""

from __future__ import annotations

import io
import os

import av
import numpy as np

from musicrec.core.errors import MediaDecodeError, ffmpeg_reason

# FFmpeg reports broken input through these; anything else is a bug and should surface as is.
_AV_ERRORS: tuple[type[BaseException], ...] = (av.error.FFmpegError, OSError, EOFError)


def decode_audio(
    source: str | os.PathLike | bytes,
    *,
    sr: int = 22050,
    max_seconds: float | None = None,
    offset_seconds: float = 0.0,
) -> np.ndarray:
    """The first audio stream of `source` as mono float32 samples at `sr` Hz.

    - `offset_seconds` skips the start (by seeking, then trimming to the exact sample);
    - `max_seconds` stops decoding once that much audio is in hand, so a 60 s analysis window of
      a long file costs a 60 s decode, not the whole file.
    - A file truncated mid-stream (a partial download) yields the audio decoded before the break.

    Raises MediaDecodeError, naming the source and the reason, when the source cannot be opened,
    has no audio stream, or yields no samples.
    """
    if sr <= 0:
        raise ValueError("sr must be positive")
    if max_seconds is not None and max_seconds <= 0:
        raise ValueError("max_seconds must be positive or None")
    offset_seconds = max(0.0, float(offset_seconds))
    target = _open_target(source)

    try:
        container = av.open(target, mode="r")
    except _AV_ERRORS as exc:
        raise MediaDecodeError(source, f"unreadable media ({ffmpeg_reason(exc)})") from exc

    with container:
        if not container.streams.audio:
            kinds = sorted({s.type for s in container.streams}) or ["none"]
            raise MediaDecodeError(source, f"no audio stream (streams present: {', '.join(kinds)})")
        stream = container.streams.audio[0]
        samples = _decode_stream(container, stream, source, sr, max_seconds, offset_seconds)

    if samples.size == 0:
        where = f" after {offset_seconds:g} s" if offset_seconds else ""
        raise MediaDecodeError(source, f"empty: the audio stream has no samples{where}")
    return samples


def probe_duration(source: str | os.PathLike | bytes) -> float | None:
    """Duration in seconds from the container header, without decoding; None when unknown."""
    try:
        with av.open(_open_target(source), mode="r") as container:
            if container.duration is not None:
                return container.duration / av.time_base
            audio = container.streams.audio
            if audio and audio[0].duration is not None and audio[0].time_base is not None:
                return float(audio[0].duration * audio[0].time_base)
    except _AV_ERRORS as exc:
        raise MediaDecodeError(source, f"unreadable media ({ffmpeg_reason(exc)})") from exc
    return None


def _open_target(source: str | os.PathLike | bytes) -> str | io.BytesIO:
    """What av.open should read; fails early with a clear reason for missing or empty input."""
    if isinstance(source, bytes | bytearray | memoryview):
        if len(source) == 0:
            raise MediaDecodeError(source, "empty: no bytes to decode")
        return io.BytesIO(bytes(source))
    path = os.fspath(source)
    if not os.path.exists(path):
        raise MediaDecodeError(source, "unreadable: no such file")
    if os.path.isdir(path):
        raise MediaDecodeError(source, "unreadable: is a directory")
    if os.path.getsize(path) == 0:
        raise MediaDecodeError(source, "empty: the file has 0 bytes")
    return path


def _decode_stream(
    container,
    stream,
    source: str | os.PathLike | bytes,
    sr: int,
    max_seconds: float | None,
    offset_seconds: float,
) -> np.ndarray:
    resampler = av.AudioResampler(format="flt", layout="mono", rate=sr)
    wanted = None if max_seconds is None else int(round(max_seconds * sr))
    skip = int(round(offset_seconds * sr))  # samples still to drop before the window starts
    # After a seek the decoder restarts at a keyframe at or before the offset, so the trim is
    # worked out from the first frame's timestamp instead of counted from the file's start.
    trim_from_first_frame = offset_seconds > 0 and _seek(container, offset_seconds)
    # Timestamps count from the stream's start time (an mp3's encoder delay, for instance), while
    # the decoded samples count from the first audible one.
    stream_start = (
        float(stream.start_time * stream.time_base)
        if stream.start_time is not None and stream.time_base is not None
        else 0.0
    )

    chunks: list[np.ndarray] = []
    have = 0

    def take(frames) -> bool:
        """Append resampled frames; True once the window is full."""
        nonlocal skip, have
        for frame in frames:
            data = frame.to_ndarray().reshape(-1)
            if skip:
                dropped = min(skip, data.size)
                data = data[dropped:]
                skip -= dropped
            if data.size:
                chunks.append(data)
                have += data.size
            if wanted is not None and have >= wanted:
                return True
        return False

    try:
        full = False
        for frame in container.decode(stream):
            if trim_from_first_frame:
                trim_from_first_frame = False
                if frame.time is not None:
                    position = frame.time - stream_start
                    skip = max(0, int(round((offset_seconds - position) * sr)))
            if take(resampler.resample(frame)):
                full = True
                break
        if not full:
            take(resampler.resample(None))
    except _AV_ERRORS as exc:
        if not chunks:
            raise MediaDecodeError(source, f"unreadable audio data ({ffmpeg_reason(exc)})") from exc
        # truncated or corrupt tail: keep what decoded cleanly before it

    if not chunks:
        return np.zeros(0, dtype=np.float32)
    samples = np.concatenate(chunks)
    if wanted is not None:
        samples = samples[:wanted]
    return np.ascontiguousarray(samples, dtype=np.float32)


def _seek(container, offset_seconds: float) -> bool:
    """Seek to the last keyframe before the offset; False when the input cannot seek."""
    try:
        container.seek(int(offset_seconds * av.time_base), any_frame=False, backward=True)
    except _AV_ERRORS:
        return False
    return True
