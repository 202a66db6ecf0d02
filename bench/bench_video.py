"""How long video content analysis takes against the cost of just decoding the video.

Run: .venv/bin/python bench/bench_video.py  (no Django needed)

Generates once (cached under .cache/bench/) a 30 s 720x1280 30 fps H.264 + AAC clip shaped like a
TikTok upload: 10 shots, drifting textures with film grain, a 128 BPM groove. Then prints, in one
process so the machine's load affects both alike:
- the floor: PyAV decoding every frame with thread_type AUTO, keeping 2 fps reformatted to
  90x160, plus decoding the soundtrack to mono 22.05 kHz (what any analysis must at least pay);
- `analyze_video_file` warm (median of 3, interleaved with the floor) and where its time goes;
- the ratio. Targets: <= 2 s and <= 1.5x the floor.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".cache" / "numba"))

import av  # noqa: E402
import numpy as np  # noqa: E402

from musicrec.core.audio import decode_audio  # noqa: E402
from musicrec.core.synth import render_music  # noqa: E402
from musicrec.core.video import analysis_size, decode_video, iter_scenes, write_video  # noqa: E402

SECONDS, FPS, WIDTH, HEIGHT, SR = 30, 30, 720, 1280, 22050
CLIP = ROOT / ".cache" / "bench" / f"video_{WIDTH}x{HEIGHT}_{SECONDS}s_v2.mp4"
CAPTION = "New choreo with my bestie 💃 best night ever"
HASHTAGS = ("dancechallenge", "fyp")


def _grainy(frames: Iterator[np.ndarray], seed: int) -> Iterator[np.ndarray]:
    """Add fresh sensor-like grain to every frame (2x2 pixel grains, +-3 levels).

    Flat synthetic colour compresses far better than camera footage and would make decoding
    unrealistically cheap; with this grain the clip lands at ~1.2 Mb/s, the bitrate of a
    typical 720p TikTok upload (analysis-stack §2.2).
    """
    rng = np.random.default_rng(seed)
    for frame in frames:
        grain = rng.integers(-3, 4, size=(HEIGHT // 2, WIDTH // 2, 1), dtype=np.int16)
        grain = np.repeat(np.repeat(grain, 2, axis=0), 2, axis=1)
        yield np.clip(frame.astype(np.int16) + grain, 0, 255).astype(np.uint8)


def build_clip() -> Path:
    if CLIP.exists():
        return CLIP
    print(f"generating {CLIP.relative_to(ROOT)} (once)...", flush=True)
    started = time.perf_counter()
    frames = iter_scenes(
        seconds=SECONDS,
        fps=FPS,
        size=(WIDTH, HEIGHT),
        cuts=9,
        motion=0.6,
        brightness=0.6,
        saturation=0.6,
        warmth=0.0,
        seed=11,
    )
    music = render_music(bpm=128, key="D", mode="major", seconds=SECONDS, sr=SR, seed=3)
    partial = CLIP.with_suffix(".part.mp4")
    write_video(partial, frames=_grainy(frames, 11), fps=FPS, audio=music, crf=23)
    partial.replace(CLIP)
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
    return CLIP


def floor_decode(path: Path, fps: float = 2.0, *, skip_deblocking: bool = False) -> int:
    """The least any analysis pays: every frame decoded, 2 fps kept and shrunk, audio decoded.

    `skip_deblocking` applies the one decoder shortcut `decode_video` takes, to show how much of
    the gap to the plain floor is that shortcut and how much is the analysis itself.
    """
    kept = 0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        if skip_deblocking:
            stream.codec_context.options = {"skip_loop_filter": "all"}
        width, height = analysis_size(stream.codec_context.width, stream.codec_context.height)
        next_tick = 0.0
        for frame in container.decode(stream):
            if frame.time + 1e-6 >= next_tick:
                frame.reformat(width=width, height=height, format="rgb24").to_ndarray()
                next_tick += 1.0 / fps
                kept += 1
    decode_audio(path, sr=SR, max_seconds=60.0)
    return kept


def interleaved(fns: dict[str, Callable[[], object]], runs: int = 3) -> dict[str, float]:
    """Median seconds per callable, run round-robin so load spikes from other processes on the
    machine hit every measurement alike rather than whichever happened to run then."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    path = build_clip()
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        bitrate = path.stat().st_size * 8 / SECONDS / 1e6
        print(
            f"clip: {video.codec_context.width}x{video.codec_context.height} "
            f"{float(video.average_rate):.0f} fps, {SECONDS} s, {bitrate:.2f} Mb/s, "
            f"{os.cpu_count()} CPUs"
        )

    from music.features import analyze_samples, warm_up
    from videos.content import analyze_frames, analyze_video_file, classify_text

    started = time.perf_counter()
    warm_up()
    print(f"warm-up (numba JIT or its cache): {time.perf_counter() - started:.2f} s")
    analyze_video_file(path, caption=CAPTION, hashtags=HASHTAGS)  # first call: imports, caches

    kept = floor_decode(path)
    decoded = decode_video(path)
    t = interleaved(
        {
            "floor": lambda: floor_decode(path),
            "floor_fast": lambda: floor_decode(path, skip_deblocking=True),
            "total": lambda: analyze_video_file(path, caption=CAPTION, hashtags=HASHTAGS),
            "decode": lambda: decode_video(path),
            "frames": lambda: analyze_frames(decoded.frames, 2.0, times=decoded.frame_times),
            "audio": lambda: analyze_samples(decoded.audio, decoded.sr),
            "text": lambda: classify_text(CAPTION, HASHTAGS),
        }
    )
    floor, floor_fast, total = t["floor"], t["floor_fast"], t["total"]
    content = analyze_video_file(path, caption=CAPTION, hashtags=HASHTAGS)
    rows = [
        (f"floor: PyAV decode, {kept} frames kept + audio", floor),
        ("  the same without deblocking (decode_video's shortcut)", floor_fast),
        ("analyze_video_file, warm, median of 3", total),
        ("  decode_video (frames + soundtrack)", t["decode"]),
        (f"  analyze_frames ({len(decoded.frames)} frames)", t["frames"]),
        ("  music.features.analyze_samples", t["audio"]),
        ("  classify_text", t["text"]),
    ]
    for label, seconds in rows:
        print(f"{label:<58} {seconds:7.3f} s")
    ratio = total / floor
    print(f"ratio analyze / floor: {ratio:.2f}x   (targets: <= 2 s and <= 1.5x)")
    print(f"ratio analyze / floor without deblocking: {total / floor_fast:.2f}x")
    print(
        f"result: {content.cuts} cuts ({content.cuts_per_min:.1f}/min, truth 9), "
        f"motion {content.motion:.3f}, tempo {content.tempo_bpm:.1f} BPM from "
        f"{content.tempo_source} (truth 128), key {content.key} {content.mode} (truth D major), "
        f"category {content.category.value if content.category else None}"
    )
    verdict = "met" if total <= 2.0 and ratio <= 1.5 else "NOT met"
    print(f"targets {verdict}")


if __name__ == "__main__":
    main()
