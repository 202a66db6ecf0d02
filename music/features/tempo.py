"""Tempo: librosa's beat tracker, a line fit of its beats, and a check of the metrical level.

The dynamic-programming tracker finds a steady pulse, but on syncopated or triplet-heavy pop it
sometimes locks onto a pulse that is not a metrical level of the song: every third sixteenth (4/3
of the beat) or two triplet quavers (3/2 of a compound beat). Acc2 forgives half and double time,
not these. `metrical_level` compares the tracker's pulse with those neighbours by how well each
explains the onset envelope's periodicity at its own half, single, double and quadruple period
(a metrical comb): a real beat has subdivisions and bars at those multiples, a cross-rhythm does
not. The comparison has no tuned threshold; docs/audio-analysis.md has the dev-set figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from music.features.common import FRAME_RATE, HOP, SR, load_librosa

# Pulses a tracker confuses with the beat that are not half/double/third/triple of it.
METRICAL_RATIOS: tuple[float, ...] = (2.0 / 3.0, 3.0 / 4.0, 4.0 / 3.0, 3.0 / 2.0)
# Periods, in beats, where a real metrical level shows periodicity: subdivision, beat, 2 and 4.
COMB_PERIODS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)
MAX_LAG_SECONDS = 4.0


@dataclass
class TempoEstimate:
    bpm: float | None
    candidates: list[float]
    confidence: float
    beat_times: np.ndarray
    # onset-envelope autocorrelation at the beat period: how strongly the audio pulses at it
    pulse: float = 0.0
    # the tracker's own tempo when the metrical check replaced it (else equal to bpm)
    tracker_bpm: float | None = None


def estimate_tempo(onset_env: np.ndarray) -> TempoEstimate:
    """Tempo from librosa's beat tracker, refined by a line fit of the beats and checked for level.

    librosa's own tempo is quantised to its tempogram bins (117.45, 123.05, 129.2 ...); the slope
    of beat time against beat index is the average beat period the tracker actually settled on,
    accurate to a few hundredths of a BPM on steady music. When `metrical_level` prefers another
    level, the tracker runs again at that tempo so the beats and the fit follow it. `onset_env`
    is at SR / HOP frames per second.
    """
    times = _track(onset_env)
    bpm = _fitted_bpm(times)
    if bpm is None:
        return TempoEstimate(None, [], 0.0, times)
    autocorr = autocorrelation(onset_env)
    tracker_bpm = bpm
    level = metrical_level(autocorr, bpm)
    if level != bpm:
        retracked = _track(onset_env, bpm=level)
        refit = _fitted_bpm(retracked)
        if refit is not None:
            bpm, times = refit, retracked

    pulse = salience(autocorr, bpm) or 0.0
    intervals = np.diff(times)
    spread = float(np.std(intervals) / np.mean(intervals))
    regularity = float(np.clip(1.0 - spread / 0.15, 0.0, 1.0))
    confidence = float(np.clip(pulse / 0.6, 0.0, 1.0) * regularity)

    candidates = [bpm / 2.0, bpm * 2.0]
    for ratio in (2.0 / 3.0, 1.5):
        other = salience(autocorr, bpm * ratio) or 0.0
        if other > 0.1 and other >= 0.5 * pulse:
            candidates.append(bpm * ratio)
    if abs(tracker_bpm / bpm - 1.0) > 0.04:
        candidates.append(tracker_bpm)
    candidates = [c for c in candidates if 30.0 <= c <= 300.0]
    return TempoEstimate(bpm, candidates, confidence, times, max(0.0, pulse), tracker_bpm)


def metrical_level(autocorr: np.ndarray, bpm: float) -> float:
    """`bpm`, or the METRICAL_RATIOS neighbour whose metrical comb explains the envelope better."""
    best, best_support = bpm, metrical_support(autocorr, bpm)
    if best_support is None:
        return bpm
    for ratio in METRICAL_RATIOS:
        support = metrical_support(autocorr, bpm * ratio)
        if support is not None and support > best_support:
            best, best_support = bpm * ratio, support
    return best


def metrical_support(autocorr: np.ndarray, bpm: float) -> float | None:
    """Mean autocorrelation at COMB_PERIODS beats of `bpm` (lags past the envelope are skipped)."""
    values = [salience(autocorr, bpm / periods) for periods in COMB_PERIODS]
    present = [v for v in values if v is not None]
    return float(np.mean(present)) if present else None


def salience(autocorr: np.ndarray, bpm: float) -> float | None:
    """Onset-envelope autocorrelation at that beat period (best within +-3 %); None out of range."""
    lag = 60.0 * FRAME_RATE / bpm
    low, high = int(math.floor(lag * 0.97)), int(math.ceil(lag * 1.03)) + 1
    if low < 1 or high > autocorr.size:
        return None
    return float(autocorr[low:high].max())


def autocorrelation(envelope: np.ndarray) -> np.ndarray:
    """Autocorrelation of the mean-removed envelope, 1 at lag 0 (up to MAX_LAG_SECONDS of lag)."""
    x = envelope - envelope.mean()
    n = x.size
    size = 1 << int(math.ceil(math.log2(2 * n)))
    spectrum = np.fft.rfft(x, size)
    ac = np.fft.irfft(spectrum * np.conj(spectrum), size)[
        : min(n, int(MAX_LAG_SECONDS * FRAME_RATE))
    ]
    return ac / ac[0] if ac[0] > 0 else np.zeros_like(ac)


def _track(onset_env: np.ndarray, bpm: float | None = None) -> np.ndarray:
    """Beat times (s) from librosa's tracker, at its own tempo estimate or at `bpm`."""
    _, beats = load_librosa().beat.beat_track(
        onset_envelope=onset_env, sr=SR, hop_length=HOP, bpm=bpm
    )
    return np.asarray(beats, dtype=np.float64) / FRAME_RATE


def _fitted_bpm(times: np.ndarray) -> float | None:
    """60 / the slope of a line through (beat index, beat time); None for under 4 beats."""
    if times.size < 4:
        return None
    period = float(np.polyfit(np.arange(times.size), times, 1)[0])
    if not math.isfinite(period) or period <= 0:
        return None
    return 60.0 / period
