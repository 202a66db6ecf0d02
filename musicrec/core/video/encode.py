"""Making video files: H.264 + AAC encoding, and synthetic scenes with known properties.

Tests and the demo-data generator need videos whose cuts, motion, brightness, saturation and
warmth are known by construction, without shipping recordings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

# --- Encoding ------------------------------------------------------------------------------------

_OPUS_RATE = 48_000


def write_video(
    path: str | Path,
    *,
    frames: Iterable[np.ndarray] | np.ndarray,
    fps: int,
    audio: np.ndarray | None,
    sr: int = 22050,
    crf: int = 28,
) -> Path:
    """Encode RGB frames and a mono float soundtrack into an mp4 (H.264 + AAC) or, when the
    path ends in .webm, a WebM (VP8 + Opus) file.

    Frames are (h, w, 3) uint8 arrays; odd sizes are cropped by one pixel because yuv420p needs
    even dimensions. No frames gives an audio-only file and `audio=None` a video-only one, which is
    how tests build the degraded cases. The mp4 moov atom is written first (faststart) as on
    TikTok's CDN, so a truncated download still decodes up to the cut. Opus runs at 48 kHz; PyAV's
    encoder resamples the soundtrack on the way in.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame_iter = iter(frames)
    first = next(frame_iter, None)
    if first is None and audio is None:
        raise ValueError("write_video needs frames, audio or both")
    webm = path.suffix.lower() == ".webm"
    container_format, options = ("webm", {}) if webm else ("mp4", {"movflags": "+faststart"})

    with av.open(str(path), mode="w", format=container_format, options=options) as out:
        video_stream = None
        if first is not None:
            height, width = (first.shape[0] // 2) * 2, (first.shape[1] // 2) * 2
            video_stream = out.add_stream("libvpx" if webm else "libx264", rate=int(fps))
            video_stream.width = width
            video_stream.height = height
            video_stream.pix_fmt = "yuv420p"
            video_stream.codec_context.time_base = Fraction(1, int(fps))
            if webm:
                video_stream.bit_rate = 500_000
            else:
                video_stream.options = {"crf": str(crf), "preset": "veryfast"}
        audio_stream = None
        if audio is not None:
            rate = _OPUS_RATE if webm else sr
            audio_stream = out.add_stream("libopus" if webm else "aac", rate=rate, layout="mono")
            audio_stream.codec_context.time_base = Fraction(1, rate)
            audio_stream.bit_rate = 96_000

        # Interleave audio and video in time order so the file looks like a real upload: a
        # truncated copy then loses both tracks at the same point.
        samples = (
            np.clip(np.asarray(audio, dtype=np.float32).reshape(-1), -1.0, 1.0)
            if audio is not None
            else np.zeros(0, dtype=np.float32)
        )
        audio_pos = 0
        chunk = 1024

        def mux_audio_until(seconds: float) -> None:
            nonlocal audio_pos
            if audio_stream is None:
                return
            end = len(samples) if math.isinf(seconds) else min(len(samples), int(seconds * sr))
            while audio_pos < end:
                part = samples[audio_pos : audio_pos + chunk]
                frame = av.AudioFrame.from_ndarray(part[np.newaxis, :], format="flt", layout="mono")
                frame.sample_rate = sr
                frame.pts = audio_pos
                frame.time_base = Fraction(1, sr)
                out.mux(audio_stream.encode(frame))
                audio_pos += len(part)

        if video_stream is not None and first is not None:
            for index, image in enumerate(_chain_first(first, frame_iter)):
                rgb = np.ascontiguousarray(
                    image[: video_stream.height, : video_stream.width, :3], dtype=np.uint8
                )
                frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
                frame.pts = index
                frame.time_base = Fraction(1, int(fps))
                out.mux(video_stream.encode(frame))
                mux_audio_until((index + 1) / fps)
            out.mux(video_stream.encode(None))
        mux_audio_until(math.inf)
        if audio_stream is not None:
            out.mux(audio_stream.encode(None))
    return path


def write_clip(
    path: str | Path,
    audio: np.ndarray | None,
    sr: int = 22050,
    *,
    seconds: float | None = None,
    fps: int = 10,
    size: tuple[int, int] = (96, 64),
) -> Path:
    """A small video around a soundtrack (or a silent one of `seconds`), for tests that read the
    soundtrack of a video container: one drifting synthetic shot, `size` = (width, height)."""
    if seconds is None:
        if audio is None:
            raise ValueError("a video without a soundtrack needs `seconds`")
        seconds = len(audio) / sr
    frames = iter_scenes(
        seconds=seconds,
        fps=fps,
        size=size,
        cuts=0,
        motion=0.5,
        brightness=0.5,
        saturation=0.5,
        warmth=0.0,
        seed=0,
    )
    return write_video(path, frames=frames, fps=fps, audio=audio, sr=sr)


def _chain_first(first: np.ndarray, rest: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
    yield first
    yield from rest


# --- Synthetic scenes ----------------------------------------------------------------------------

# Hue centres (degrees) of a warm (orange) and a cool (azure) palette, for `warmth` of +1 / -1.
_WARM_HUE = 25.0
_COOL_HUE = 215.0


def iter_scenes(
    *,
    seconds: float,
    fps: int,
    size: tuple[int, int] = (90, 160),
    cuts: int,
    motion: float,
    brightness: float,
    saturation: float,
    warmth: float,
    seed: int,
) -> Iterator[np.ndarray]:
    """Yield the frames of `synth_scenes` one by one (for long or large videos).

    `size` is (width, height). The video is `cuts + 1` shots of equal length; each shot is a smooth
    periodic colour field whose hue differs from the previous shot's, so every boundary is a hard
    cut. `motion` (0-1) is the drift speed of the field (0 = a still image, 1 = a quarter of the
    width per second); `brightness` and `saturation` (0-1) are the mean HSV value and saturation;
    `warmth` (-1 cool .. +1 warm) pulls the shot hues towards orange or azure (0 = any hue).
    """
    width, height = size
    total = max(1, round(seconds * fps))
    rng = np.random.default_rng(seed)
    shots = cuts + 1
    bounds = [round(i * total / shots) for i in range(shots + 1)]
    hues = _shot_hues(shots, warmth, rng)
    speed = motion * width / 4.0 / fps  # pixels per frame
    for shot in range(shots):
        # Alternate a slightly lighter and darker shot, so cuts show even in grey or one-hue
        # palettes while the mean brightness stays as asked.
        lift = (
            (0.12 if shot % 2 else -0.12) * min(brightness, 1 - brightness) * 2 if shots > 1 else 0
        )
        image = _shot_image(width, height, hues[shot], brightness + lift, saturation, rng)
        direction = rng.uniform(0, 2 * math.pi)
        dx, dy = math.cos(direction) * speed, math.sin(direction) * speed
        for offset in range(bounds[shot + 1] - bounds[shot]):
            if speed == 0:
                yield image
            else:
                yield np.roll(image, (round(offset * dy), round(offset * dx)), axis=(0, 1))


def synth_scenes(
    *,
    seconds: float,
    fps: int,
    size: tuple[int, int] = (90, 160),
    cuts: int,
    motion: float,
    brightness: float,
    saturation: float,
    warmth: float,
    seed: int,
) -> np.ndarray:
    """Frames (n, h, w, 3) uint8 of a synthetic video with known cuts, motion and colour.

    See `iter_scenes` for what each parameter controls; tests compare the analysis against them.
    """
    return np.stack(
        list(
            iter_scenes(
                seconds=seconds,
                fps=fps,
                size=size,
                cuts=cuts,
                motion=motion,
                brightness=brightness,
                saturation=saturation,
                warmth=warmth,
                seed=seed,
            )
        )
    )


def _shot_hues(shots: int, warmth: float, rng: np.random.Generator) -> list[float]:
    """One hue per shot, consecutive shots far apart on the hue circle within the palette."""
    warmth = float(np.clip(warmth, -1.0, 1.0))
    centre = _WARM_HUE if warmth >= 0 else _COOL_HUE
    spread = 360.0 * (1.0 - abs(warmth)) + 50.0 * abs(warmth)  # full circle .. ±25°
    if spread >= 180.0:  # wide palette: golden-ratio steps keep every pair of neighbours apart
        start = rng.uniform(0, 1)
        steps = [(start + i * 0.618034) % 1.0 for i in range(shots)]
    else:  # narrow palette: alternate between its two ends
        steps = [0.1 + 0.8 * (i % 2) + rng.uniform(-0.05, 0.05) for i in range(shots)]
    return [(centre + (s - 0.5) * spread) % 360.0 for s in steps]


def _shot_image(
    width: int,
    height: int,
    hue: float,
    brightness: float,
    saturation: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """A smooth periodic RGB field around one hue, value and saturation (rolls without seams)."""
    fields = [_periodic_noise(height, width, rng) for _ in range(3)]
    h = (hue + 30.0 * (fields[0] - 0.5)) % 360.0
    s = np.clip(saturation + 0.3 * (fields[1] - 0.5) * min(saturation, 1 - saturation) * 2, 0, 1)
    v = np.clip(brightness + 0.5 * (fields[2] - 0.5) * min(brightness, 1 - brightness) * 2, 0, 1)
    return hsv_to_rgb(h, s, v)


def _periodic_noise(height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """Low-frequency noise in 0-1 that tiles (built in the Fourier domain, hence periodic)."""
    noise = rng.standard_normal((height, width))
    fy = np.fft.fftfreq(height)[:, None] * height
    fx = np.fft.fftfreq(width)[None, :] * width
    lowpass = np.exp(-(fx**2 + fy**2) / (2 * 5.0**2))
    field = np.real(np.fft.ifft2(np.fft.fft2(noise) * lowpass))
    span = field.max() - field.min()
    return (field - field.min()) / span if span > 0 else np.full_like(field, 0.5)


def hsv_to_rgb(h: np.ndarray, s: np.ndarray, v: np.ndarray) -> np.ndarray:
    """HSV (hue in degrees, s and v in 0-1) to an RGB uint8 image."""
    h6 = (np.asarray(h) % 360.0) / 60.0
    c = v * s
    x = c * (1 - np.abs(h6 % 2 - 1))
    m = v - c
    sector = np.floor(h6).astype(int) % 6
    zeros = np.zeros_like(c)
    r = np.choose(sector, [c, x, zeros, zeros, x, c])
    g = np.choose(sector, [x, c, c, x, zeros, zeros])
    b = np.choose(sector, [zeros, zeros, x, c, c, x])
    rgb = np.stack([r + m, g + m, b + m], axis=-1)
    return np.clip(np.round(rgb * 255.0), 0, 255).astype(np.uint8)
