"""Key: a two-resolution pitch spectrogram, its tuning, and a small key model learned from it.

The key model scores each of the 24 keys with one linear function per mode of three pieces of
evidence rotated to that key's tonic (so it is the same model in every key):
- the clip's mean chroma (C2 and up, energy to the power 1/4);
- a histogram of the lowest sounding note (C1-B3), where tonics and roots sit;
- a histogram of the best-matching major or minor triad in quarter-second segments.
It is a conditional logit (softmax over the 24 keys) with 97 parameters, fitted by
`fit_key_model` on the POP909 dev clips (`bench/bench_audio.py --write-model` writes
key_model.json; the bench reports its cross-validated accuracy). The published profiles it
replaced stay here for comparison (`estimate_key`, `chroma_vector`).

The pitch spectrogram reuses the analysis STFT above C5 and adds a 0.74 s STFT of the signal
resampled to 2.76 kHz below it, where a 93 ms window cannot separate semitones; it costs far
less than a CQT. Tuning is read off the peaks of the long-window spectrum, so sped-up or
detuned uploads stay on the right semitone.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from music.features.common import HOP, N_FFT, SR, load_librosa
from musicrec.core.descriptors import PITCH_CLASSES

MODES: tuple[str, str] = ("major", "minor")

# --- Pitch spectrogram -------------------------------------------------------------------------

FIRST_MIDI = 24  # C1
SPLIT_MIDI = 72  # C5: notes below come from the long window
END_MIDI = 108  # C8 (exclusive): 84 semitones in all
LOW_DECIMATION = 8
LOW_SR = SR / LOW_DECIMATION  # 2756.25 Hz; its STFT bins are 1.35 Hz apart
# Pitch frames are 4 analysis frames (93 ms): harmony moves slower, and the long window is
# 0.74 s anyway. The low STFT's hop gives the same frame times.
POOL = 4
LOW_HOP = HOP * POOL // LOW_DECIMATION
TUNING_BAND_HZ = (60.0, 1300.0)


@dataclass
class PitchSpectrogram:
    energy: np.ndarray  # (84, frames of 93 ms): power per equal-tempered semitone, row 0 = C1
    tuning: float  # semitones from A = 440 Hz, in [-0.5, 0.5)


def pitch_spectrogram(
    y: np.ndarray, power: np.ndarray, *, tuning: float | None = None
) -> PitchSpectrogram:
    """Semitone energies C1-B7 of mono samples `y` at SR, given their analysis STFT `power`."""
    librosa = load_librosa()
    low_y = librosa.resample(y, orig_sr=SR, target_sr=LOW_SR)
    low_power = np.abs(librosa.stft(low_y, n_fft=N_FFT, hop_length=LOW_HOP)) ** 2
    if tuning is None:
        tuning = estimate_tuning(low_power.mean(axis=1))
    low = _semitone_filterbank(LOW_SR, FIRST_MIDI, SPLIT_MIDI, tuning) @ low_power
    high = _semitone_filterbank(SR, SPLIT_MIDI, END_MIDI, tuning) @ power
    frames = min(low.shape[1], high.shape[1] // POOL)
    high = high[:, : frames * POOL].reshape(high.shape[0], frames, POOL).mean(axis=2)
    return PitchSpectrogram(np.vstack([low[:, :frames], high]), tuning)


def estimate_tuning(low_power_mean: np.ndarray) -> float:
    """Deviation from A = 440 Hz in semitones, from the peaks of the mean long-window spectrum.

    Each spectral peak between 60 Hz and 1.3 kHz (within 30 dB of the strongest) is located to a
    fraction of a bin by a parabola through its log power; the tuning is the power-weighted
    circular mean of their distances to the nearest equal-tempered semitone. On the dev clips
    detuned by -30 to +40 cents it is within 2 cents (librosa's estimate_tuning: within 9).
    """
    spectrum = np.asarray(low_power_mean, dtype=np.float64)
    freqs = np.fft.rfftfreq(N_FFT, 1.0 / LOW_SR)
    level = np.log(spectrum + 1e-20)
    k = np.arange(1, spectrum.size - 1)
    is_peak = (level[k] > level[k - 1]) & (level[k] >= level[k + 1])
    is_peak &= (freqs[k] >= TUNING_BAND_HZ[0]) & (freqs[k] <= TUNING_BAND_HZ[1])
    k = k[is_peak]
    if k.size == 0:
        return 0.0
    weight = spectrum[k]
    strong = weight >= weight.max() * 1e-3
    k, weight = k[strong], weight[strong]
    curvature = level[k - 1] - 2.0 * level[k] + level[k + 1]
    offset = np.zeros(k.size)
    sharp = curvature < 0
    offset[sharp] = 0.5 * (level[k - 1] - level[k + 1])[sharp] / curvature[sharp]
    semitones = 12.0 * np.log2((k + offset) * (LOW_SR / N_FFT) / 440.0)
    angle = np.angle(np.sum(weight * np.exp(2j * np.pi * semitones)))
    return float(angle / (2.0 * np.pi))


def _semitone_filterbank(sr: float, first: int, end: int, tuning: float) -> np.ndarray:
    """Triangular filters one semitone wide at MIDI notes first..end-1, shifted by `tuning`."""
    freqs = np.fft.rfftfreq(N_FFT, 1.0 / sr)
    midi = np.full(freqs.shape, -np.inf)
    midi[1:] = 12.0 * np.log2(freqs[1:] / 440.0) + 69.0 - tuning
    notes = np.arange(first, end, dtype=np.float64)[:, None]
    return np.clip(1.0 - np.abs(midi[None, :] - notes), 0.0, None).astype(np.float32)


# --- Key evidence ------------------------------------------------------------------------------

CHROMA_FROM_MIDI = 36  # C2: the lowest octave is mostly bass-note rumble, kept for `bass` only
BASS_END_MIDI = 60  # C4: the lowest-note histogram looks at C1-B3
CHORD_FRAMES = 3  # 0.28 s: shorter than a chord at any tempo here
_TRIADS = np.zeros((24, 12))
for _root in range(12):
    _TRIADS[_root, [_root, (_root + 4) % 12, (_root + 7) % 12]] = 1.0  # major triads
    _TRIADS[12 + _root, [_root, (_root + 3) % 12, (_root + 7) % 12]] = 1.0  # minor triads
_TRIADS -= _TRIADS.mean(axis=1, keepdims=True)
_TRIADS /= np.linalg.norm(_TRIADS, axis=1, keepdims=True)


@dataclass
class KeyEvidence:
    """What the key model reads, each part mean-removed and scaled to unit length."""

    chroma: np.ndarray  # (12,) mean chroma, index 0 = C
    bass: np.ndarray  # (12,) how often each pitch class is the lowest sounding note
    chords: np.ndarray  # (24,) how often each major (0-11) and minor (12-23) triad fits best

    def rotated(self) -> np.ndarray:
        """(12, 48): the evidence as seen from each tonic (row t: pitch class t moved to 0)."""
        rows = []
        for tonic in range(12):
            rows.append(
                np.concatenate(
                    [
                        np.roll(self.chroma, -tonic),
                        np.roll(self.bass, -tonic),
                        np.roll(self.chords[:12], -tonic),
                        np.roll(self.chords[12:], -tonic),
                    ]
                )
            )
        return np.stack(rows)


def key_evidence(spec: PitchSpectrogram) -> KeyEvidence | None:
    """The evidence in a pitch spectrogram; None when nothing pitched sounds in it."""
    energy = np.asarray(spec.energy, dtype=np.float64)
    chroma_frames = _fold(energy[CHROMA_FROM_MIDI - FIRST_MIDI :] ** 0.25)
    chroma = chroma_frames.mean(axis=1)
    if not np.all(np.isfinite(chroma)) or np.ptp(chroma) <= 0:
        return None
    bass = _lowest_note_histogram(energy[: BASS_END_MIDI - FIRST_MIDI])
    chords = _triad_histogram(chroma_frames)
    return KeyEvidence(_unit(chroma), _unit(bass), _unit(chords))


def _fold(energy: np.ndarray) -> np.ndarray:
    """(12, frames) chroma from semitone rows that start at a C."""
    octaves = energy.shape[0] // 12
    return energy[: octaves * 12].reshape(octaves, 12, -1).sum(axis=0)


def _lowest_note_histogram(energy: np.ndarray) -> np.ndarray:
    """Pitch class of the lowest note within 6 dB of each loud frame's strongest low note."""
    total = energy.sum(axis=0)
    if not np.any(total > 0):
        return np.zeros(12)
    loud = energy[:, total > 0.05 * np.percentile(total, 95)]
    lowest = np.argmax(loud > 0.5 * loud.max(axis=0, keepdims=True), axis=0)
    return np.bincount(lowest % 12, minlength=12).astype(np.float64)


def _triad_histogram(chroma_frames: np.ndarray) -> np.ndarray:
    """Counts of the best-correlated triad over CHORD_FRAMES-long segments."""
    segments = chroma_frames.shape[1] // CHORD_FRAMES
    if segments == 0:
        return np.zeros(24)
    chroma = chroma_frames[:, : segments * CHORD_FRAMES].reshape(12, segments, CHORD_FRAMES)
    chroma = chroma.mean(axis=2)
    chroma = chroma - chroma.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(chroma, axis=0)
    voiced = norms > 0
    best = np.argmax(_TRIADS @ (chroma[:, voiced] / norms[voiced]), axis=0)
    return np.bincount(best, minlength=24).astype(np.float64)


def _unit(vector: np.ndarray) -> np.ndarray:
    centred = vector - vector.mean()
    norm = np.linalg.norm(centred)
    return centred / norm if norm > 0 else centred


# --- The key model -----------------------------------------------------------------------------


@dataclass
class KeyEstimate:
    key: str | None
    mode: str | None
    # the model's probability of that key (of 24); for the profile method, a fit-times-margin score
    confidence: float
    # the model's total probability of the 12 major keys: how "major" the harmony sounds
    major_probability: float = 0.5


@dataclass(frozen=True)
class KeyModel:
    major: np.ndarray  # (48,) weights of the rotated evidence for major keys
    minor: np.ndarray  # (48,) and for minor keys
    minor_bias: float  # log-odds offset of minor keys against major ones
    l2: float = 0.0  # the penalty it was fitted with (kept for the record)

    def scores(self, rotated: np.ndarray) -> np.ndarray:
        """(24,) log-odds of each key (0-11 major, 12-23 minor) from KeyEvidence.rotated()."""
        return np.concatenate([rotated @ self.major, rotated @ self.minor + self.minor_bias])

    def probabilities(self, evidence: KeyEvidence) -> np.ndarray:
        """(24,) probability of each key, in the order of `scores`."""
        scores = self.scores(evidence.rotated())
        scores = np.exp(scores - scores.max())
        return scores / scores.sum()

    def estimate(self, evidence: KeyEvidence | None) -> KeyEstimate:
        if evidence is None:
            return KeyEstimate(None, None, 0.0)
        probabilities = self.probabilities(evidence)
        best = int(np.argmax(probabilities))
        return KeyEstimate(
            PITCH_CLASSES[best % 12],
            MODES[best // 12],
            float(probabilities[best]),
            float(probabilities[:12].sum()),
        )

    def to_json(self, **metadata: object) -> str:
        data = {
            **metadata,
            "l2": self.l2,
            "minor_bias": round(self.minor_bias, 6),
            "major": [round(float(w), 6) for w in self.major],
            "minor": [round(float(w), 6) for w in self.minor],
        }
        return json.dumps(data, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> KeyModel:
        data = json.loads(text)
        major = np.asarray(data["major"], dtype=np.float64)
        minor = np.asarray(data["minor"], dtype=np.float64)
        if major.shape != (48,) or minor.shape != (48,):
            raise ValueError("a key model has 48 weights per mode")
        return cls(major, minor, float(data["minor_bias"]), float(data.get("l2", 0.0)))


KEY_MODEL_PATH = Path(__file__).with_name("key_model.json")


@lru_cache(maxsize=1)
def shipped_key_model() -> KeyModel:
    """The model in key_model.json (written by `bench/bench_audio.py --write-model`)."""
    return KeyModel.from_json(KEY_MODEL_PATH.read_text())


def fit_key_model(rotated: list[np.ndarray], labels: list[int], *, l2: float) -> KeyModel:
    """Maximum-likelihood fit of the conditional logit with an L2 penalty `l2 * |w|^2`.

    `rotated` holds KeyEvidence.rotated() per clip and `labels` its key_label. L-BFGS from zero
    weights: the same clips always give the same model.
    """
    from scipy.optimize import minimize

    stacked = np.stack(rotated)  # (clips, 12, 48)
    truth = np.asarray(labels)
    size = stacked.shape[2]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        major, minor, bias = theta[:size], theta[size : 2 * size], theta[-1]
        scores = np.concatenate([stacked @ major, stacked @ minor + bias], axis=1)
        scores -= scores.max(axis=1, keepdims=True)
        log_p = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        value = -log_p[np.arange(truth.size), truth].sum() + l2 * float(theta[:-1] @ theta[:-1])
        residual = np.exp(log_p)
        residual[np.arange(truth.size), truth] -= 1.0
        gradient = np.concatenate(
            [
                np.einsum("ck,ckf->f", residual[:, :12], stacked),
                np.einsum("ck,ckf->f", residual[:, 12:], stacked),
                [residual[:, 12:].sum()],
            ]
        )
        gradient[:-1] += 2.0 * l2 * theta[:-1]
        return float(value), gradient

    theta = minimize(loss, np.zeros(2 * size + 1), jac=True, method="L-BFGS-B").x
    return KeyModel(theta[:size], theta[size : 2 * size], float(theta[-1]), l2)


def key_label(key: str, mode: str) -> int:
    """0-11 for major keys on C..B, 12-23 for minor ones (flats accepted: "Bb")."""
    from musicrec.core.synth import pitch_class

    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    return pitch_class(key) + 12 * MODES.index(mode)


def key_relation(estimate: int, truth: int) -> str:
    """How an estimated key label relates to the true one, in MIREX's categories."""
    est_tonic, est_minor = estimate % 12, estimate >= 12
    ref_tonic, ref_minor = truth % 12, truth >= 12
    step = (est_tonic - ref_tonic) % 12
    if est_minor == ref_minor:
        return {0: "exact", 7: "fifth above", 5: "fifth below"}.get(step, "other")
    if (not ref_minor and step == 9) or (ref_minor and step == 3):
        return "relative"
    return "parallel" if step == 0 else "other"


MIREX_WEIGHTS = {"exact": 1.0, "fifth above": 0.5, "fifth below": 0.5, "relative": 0.3}
MIREX_WEIGHTS |= {"parallel": 0.2, "other": 0.0}


# --- Published key profiles (the method the model replaced; kept for comparison) ---------------

# Key profiles (major, minor), index 0 = tonic. Sources: Krumhansl & Kessler (1982) probe-tone
# ratings; Temperley (1999) "What's key for key?"; Temperley's MIREX 2005 profiles (note
# frequencies in the Kostka-Payne corpus, the ones he proposed for audio); Albrecht & Shanahan
# (2013) corpus profiles; Faraldo et al. (2016) edma (electronic dance music) and bgate
# (Beatport) profiles as published in Essentia.
KEY_PROFILES: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "krumhansl": (
        (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88),
        (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17),
    ),
    "temperley": (
        (5.0, 2.0, 3.5, 2.0, 4.5, 4.0, 2.0, 4.5, 2.0, 3.5, 1.5, 4.0),
        (5.0, 2.0, 3.5, 4.5, 2.0, 4.0, 2.0, 4.5, 3.5, 2.0, 1.5, 4.0),
    ),
    "temperley2005": (
        (0.748, 0.060, 0.488, 0.082, 0.670, 0.460, 0.096, 0.715, 0.104, 0.366, 0.057, 0.400),
        (0.712, 0.084, 0.474, 0.618, 0.049, 0.460, 0.105, 0.747, 0.404, 0.067, 0.133, 0.330),
    ),
    "albrecht-shanahan": (
        (0.238, 0.006, 0.111, 0.006, 0.137, 0.094, 0.016, 0.214, 0.009, 0.080, 0.008, 0.081),
        (0.220, 0.006, 0.104, 0.123, 0.019, 0.103, 0.012, 0.214, 0.062, 0.022, 0.061, 0.052),
    ),
    "bgate": (
        (1.00, 0.00, 0.42, 0.00, 0.53, 0.37, 0.00, 0.77, 0.00, 0.38, 0.21, 0.30),
        (1.00, 0.00, 0.36, 0.39, 0.00, 0.38, 0.00, 0.74, 0.27, 0.00, 0.42, 0.23),
    ),
    "edma": (
        (1.0, 0.2875, 0.5020, 0.4048, 0.6050, 0.5614, 0.3205, 0.7966, 0.3159, 0.4506, 0.4202,
         0.3889),
        (1.0, 0.3096, 0.4415, 0.5827, 0.3262, 0.4948, 0.2889, 0.7804, 0.4328, 0.2903, 0.5331,
         0.3217),
    ),
}  # fmt: skip
CHROMA_METHODS: tuple[str, ...] = ("stft", "stft-tuned", "cqt", "cqt-tuned", "cens")
# The method in use before the key model (FEATURES_VERSION 1.0).
PROFILE_CHROMA = "stft-tuned"
PROFILE = "temperley2005"


def chroma_vector(
    y: np.ndarray, sr: int, method: str = PROFILE_CHROMA, *, power: np.ndarray | None = None
) -> np.ndarray:
    """The clip's mean 12-bin chroma by one of CHROMA_METHODS (pass `power` to reuse an STFT)."""
    librosa = load_librosa()
    if method in ("stft", "stft-tuned"):
        if power is None:
            power = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP)) ** 2
        tuning = None if method == "stft-tuned" else 0.0
        chroma = librosa.feature.chroma_stft(S=power, sr=sr, n_fft=N_FFT, tuning=tuning)
    elif method in ("cqt", "cqt-tuned"):
        tuning = None if method == "cqt-tuned" else 0.0
        chroma = librosa.feature.chroma_cqt(y=y, sr=sr, hop_length=HOP, tuning=tuning)
    elif method == "cens":
        chroma = librosa.feature.chroma_cens(y=y, sr=sr, hop_length=HOP)
    else:
        raise ValueError(f"unknown chroma method {method!r}; choose from {CHROMA_METHODS}")
    return chroma.mean(axis=1)


def estimate_key(chroma: np.ndarray, profile: str = PROFILE) -> KeyEstimate:
    """The key whose rotated profile correlates best with the chroma (Krumhansl-Schmuckler).

    Confidence combines how well the best key fits (its correlation) with how far it stands
    above the runner-up; it ranks, it is not a probability. major_probability is a logistic of
    the best major minus the best minor correlation (scale 0.05).
    """
    chroma = np.asarray(chroma, dtype=np.float64)
    if chroma.shape != (12,) or not np.any(chroma > 0) or np.ptp(chroma) == 0:
        return KeyEstimate(None, None, 0.0)
    major, minor = (np.asarray(p, dtype=np.float64) for p in KEY_PROFILES[profile])
    scores = np.concatenate(
        [_rotated_correlations(chroma, major), _rotated_correlations(chroma, minor)]
    )
    best = int(np.argmax(scores))
    ranked = np.sort(scores)[::-1]
    margin = float(ranked[0] - ranked[1])
    fit = float(np.clip(ranked[0], 0.0, 1.0))
    confidence = fit * (1.0 - math.exp(-margin / 0.08))
    majorness = 1.0 / (1.0 + math.exp(-(scores[:12].max() - scores[12:].max()) / 0.05))
    return KeyEstimate(PITCH_CLASSES[best % 12], MODES[best // 12], confidence, majorness)


def _rotated_correlations(chroma: np.ndarray, profile: np.ndarray) -> np.ndarray:
    """Pearson correlation of the chroma with the profile rotated to each of the 12 tonics."""
    rotations = np.stack([np.roll(profile, k) for k in range(12)])
    rotations = rotations - rotations.mean(axis=1, keepdims=True)
    rotations /= np.linalg.norm(rotations, axis=1, keepdims=True)
    centred = chroma - chroma.mean()
    return rotations @ (centred / np.linalg.norm(centred))
