"""Audio features of a track or a soundtrack: tempo, key, loudness and the 0-1 descriptors.

Pure analysis on numpy arrays (no ORM, no Django): `analyze_samples` takes mono samples,
`analyze_file` decodes a file with PyAV first. One magnitude STFT (2048 / 512 at 22.05 kHz) feeds
the onset envelope, the upper half of the pitch spectrogram, RMS, centroid and flatness, so a
30 s clip costs about a tenth of a second once numba has compiled (`warm_up`). Tempo lives in
`tempo.py`, key in `key.py` (with the key model's weights in key_model.json).

How each number is measured, and the dev-set cross-validation behind the tempo and key methods,
is in docs/audio-analysis.md; `bench/bench_audio.py` reproduces it.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from music.features.common import FRAME_RATE, HOP, N_FFT, SR, load_librosa
from music.features.key import (
    KeyEstimate,
    estimate_key,
    key_evidence,
    pitch_spectrogram,
    shipped_key_model,
)
from music.features.tempo import TempoEstimate, estimate_tempo
from musicrec.core.audio import decode_audio
from musicrec.core.descriptors import PITCH_CLASSES, moods_from_valence_arousal
from musicrec.core.threads import single_threaded_blas

__all__ = [
    "FEATURES_VERSION",
    "MIN_SECONDS",
    "PITCH_CLASSES",
    "SR",
    "AudioFeatures",
    "analyze_file",
    "analyze_samples",
    "estimate_key",
    "warm_up",
]

# Bump when any measurement or mapping changes, so stored features can be recomputed.
# 1.1: key from the learned key model, tempo checked for its metrical level (issue 12).
FEATURES_VERSION = "1.1"

MIN_SECONDS = 1.0  # below this there is not enough signal for tempo or key


@dataclass
class AudioFeatures:
    """Everything we measure about one piece of audio; `to_dict` is what gets stored."""

    duration_s: float
    tempo_bpm: float | None
    tempo_candidates: list[float]
    tempo_confidence: float
    key: str | None
    mode: str | None
    key_confidence: float
    loudness_lufs: float | None
    energy: float
    danceability: float
    valence: float
    arousal: float
    brightness: float
    brightness_hz: float
    onset_rate: float
    acousticness: float
    speechiness: float
    moods: dict[str, float] = field(default_factory=dict)
    version: str = FEATURES_VERSION

    def to_dict(self) -> dict:
        """JSON-ready, with numbers rounded to what is meaningful."""
        data = asdict(self)
        for name, value in data.items():
            if isinstance(value, float):
                data[name] = round(value, 2 if name.endswith(("_bpm", "_lufs", "_hz", "_s")) else 3)
        data["tempo_candidates"] = [round(c, 2) for c in self.tempo_candidates]
        data["moods"] = {k: round(v, 3) for k, v in self.moods.items()}
        return data


# --- Entry points ------------------------------------------------------------------------------


def analyze_file(path: str | os.PathLike, *, max_seconds: float | None = 60.0) -> AudioFeatures:
    """Decode the first `max_seconds` of a file's audio (any container PyAV reads) and analyse it.

    Raises musicrec.core.errors.MediaDecodeError (a ValueError) for unreadable files.
    """
    return analyze_samples(decode_audio(path, sr=SR, max_seconds=max_seconds), SR)


def analyze_samples(y: np.ndarray, sr: int) -> AudioFeatures:
    """All features of mono samples `y` at `sr` Hz (resampled to 22.05 kHz first if needed).

    BLAS is held to one thread: the products here are small, and on a busy machine waking a
    second BLAS thread made a clip cost 1.5x the CPU time and up to 2x the wall time (measured
    with the bench under load; docs/audio-analysis.md, Speed).
    """
    with single_threaded_blas():
        return _analyze(y, sr)


def _analyze(y: np.ndarray, sr: int) -> AudioFeatures:
    librosa = load_librosa()
    y = np.ascontiguousarray(np.asarray(y, dtype=np.float32).reshape(-1))
    if sr != SR:
        y = librosa.resample(y, orig_sr=sr, target_sr=SR)
    duration = y.size / SR
    if duration < MIN_SECONDS or not np.any(np.abs(y) > 1e-5):
        return _empty_features(y, duration)

    magnitude = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP))
    power = magnitude**2
    # Spectral flux of the log-power linear-frequency spectrum: compared with librosa's default
    # (log-mel flux) it keeps the high bins where attacks and hats live; see the docs for the
    # dev-set comparison.
    onset_env = librosa.onset.onset_strength(S=librosa.power_to_db(power), sr=SR, hop_length=HOP)
    tempo = estimate_tempo(onset_env)
    key = shipped_key_model().estimate(key_evidence(pitch_spectrogram(y, power)))
    return _describe(duration, tempo, key, _measure(y, magnitude, onset_env, tempo))


def warm_up() -> None:
    """Run the whole analysis once on a short synthetic clip so numba compiles its kernels.

    The first librosa call in a fresh process costs seconds of JIT; workers and the test session
    pay it once, up front. NUMBA_CACHE_DIR makes later processes reuse the compiled code.

    One process at a time, under a file lock in that folder: numba writes a kernel's cache entry
    in pieces, and two processes compiling the same kernels a few seconds apart (the two workers
    `make run` starts) can leave entries that crash every later process loading them (SIGSEGV
    in librosa's beat tracker: the worker dies and is replaced, for ever). Under the lock the
    first process compiles and writes; the others wait, then load what it wrote.
    """
    from filelock import FileLock

    from musicrec.core.synth import render_music

    load_librosa()  # sets NUMBA_CACHE_DIR's default
    folder = Path(os.environ["NUMBA_CACHE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(folder / "warm-up.lock"):
        analyze_samples(render_music(bpm=120, key="C", mode="major", seconds=4.0, sr=SR), SR)


# --- Measurements ------------------------------------------------------------------------------


@dataclass
class Measurements:
    """Raw measurements the 0-1 descriptors are built from (kept for the docs and the bench)."""

    rms_db: float  # mean RMS in dBFS
    loudness_lufs: float | None
    dynamic_range_db: float  # 95th minus 10th percentile of frame RMS, in dB
    centroid_hz: float
    flatness: float  # median spectral flatness (0 tonal ... 1 white noise)
    flux: float  # mean onset strength (dB per bin per frame)
    onset_rate: float  # detected onsets per second
    pulse: float  # onset-envelope autocorrelation at the beat period
    low_energy_ratio: float  # share of frames below half the mean RMS
    pause_ratio: float  # share of frames 30 dB or more under the loud frames
    zcr_variation: float  # std / mean of the frame zero-crossing rate
    syllabic_modulation: float  # share of 0.5-16 Hz band-envelope modulation at 3-6 Hz


def _measure(
    y: np.ndarray, magnitude: np.ndarray, onset_env: np.ndarray, tempo: TempoEstimate
) -> Measurements:
    librosa = load_librosa()
    mel = librosa.feature.melspectrogram(S=magnitude**2, sr=SR, n_mels=24, fmin=100.0, fmax=4000.0)
    rms = librosa.feature.rms(S=magnitude, frame_length=N_FFT)[0]
    rms_mean = float(rms.mean())
    loud = float(np.percentile(rms, 95))
    centroid = _spectral_centroid(magnitude)
    flatness = librosa.feature.spectral_flatness(S=magnitude)[0]
    zcr = _zero_crossing_rate(y)
    onsets = librosa.onset.onset_detect(onset_envelope=onset_env, sr=SR, hop_length=HOP)
    weights = rms / rms.sum()  # spectral shape of the audible frames, not of the silences
    return Measurements(
        rms_db=_db(rms_mean),
        loudness_lufs=_integrated_loudness(y),
        dynamic_range_db=_db(loud) - _db(float(np.percentile(rms, 10))),
        centroid_hz=float((centroid * weights).sum()),
        flatness=float(np.median(flatness)),
        flux=float(onset_env.mean()),
        onset_rate=len(onsets) / (y.size / SR),
        pulse=tempo.pulse,
        low_energy_ratio=float(np.mean(rms < 0.5 * rms_mean)),
        pause_ratio=float(np.mean(rms < loud * 10 ** (-30 / 20))),
        zcr_variation=float(zcr.std() / zcr.mean()) if zcr.mean() > 0 else 0.0,
        syllabic_modulation=_syllabic_modulation(mel),
    )


def _spectral_centroid(magnitude: np.ndarray) -> np.ndarray:
    """Per-frame spectral centroid (Hz), as librosa's, in float32 to keep it cheap."""
    freqs = np.fft.rfftfreq(N_FFT, 1.0 / SR).astype(magnitude.dtype)
    total = magnitude.sum(axis=0)
    centroid = np.zeros(magnitude.shape[1], dtype=np.float64)
    np.divide(freqs @ magnitude, total, out=centroid, where=total > 0)
    return centroid


def _zero_crossing_rate(y: np.ndarray) -> np.ndarray:
    """librosa's zero_crossing_rate (centred N_FFT frames, hop HOP, |y| <= 1e-10 counted as 0),
    from one cumulative sum instead of a framed copy of the signal: the same values, 4x faster."""
    padded = np.pad(y, N_FFT // 2, mode="edge")
    negative = np.signbit(np.where(np.abs(padded) <= 1e-10, 0.0, padded))
    crossings = np.concatenate([[0], np.cumsum(negative[1:] != negative[:-1])])
    starts = np.arange(1 + (padded.size - N_FFT) // HOP) * HOP
    return (crossings[starts + N_FFT - 1] - crossings[starts]) / N_FFT


def _syllabic_modulation(mel: np.ndarray) -> float:
    """How much of the band envelopes' slow modulation sits at the syllable rate (3-6 Hz).

    Speech opens and closes at 4-5 syllables a second in every band at once (Scheirer & Slaney's
    "4 Hz modulation energy"); music's envelopes move at its beat and subdivisions, and sustained
    notes hardly move at all. Measured on log-compressed mel bands in 2 s Hann windows.
    """
    envelope = np.log1p(mel / (mel.mean() + 1e-12))
    window = int(2.0 * FRAME_RATE)
    if envelope.shape[1] < window:
        return 0.0
    freqs = np.fft.rfftfreq(window, 1.0 / FRAME_RATE)
    syllabic = (freqs >= 3.0) & (freqs <= 6.0)
    slow = (freqs >= 0.5) & (freqs <= 16.0)
    taper = np.hanning(window)
    ratios = []
    for start in range(0, envelope.shape[1] - window + 1, window // 2):
        segment = envelope[:, start : start + window]
        segment = segment - segment.mean(axis=1, keepdims=True)
        spectrum = np.abs(np.fft.rfft(segment * taper, axis=1)) ** 2
        total = spectrum[:, slow].sum()
        if total > 0:
            ratios.append(spectrum[:, syllabic].sum() / total)
    return float(np.mean(ratios)) if ratios else 0.0


def _integrated_loudness(y: np.ndarray) -> float | None:
    """ITU-R BS.1770-4 integrated loudness (LUFS) by pyloudnorm; None when under one 400 ms block
    or entirely gated out (silence)."""
    if y.size < int(0.4 * SR) + 1:
        return None
    import pyloudnorm

    value = pyloudnorm.Meter(SR).integrated_loudness(y.astype(np.float64))
    return float(value) if math.isfinite(value) else None


def _db(amplitude: float) -> float:
    return 20.0 * math.log10(max(amplitude, 1e-6))


# --- From measurements to 0-1 descriptors ------------------------------------------------------
# Each descriptor is a documented proxy (docs/audio-analysis.md): a weighted mean of measurements
# scaled to 0-1 between bounds read off the dev set and the synthetic references, so every input
# moves its descriptor in one direction only.


def _scale(value: float, low: float, high: float) -> float:
    return float(np.clip((value - low) / (high - low), 0.0, 1.0))


def _tempo_preference(bpm: float | None) -> float:
    """1 inside 90-130 BPM (the walking-to-dancing range of most dance hits), falling off by
    half at a third of an octave outside it."""
    if not bpm:
        return 0.0
    if 90.0 <= bpm <= 130.0:
        return 1.0
    distance = math.log2(90.0 / bpm) if bpm < 90.0 else math.log2(bpm / 130.0)
    return float(math.exp(-0.5 * (distance / 0.28) ** 2))


def _perceived_tempo(bpm: float | None) -> float:
    """0-1 speed: the tempo folded into 60-180 BPM (half and double time are the same song),
    mapped linearly."""
    if not bpm:
        return 0.0
    while bpm < 60.0:
        bpm *= 2.0
    while bpm >= 180.0:
        bpm /= 2.0
    return _scale(bpm, 60.0, 180.0)


def _brightness(centroid_hz: float) -> float:
    """Spectral centroid on a log scale: 400 Hz (muffled) is 0, 4 kHz (harsh) is 1."""
    if centroid_hz <= 0:
        return 0.0
    return _scale(math.log2(centroid_hz), math.log2(400.0), math.log2(4000.0))


def _describe(
    duration: float, tempo: TempoEstimate, key: KeyEstimate, m: Measurements
) -> AudioFeatures:
    loudness = m.loudness_lufs if m.loudness_lufs is not None else m.rms_db + 3.0
    loud = _scale(loudness, -40.0, -8.0)
    flux = _scale(m.flux, 0.0, 4.0)
    density = _scale(m.onset_rate, 0.0, 8.0)
    bright = _brightness(m.centroid_hz)
    speed = _perceived_tempo(tempo.bpm)
    rhythm = _scale(m.pulse, 0.15, 0.5)

    energy = 0.45 * loud + 0.25 * flux + 0.15 * density + 0.15 * bright
    danceability = (
        0.4 * _scale(m.pulse, 0.0, 0.8)
        + 0.25 * tempo.confidence
        + 0.25 * _tempo_preference(tempo.bpm)
        + 0.1 * flux
    )
    majorness = key.major_probability if key.mode is not None else 0.5
    valence = 0.4 * majorness + 0.2 * bright + 0.2 * speed + 0.2 * energy
    arousal = 0.6 * energy + 0.25 * speed + 0.15 * density
    acousticness = (
        0.35 * (1.0 - bright)
        + 0.25 * _scale(m.dynamic_range_db, 6.0, 20.0)
        + 0.2 * (1.0 - loud)
        + 0.2 * (1.0 - flux)
    )
    speech_evidence = (
        0.4 * _scale(m.syllabic_modulation, 0.15, 0.35)
        + 0.3 * _scale(m.low_energy_ratio, 0.1, 0.4)
        + 0.3 * _scale(m.zcr_variation, 0.4, 1.0)
    )
    speechiness = speech_evidence * (1.0 - 0.7 * rhythm)

    return AudioFeatures(
        duration_s=duration,
        tempo_bpm=tempo.bpm,
        tempo_candidates=tempo.candidates,
        tempo_confidence=tempo.confidence,
        key=key.key,
        mode=key.mode,
        key_confidence=key.confidence,
        loudness_lufs=m.loudness_lufs,
        energy=energy,
        danceability=danceability,
        valence=valence,
        arousal=arousal,
        brightness=bright,
        brightness_hz=m.centroid_hz,
        onset_rate=m.onset_rate,
        acousticness=acousticness,
        speechiness=speechiness,
        moods=moods_from_valence_arousal(valence, arousal, mode=key.mode),
    )


def _empty_features(y: np.ndarray, duration: float) -> AudioFeatures:
    """Too short or silent to measure rhythm or harmony: say so with zeros and Nones."""
    loudness = _integrated_loudness(y) if y.size else None
    return AudioFeatures(
        duration_s=duration,
        tempo_bpm=None,
        tempo_candidates=[],
        tempo_confidence=0.0,
        key=None,
        mode=None,
        key_confidence=0.0,
        loudness_lufs=loudness,
        energy=0.0 if loudness is None else 0.45 * _scale(loudness, -40.0, -8.0),
        danceability=0.0,
        valence=0.0,
        arousal=0.0,
        brightness=0.0,
        brightness_hz=0.0,
        onset_rate=0.0,
        acousticness=0.0,
        speechiness=0.0,
        moods={},
    )
