"""Audio features of a track or a soundtrack: tempo, key, loudness and the 0-1 descriptors.

Pure analysis on numpy arrays (no ORM, no Django): `analyze_samples` takes mono samples,
`analyze_file` decodes a file with PyAV first. One magnitude STFT (2048 / 512 at 22.05 kHz) feeds
the onset envelope, chroma, RMS, centroid and flatness, so a 30 s clip costs about a tenth of a
second once numba has compiled (`warm_up`).

How each number is measured, and the dev-set comparison behind the tempo and key methods, is in
docs/audio-analysis.md; `bench/bench_audio.py` reproduces the comparison.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field

import numpy as np

from musicrec.core.audio import decode_audio
from musicrec.core.descriptors import PITCH_CLASSES, moods_from_valence_arousal

# Bump when any measurement or mapping changes, so stored features can be recomputed.
FEATURES_VERSION = "1.0"

SR = 22050
N_FFT = 2048
HOP = 512
FRAME_RATE = SR / HOP  # onset-envelope frames per second

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
# Chosen on the POP909 dev set (docs/audio-analysis.md): Temperley's 2005 audio profiles were the
# best and the most stable profile across every STFT chroma variant, and tuning estimation keeps
# sped-up or detuned uploads (common on TikTok) on the right semitone.
KEY_CHROMA = "stft-tuned"
KEY_PROFILE = "temperley2005"

MIN_SECONDS = 1.0  # below this there is not enough signal for tempo or key


@dataclass
class TempoEstimate:
    bpm: float | None
    candidates: list[float]
    confidence: float
    beat_times: np.ndarray
    # onset-envelope autocorrelation at the beat period: how strongly the audio pulses at it
    pulse: float = 0.0


@dataclass
class KeyEstimate:
    key: str | None
    mode: str | None
    confidence: float
    # correlation of the chroma with the best major and the best minor key: their difference is
    # how "major" the harmony sounds, which valence uses
    major_score: float = 0.0
    minor_score: float = 0.0


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
    """All features of mono samples `y` at `sr` Hz (resampled to 22.05 kHz first if needed)."""
    librosa = _librosa()
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
    key = estimate_key(chroma_vector(y, SR, KEY_CHROMA, power=power), KEY_PROFILE)
    return _describe(duration, tempo, key, _measure(y, magnitude, onset_env, tempo))


def warm_up() -> None:
    """Run the whole analysis once on a short synthetic clip so numba compiles its kernels.

    The first librosa call in a fresh process costs seconds of JIT; workers and the test session
    pay it once, up front. NUMBA_CACHE_DIR makes later processes reuse the compiled code.
    """
    from musicrec.core.synth import render_music

    analyze_samples(render_music(bpm=120, key="C", mode="major", seconds=4.0, sr=SR), SR)


# --- Tempo -------------------------------------------------------------------------------------


def estimate_tempo(onset_env: np.ndarray) -> TempoEstimate:
    """Tempo from librosa's dynamic-programming beat tracker, refined by a line fit of the beats.

    librosa's own tempo is quantised to its tempogram bins (117.45, 123.05, 129.2 ...); the slope
    of beat time against beat index is the average beat period the tracker actually settled on,
    accurate to a few hundredths of a BPM on steady music. `onset_env` is at SR / HOP frames
    per second.
    """
    librosa = _librosa()
    _, beats = librosa.beat.beat_track(onset_envelope=onset_env, sr=SR, hop_length=HOP)
    times = np.asarray(beats, dtype=np.float64) / FRAME_RATE
    if times.size < 4:
        return TempoEstimate(None, [], 0.0, times)
    period = float(np.polyfit(np.arange(times.size), times, 1)[0])
    if not math.isfinite(period) or period <= 0:
        return TempoEstimate(None, [], 0.0, times)
    bpm = 60.0 / period

    autocorr = _autocorrelation(onset_env)

    def salience(candidate_bpm: float) -> float:
        """Onset-envelope autocorrelation at that beat period (best within +-3 %)."""
        lag = 60.0 * FRAME_RATE / candidate_bpm
        low, high = int(math.floor(lag * 0.97)), int(math.ceil(lag * 1.03)) + 1
        if low < 1 or high > autocorr.size:
            return 0.0
        return float(autocorr[low:high].max())

    pulse = salience(bpm)
    intervals = np.diff(times)
    spread = float(np.std(intervals) / np.mean(intervals))
    regularity = float(np.clip(1.0 - spread / 0.15, 0.0, 1.0))
    confidence = float(np.clip(pulse / 0.6, 0.0, 1.0) * regularity)

    candidates = [bpm / 2.0, bpm * 2.0]
    for ratio in (2.0 / 3.0, 1.5):
        other = salience(bpm * ratio)
        if other > 0.1 and other >= 0.5 * pulse:
            candidates.append(bpm * ratio)
    candidates = [c for c in candidates if 30.0 <= c <= 300.0]
    return TempoEstimate(bpm, candidates, confidence, times, max(0.0, pulse))


def _autocorrelation(envelope: np.ndarray) -> np.ndarray:
    """Autocorrelation of the mean-removed envelope, 1 at lag 0 (up to 4 s of lag)."""
    x = envelope - envelope.mean()
    n = x.size
    size = 1 << int(math.ceil(math.log2(2 * n)))
    spectrum = np.fft.rfft(x, size)
    ac = np.fft.irfft(spectrum * np.conj(spectrum), size)[: min(n, int(4 * FRAME_RATE))]
    return ac / ac[0] if ac[0] > 0 else np.zeros_like(ac)


# --- Key ---------------------------------------------------------------------------------------


def chroma_vector(
    y: np.ndarray, sr: int, method: str = KEY_CHROMA, *, power: np.ndarray | None = None
) -> np.ndarray:
    """The clip's mean 12-bin chroma by one of CHROMA_METHODS (pass `power` to reuse an STFT)."""
    librosa = _librosa()
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


def estimate_key(chroma: np.ndarray, profile: str = KEY_PROFILE) -> KeyEstimate:
    """The key whose rotated profile correlates best with the chroma (Krumhansl-Schmuckler).

    Confidence combines how well the best key fits (its correlation) with how far it stands
    above the runner-up (usually the relative or a fifth-related key), so "clearly in some key"
    and "C major or A minor, can't tell" read differently. It ranks; it is not a probability.
    """
    chroma = np.asarray(chroma, dtype=np.float64)
    if chroma.shape != (12,) or not np.any(chroma > 0) or np.ptp(chroma) == 0:
        return KeyEstimate(None, None, 0.0)
    major, minor = (np.asarray(p, dtype=np.float64) for p in KEY_PROFILES[profile])
    scores = np.concatenate(
        [_rotated_correlations(chroma, major), _rotated_correlations(chroma, minor)]
    )
    best = int(np.argmax(scores))
    tonic, mode = best % 12, ("major" if best < 12 else "minor")
    ranked = np.sort(scores)[::-1]
    margin = float(ranked[0] - ranked[1])
    fit = float(np.clip(ranked[0], 0.0, 1.0))
    confidence = fit * (1.0 - math.exp(-margin / 0.08))
    return KeyEstimate(
        PITCH_CLASSES[tonic], mode, confidence, float(scores[:12].max()), float(scores[12:].max())
    )


def _rotated_correlations(chroma: np.ndarray, profile: np.ndarray) -> np.ndarray:
    """Pearson correlation of the chroma with the profile rotated to each of the 12 tonics."""
    rotations = np.stack([np.roll(profile, k) for k in range(12)])
    rotations = rotations - rotations.mean(axis=1, keepdims=True)
    rotations /= np.linalg.norm(rotations, axis=1, keepdims=True)
    centred = chroma - chroma.mean()
    return rotations @ (centred / np.linalg.norm(centred))


def _librosa():
    """librosa, imported on first use: its import costs seconds a web process need not pay."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(repo, ".cache", "numba"))
    import librosa

    return librosa


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
    librosa = _librosa()
    mel = librosa.feature.melspectrogram(S=magnitude**2, sr=SR, n_mels=24, fmin=100.0, fmax=4000.0)
    rms = librosa.feature.rms(S=magnitude, frame_length=N_FFT)[0]
    rms_mean = float(rms.mean())
    loud = float(np.percentile(rms, 95))
    centroid = librosa.feature.spectral_centroid(S=magnitude, sr=SR)[0]
    flatness = librosa.feature.spectral_flatness(S=magnitude)[0]
    zcr = librosa.feature.zero_crossing_rate(y, frame_length=N_FFT, hop_length=HOP)[0]
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
    majorness = 0.5
    if key.mode is not None:
        majorness = float(1.0 / (1.0 + math.exp(-(key.major_score - key.minor_score) / 0.05)))
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
