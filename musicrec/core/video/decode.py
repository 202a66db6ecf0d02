"""Decoding a video file for analysis: small RGB frames at a fixed rate, plus the soundtrack.

Decoding, not the features, dominates the cost of video analysis (research note, analysis-stack
§2.2), so a file is opened once, decoded with FFmpeg's own threads, and only the frames kept at
the sampling rate (2 fps by default) are converted to small RGB arrays.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import av
import numpy as np

from musicrec.core.audio import decode_audio
from musicrec.core.errors import MediaDecodeError, ffmpeg_reason

# The small frame size analysis works at: the long side in pixels. 160 px (90x160 for portrait
# 9:16) keeps cut and motion detection as accurate as full size (analysis-stack §2.2) while the
# per-frame numpy work stays under a few milliseconds.
ANALYSIS_LONG_SIDE = 160

# Decoding stops after this many unreadable packets: a corrupt file should fail fast with a
# reason rather than spin through thousands of errors.
_MAX_DECODE_ERRORS = 25


@dataclass
class DecodedVideo:
    """What one pass over a video file yields: sampled small frames, the soundtrack, and facts.

    `frames` is (n, h, w, 3) uint8 in display orientation, `frame_times` their timestamps in
    seconds; `audio` is mono float32 at `sr`, or None. `errors` says, in words a curator can
    read, what could not be decoded (no video stream, no audio, truncated file).
    """

    source: str
    duration_s: float | None
    width: int | None
    height: int | None
    fps: float | None
    sample_fps: float
    frames: np.ndarray
    frame_times: np.ndarray
    audio: np.ndarray | None
    sr: int
    errors: list[str] = field(default_factory=list)

    @property
    def has_frames(self) -> bool:
        return len(self.frames) > 0

    @property
    def has_audio(self) -> bool:
        return self.audio is not None and self.audio.size > 0


# --- Decoding ------------------------------------------------------------------------------------


def decode_video(
    source: str | os.PathLike,
    *,
    fps: float = 2.0,
    max_seconds: float | None = 60.0,
    sr: int = 22050,
    with_audio: bool = True,
) -> DecodedVideo:
    """Decode a video file's frames at `fps` (reduced to ~90x160) and its soundtrack.

    Every frame has to be decoded (H.264 frames depend on each other) but only the kept ones are
    converted to RGB, which is what makes sampling cheap. A file without a video or an audio
    stream, or one that breaks off early, degrades: what could be decoded is returned and
    `errors` says what is missing. Raises `MediaDecodeError` when nothing at all is readable.
    """
    name = os.fspath(source)
    try:
        container = av.open(name)
    except (av.error.FFmpegError, OSError) as exc:
        reason = f"cannot open as a media file ({ffmpeg_reason(exc)})"
        raise MediaDecodeError(source, reason) from exc
    errors: list[str] = []
    with container:
        if not container.streams.video and not container.streams.audio:
            raise MediaDecodeError(
                source, "no audio or video stream (not a media file, or cut off in its header)"
            )
        duration = container.duration / 1_000_000 if container.duration else None
        has_audio_stream = bool(container.streams.audio)
        audio_duration = _stream_seconds(container.streams.audio[0]) if has_audio_stream else None
        if not container.streams.video:
            frames = np.zeros((0, 0, 0, 3), dtype=np.uint8)
            times = np.zeros(0)
            width = height = None
            rate = None
            errors.append("no picture: the file has no video stream")
        else:
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
            rate = float(stream.average_rate) if stream.average_rate else None
            if duration is None:
                duration = _stream_seconds(stream)
            frames, times, width, height = _sample_frames(
                container, stream, source, fps=fps, max_seconds=max_seconds, errors=errors
            )
    if len(frames) and duration and times[-1] + 2.0 / fps < min(duration, max_seconds or duration):
        errors.append(
            f"file ends early: pictures decoded up to {times[-1]:.1f} s of {duration:.1f} s"
            " (truncated or damaged)"
        )

    audio = None
    if with_audio and has_audio_stream:
        try:
            audio = decode_audio(name, sr=sr, max_seconds=max_seconds)
        except MediaDecodeError as exc:
            errors.append(f"no soundtrack: {exc.reason}")
        else:
            # Against the audio stream's own length: a song shorter than the video is fine.
            heard, expected = len(audio) / sr, audio_duration or duration
            if expected and heard + 1.0 < min(expected, max_seconds or expected):
                errors.append(
                    f"soundtrack ends early: decoded up to {heard:.1f} s of {expected:.1f} s"
                    " (truncated or damaged)"
                )
    elif with_audio:
        errors.append("no soundtrack: the file has no audio stream")
    if not len(frames) and audio is None:
        raise MediaDecodeError(source, "; ".join(errors) or "nothing decodable")
    return DecodedVideo(
        source=name,
        duration_s=duration,
        width=width,
        height=height,
        fps=rate,
        sample_fps=fps,
        frames=frames,
        frame_times=times,
        audio=audio,
        sr=sr,
        errors=errors,
    )


def _stream_seconds(stream: av.stream.Stream) -> float | None:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return None


def analysis_size(width: int, height: int, long_side: int = ANALYSIS_LONG_SIDE) -> tuple[int, int]:
    """(w, h) with the long side at `long_side` px and the source's aspect ratio, even sizes."""
    scale = long_side / max(width, height)
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def _sample_frames(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    source: str | os.PathLike,
    *,
    fps: float,
    max_seconds: float | None,
    errors: list[str],
) -> tuple[np.ndarray, np.ndarray, int | None, int | None]:
    """Decode `stream`, keeping the first frame at or after each 1/fps tick, as small RGB.

    Returns the frames, their times, and the source's display width and height.
    """
    stream.thread_type = "AUTO"  # frame + slice threads: 28-33 % faster (analysis-stack §2.2)
    # Skip the deblocking filter: 20-30 % less H.264 decode time, and the block edges it would
    # smooth are far below one pixel of the 90x160 frames the analysis looks at.
    stream.codec_context.options = {"skip_loop_filter": "all"}
    width, height = stream.codec_context.width, stream.codec_context.height
    start = float(stream.start_time * stream.time_base) if stream.start_time else 0.0
    frame_period = 1.0 / float(stream.average_rate) if stream.average_rate else 1.0 / 30
    step = 1.0 / fps
    next_tick = 0.0
    kept: list[np.ndarray] = []
    times: list[float] = []
    rotation = 0
    try:
        for index, frame in enumerate(_decoded_frames(container, stream, errors)):
            t = frame.time - start if frame.time is not None else index * frame_period
            if max_seconds is not None and t >= max_seconds:
                break
            if t + 1e-6 < next_tick:
                continue
            next_tick = (math.floor(t / step + 1e-6) + 1) * step
            rotation = frame.rotation or 0
            kept.append(_to_small_rgb(frame))
            times.append(t)
    except av.error.FFmpegError as exc:
        if not kept:
            reason = f"no picture could be decoded ({ffmpeg_reason(exc)})"
            raise MediaDecodeError(source, reason) from exc
        errors.append(f"picture decoding stopped at {times[-1]:.1f} s ({ffmpeg_reason(exc)})")
    if round(rotation / 90) % 2:  # shot in portrait, stored landscape with a display matrix
        width, height = height, width
    if not kept:
        errors.append("no picture: the video stream has no decodable frames")
        return np.zeros((0, 0, 0, 3), dtype=np.uint8), np.zeros(0), width, height
    sizes = {image.shape for image in kept}
    if len(sizes) > 1:  # a mid-stream resolution change: keep the dominant size
        common = max(sizes, key=lambda shape: sum(image.shape == shape for image in kept))
        pairs = [(im, t) for im, t in zip(kept, times, strict=True) if im.shape == common]
        kept, times = [p[0] for p in pairs], [p[1] for p in pairs]
    return np.stack(kept), np.asarray(times), width, height


def _decoded_frames(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    errors: list[str],
) -> Iterator[av.VideoFrame]:
    """Every decodable frame of `stream`; damaged packets are skipped and counted in `errors`."""
    failures = 0
    for packet in container.demux(stream):
        try:
            frames = packet.decode()
        except av.error.InvalidDataError as exc:
            failures += 1
            if failures >= _MAX_DECODE_ERRORS:
                reason = ffmpeg_reason(exc)
                errors.append(f"picture decoding gave up after {failures} errors ({reason})")
                return
            continue
        yield from frames
    if failures:
        errors.append(f"{failures} damaged video packets were skipped")


def _to_small_rgb(frame: av.VideoFrame) -> np.ndarray:
    """The frame reduced to the analysis size, RGB, turned upright per the display matrix."""
    width, height = analysis_size(frame.width, frame.height)
    image = frame.reformat(width=width, height=height, format="rgb24", interpolation="AREA")
    array = image.to_ndarray()
    quarter_turns = round((frame.rotation or 0) / 90) % 4
    return np.ascontiguousarray(np.rot90(array, k=quarter_turns)) if quarter_turns else array
