"""Pace and colour of a video from frames sampled at a fixed rate (2 fps, about 90x160).

numpy only: on 60 small frames this costs a few tens of milliseconds, against about a second to
decode a 30 s 720p clip (analysis-stack §2.2), so nothing here needs OpenCV or PySceneDetect.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# --- Cut detection (analysis-stack §2.2: 9/9 cuts, 1 false positive at 2 fps) --------------------

# A cut is a histogram L1 distance (0-2) over CUT_FLOOR and over CUT_RATIO times the median of
# its CUT_RADIUS neighbours on each side. The floor rejects small changes; the ratio rejects
# shots that change all the time (a hue rotation, a zoom) where every step is large.
CUT_FLOOR = 0.5
CUT_RATIO = 2.0
CUT_RADIUS = 3
_HIST_BINS = (8, 4, 4)  # hue x saturation x value

# --- Visual pace ---------------------------------------------------------------------------------

# Pace saturates: a cut every 3 s (20 per minute), typical of a fast TikTok edit, gives 63 % of
# the cut term; mean frame-to-frame change of 0.04 (Game of Life, handheld walking) 63 % of the
# motion term. Both matter equally to how "busy" a video feels.
PACE_CUTS_PER_MIN_SCALE = 20.0
PACE_MOTION_SCALE = 0.04
PACE_WEIGHTS = {"cuts": 0.5, "motion": 0.5}


@dataclass
class VisualFeatures:
    """Pace and colour of the sampled frames.

    `motion` is the mean absolute grey-level change (0-1) between consecutive samples inside
    shots; `colourfulness` is Hasler & Süsstrunk's M on its published scale (0 grey, ~33
    moderately, ~59 quite, ~82 highly, 109+ extremely colourful); `warmth` is the warm/cool balance
    of the coloured pixels, -1 (all blue) to +1 (all red/orange), 0 for grey.
    """

    frames_analyzed: int
    duration_s: float
    cuts: int
    cut_times: list[float]
    cuts_per_min: float
    motion: float
    brightness: float
    saturation: float
    colourfulness: float
    warmth: float
    visual_pace: float


def analyze_frames(
    frames: np.ndarray, fps: float, *, times: np.ndarray | None = None
) -> VisualFeatures:
    """Cuts, motion, brightness and colour of frames (n, h, w, 3) uint8 sampled at `fps`."""
    frames = np.asarray(frames)
    n = len(frames)
    if n == 0:
        raise ValueError("analyze_frames needs at least one frame")
    if times is None or len(times) != n:
        times = np.arange(n) / fps
    hue, sat, val = _hsv(frames)
    r, g, b = (np.ascontiguousarray(frames[..., i], dtype=np.float32) for i in range(3))
    grey = (0.299 / 255.0) * r + (0.587 / 255.0) * g + (0.114 / 255.0) * b

    distances = histogram_distances(hue, sat, val)
    cut_index = detect_cuts(distances)
    # Span covered by the samples: the last one stands for 1/fps of video.
    duration = float(times[-1] - times[0]) + 1.0 / fps
    changes = np.abs(np.diff(grey, axis=0)).mean(axis=(1, 2)) if n > 1 else np.zeros(0)
    within_shots = np.delete(changes, cut_index) if len(changes) else changes
    motion = float(within_shots.mean()) if len(within_shots) else 0.0
    cuts_per_min = len(cut_index) / duration * 60.0
    pace = PACE_WEIGHTS["cuts"] * (1 - math.exp(-cuts_per_min / PACE_CUTS_PER_MIN_SCALE)) + (
        PACE_WEIGHTS["motion"] * (1 - math.exp(-motion / PACE_MOTION_SCALE))
    )
    return VisualFeatures(
        frames_analyzed=n,
        duration_s=duration,
        cuts=len(cut_index),
        cut_times=[float((times[i] + times[i + 1]) / 2) for i in cut_index],
        cuts_per_min=cuts_per_min,
        motion=motion,
        brightness=float(val.mean()),
        saturation=float(sat.mean()),
        colourfulness=_colourfulness(r, g, b),
        warmth=_warmth(r, b, sat * val * 255.0),
        visual_pace=float(pace),
    )


def histogram_distances(hue: np.ndarray, sat: np.ndarray, val: np.ndarray) -> np.ndarray:
    """L1 distance (0-2) between consecutive frames' normalised 8x4x4 HSV histograms."""
    hb, sb, vb = _HIST_BINS
    h_bin = np.minimum((hue / 360.0 * hb).astype(np.int32), hb - 1)
    s_bin = np.minimum((sat * sb).astype(np.int32), sb - 1)
    v_bin = np.minimum((val * vb).astype(np.int32), vb - 1)
    n, bins = len(hue), hb * sb * vb
    codes = (h_bin * sb + s_bin) * vb + v_bin + (np.arange(n) * bins)[:, None, None]
    hist = np.bincount(codes.ravel(), minlength=n * bins).reshape(n, bins).astype(np.float64)
    hist /= hist.sum(axis=1, keepdims=True)
    return np.abs(np.diff(hist, axis=0)).sum(axis=1)


def detect_cuts(
    distances: np.ndarray,
    *,
    floor: float = CUT_FLOOR,
    ratio: float = CUT_RATIO,
    radius: int = CUT_RADIUS,
) -> list[int]:
    """Indices i where a hard cut falls between samples i and i+1.

    Adaptive rule: the distance must clear an absolute floor and stand out `ratio` times above
    the median of its neighbours, so continuous change (zooms, hue sweeps) is not read as cuts.
    """
    distances = np.asarray(distances, dtype=np.float64)
    cuts = []
    for i, d in enumerate(distances):
        if d <= floor:
            continue
        neighbours = np.concatenate(
            [distances[max(0, i - radius) : i], distances[i + 1 : i + 1 + radius]]
        )
        if not len(neighbours) or d > ratio * float(np.median(neighbours)):
            cuts.append(i)
    return cuts


def _hsv(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hue (degrees), saturation and value (0-1) of uint8 RGB frames, as float32.

    Works on contiguous channel planes: numpy reductions over a last axis of 3 are ~20x slower.
    """
    r, g, b = (np.ascontiguousarray(frames[..., i], dtype=np.float32) for i in range(3))
    maxc = np.maximum(np.maximum(r, g), b)
    minc = np.minimum(np.minimum(r, g), b)
    delta = maxc - minc
    inv = np.divide(1.0, delta, out=np.zeros_like(delta), where=delta > 0)
    hue = np.where(
        maxc == r,
        (g - b) * inv,
        np.where(maxc == g, (b - r) * inv + 2.0, (r - g) * inv + 4.0),
    )
    hue = np.where(hue < 0, hue + 6.0, hue) * 60.0
    sat = np.divide(delta, maxc, out=np.zeros_like(delta), where=maxc > 0)
    return hue, sat, maxc / 255.0


def _colourfulness(r: np.ndarray, g: np.ndarray, b: np.ndarray) -> float:
    """Hasler & Süsstrunk (2003) colourfulness M per frame, averaged (0-255 channel scale)."""
    rg = r - g
    yb = 0.5 * (r + g) - b
    axes = (1, 2)
    std = np.sqrt(rg.std(axis=axes) ** 2 + yb.std(axis=axes) ** 2)
    mean = np.sqrt(rg.mean(axis=axes) ** 2 + yb.mean(axis=axes) ** 2)
    return float((std + 0.3 * mean).mean())


def _warmth(r: np.ndarray, b: np.ndarray, chroma: np.ndarray) -> float:
    """Chroma-weighted red-minus-blue balance, -1..1; grey pixels carry no weight."""
    total = float(chroma.sum(dtype=np.float64))
    if total < 1e-6 * chroma.size * 255:
        return 0.0
    return float(np.clip((r - b).sum(dtype=np.float64) / total, -1.0, 1.0))
