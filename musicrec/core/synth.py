"""Deterministic numpy synthesis of music, speech-like sound and clicks, and writing it to files.

Tests and the demo-data generator need audio whose tempo, key, energy and "speechiness" are known
by construction, without shipping recordings or depending on fluidsynth and a soundfont. Every
function here is a pure function of its arguments (the seed drives all randomness), so the same
call always returns the same samples.
"""

from __future__ import annotations

import functools
import math
import os
from fractions import Fraction

import av
import numpy as np
from scipy import signal

from musicrec.core.descriptors import PITCH_CLASSES

_FLAT_TO_SHARP = {"Db": "C#", "Eb": "D#", "Gb": "F#", "Ab": "G#", "Bb": "A#", "Cb": "B", "Fb": "E"}

# Chords as (semitones above the tonic, quality): the textbook tonic-subdominant-dominant-tonic
# cadence, I-IV-V-I and i-iv-V-i with the harmonic-minor major V. Half the bars sit on the tonic
# and the V's leading tone tells minor from its relative major, so the key is unambiguous by
# construction (loops such as I-V-vi-IV or i-VI-III-VII leave it to the listener).
_PROGRESSIONS: dict[str, tuple[tuple[int, str], ...]] = {
    "major": ((0, "maj"), (5, "maj"), (7, "maj"), (0, "maj")),
    "minor": ((0, "min"), (5, "min"), (7, "maj"), (0, "min")),
}
_TRIADS = {"maj": (0, 4, 7), "min": (0, 3, 7)}
_SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 11)}

# Codec and container chosen from a file's suffix by `write_audio`.
_SUFFIX_CODECS: dict[str, tuple[str, str]] = {
    ".wav": ("pcm_s16le", "wav"),
    ".ogg": ("libopus", "ogg"),
    ".opus": ("libopus", "ogg"),
    ".oga": ("libopus", "ogg"),
    ".m4a": ("aac", "ipod"),
    ".mp4": ("aac", "mp4"),
    ".aac": ("aac", "adts"),
    ".mp3": ("libmp3lame", "mp3"),
    ".flac": ("flac", "flac"),
}
# Opus only runs at these rates; other rates are resampled to the nearest one above.
_OPUS_RATES = (8000, 12000, 16000, 24000, 48000)


def pitch_class(key: str) -> int:
    """Pitch class 0-11 of a key name such as "C", "F#" or "Bb"."""
    name = key.strip()
    if not name:
        raise ValueError("empty key name")
    name = name[0].upper() + name[1:]
    name = _FLAT_TO_SHARP.get(name, name)
    if name not in PITCH_CLASSES:
        raise ValueError(f"unknown key name {key!r}")
    return PITCH_CLASSES.index(name)


def midi_to_hz(midi: float) -> float:
    return 440.0 * 2.0 ** ((midi - 69.0) / 12.0)


# --- Music -------------------------------------------------------------------------------------


def render_music(
    *,
    bpm: float,
    key: str,
    mode: str,
    seconds: float,
    sr: int = 22050,
    seed: int = 0,
    energy: float = 0.7,
    brightness: float = 0.5,
    drums: bool = True,
    swing: float = 0.0,
) -> np.ndarray:
    """A groove in 4/4: a one-chord-per-bar progression in the key, bass, melody and drums.

    - Chords are additive-synth stabs on every beat, the bass plays the root on beats 1 and 3
      (and the off-beats when energetic), and a seed-chosen melody walks the scale in eighths.
    - `brightness` (0-1) sets how many overtones the voices have and how slowly they roll off.
    - `energy` (0-1) sets the drum density (no hats, quarter, eighth or sixteenth hats; an extra
      kick), how short and punchy the notes are, and the loudness (about -30 to -10 dBFS RMS).
    - `swing` (0-1) delays off-beat eighths by up to a sixth of a beat (1 = triplet feel).
    Returns mono float32 in [-1, 1].
    """
    if bpm <= 0 or seconds <= 0:
        raise ValueError("bpm and seconds must be positive")
    if mode not in _PROGRESSIONS:
        raise ValueError(f"mode must be 'major' or 'minor', not {mode!r}")
    energy = float(np.clip(energy, 0.0, 1.0))
    brightness = float(np.clip(brightness, 0.0, 1.0))
    swing = float(np.clip(swing, 0.0, 1.0))
    rng = np.random.default_rng(seed)
    tonic = pitch_class(key)
    n = int(round(seconds * sr))
    beat = 60.0 / bpm
    out = np.zeros(n + sr, dtype=np.float64)  # a second of tail room, cut at the end

    def at(position: float) -> float:
        """Time of a position counted in beats, with swing applied to off-beat eighths."""
        frac = position % 1.0
        if abs(frac - 0.5) < 1e-9:
            return (position + swing / 6.0) * beat
        return position * beat

    n_beats = int(math.ceil(seconds / beat)) + 1
    harmonics = 3 + int(round(13 * brightness))
    rolloff = 2.4 - 1.8 * brightness
    decay = 0.9 - 0.55 * energy  # seconds: low energy rings, high energy is punchy
    progression = _PROGRESSIONS[mode]
    scale = _SCALES[mode]

    # Chords and bass: the chord's root placed so the voicing stays between C4 and B4.
    for b in range(n_beats):
        degree, quality = progression[(b // 4) % len(progression)]
        root_pc = (tonic + degree) % 12
        velocity = 0.9 + 0.1 * rng.random()
        accent = 1.0 if b % 4 == 0 else 0.8
        for interval in _TRIADS[quality]:
            midi = 60 + (root_pc + interval) % 12
            _add_note(
                out,
                sr,
                at(b),
                midi_to_hz(midi),
                0.16 * velocity * accent,
                decay,
                harmonics,
                rolloff,
            )
        bass_positions = (0.0, 2.0) if energy < 0.6 else (0.0, 1.0, 2.0, 2.5, 3.0)
        if b % 4 == 0:
            for pos in bass_positions:
                _add_note(
                    out,
                    sr,
                    at(b + pos),
                    midi_to_hz(36 + root_pc),
                    0.32,
                    decay * 1.2,
                    max(3, harmonics // 2),
                    rolloff + 0.5,
                )

    # Melody: eighth notes walking the scale around the upper tonic (step 7), as pop melodies
    # circle and resolve to it; on beats it snaps to a chord tone, and on the first beat of a
    # tonic bar to the tonic itself.
    previous = 7
    for e in range(n_beats * 2):
        if rng.random() < 0.25 + 0.3 * (1.0 - energy):
            continue  # rests: sparser when calm
        pull = int(np.sign(7 - previous)) if abs(7 - previous) > 2 else 0
        step = int(np.clip(previous + rng.integers(-2, 3) + pull, 3, 11))
        previous = step
        bar = (e // 2) // 4
        degree, quality = progression[bar % len(progression)]
        if e % 8 == 0 and degree == 0:
            step = 7
        elif e % 2 == 0:
            chord_pcs = [(degree + i) % 12 for i in _TRIADS[quality]]
            candidates = [s for s in range(3, 12) if scale[s % 7] % 12 in chord_pcs]
            step = min(candidates, key=lambda s: abs(s - step))
        midi = 60 + tonic + scale[step % 7] + 12 * (step // 7)
        if midi > 88:
            midi -= 12
        _add_note(
            out,
            sr,
            at(e / 2.0),
            midi_to_hz(midi),
            0.12 * (0.8 + 0.2 * rng.random()),
            decay * 0.6,
            harmonics,
            rolloff,
        )

    if drums:
        _add_drums(out, sr, n_beats, at, energy, rng, tonic)

    y = out[:n]
    rms = float(np.sqrt(np.mean(y**2))) or 1.0
    target = 10.0 ** ((-30.0 + 20.0 * energy) / 20.0)
    y = np.tanh(y * (target / rms) * 1.2) / 1.2  # gentle limiter keeps the peaks inside [-1, 1]
    return y.astype(np.float32)


def _add_note(
    out: np.ndarray,
    sr: int,
    start: float,
    freq: float,
    amp: float,
    decay: float,
    harmonics: int,
    rolloff: float,
) -> None:
    """Add an additive-synth note (harmonics k with amplitude k**-rolloff, exponential decay).

    The waveform is read from a one-period wavetable, so a note costs one table lookup per
    sample whatever the number of harmonics; harmonics above 0.45 sr are left out (no aliasing).
    """
    i0 = int(round(start * sr))
    if i0 >= len(out):
        return
    length = min(int(decay * 4 * sr), len(out) - i0)
    usable = max(1, min(harmonics, int(sr * 0.45 / freq)))
    table = _wavetable(usable, round(rolloff, 3))
    t = np.arange(length) / sr
    index = (np.arange(length) * (freq * _TABLE_SIZE / sr)).astype(np.int64) % _TABLE_SIZE
    attack = np.minimum(1.0, t / 0.005)
    out[i0 : i0 + length] += amp * attack * np.exp(-t / decay) * table[index]


_TABLE_SIZE = 4096


@functools.lru_cache(maxsize=256)
def _wavetable(harmonics: int, rolloff: float) -> np.ndarray:
    phase = np.arange(_TABLE_SIZE) / _TABLE_SIZE
    ks = np.arange(1, harmonics + 1, dtype=np.float64)
    weights = ks**-rolloff
    return (weights @ np.sin(2.0 * np.pi * np.outer(ks, phase))) / weights.sum()


def _add_drums(
    out: np.ndarray,
    sr: int,
    n_beats: int,
    at,
    energy: float,
    rng: np.random.Generator,
    tonic: int,
) -> None:
    """Kick on 1 and 3, snare on 2 and 4, hats whose density and level follow energy."""
    kick, snare, hat = _drum_samples(sr, rng, tonic)
    level = 0.5 + 0.7 * energy
    if energy < 0.3:
        hat_step = None
    elif energy < 0.55:
        hat_step = 1.0
    elif energy < 0.8:
        hat_step = 0.5
    else:
        hat_step = 0.25
    for b in range(n_beats):
        bar_pos = b % 4
        if bar_pos in (0, 2):
            _place(out, sr, at(b), kick, 0.9 * level)
        if bar_pos == 2 and energy >= 0.6:
            _place(out, sr, at(b + 0.5), kick, 0.6 * level)
        if bar_pos in (1, 3):
            _place(out, sr, at(b), snare, 0.6 * level)
        if hat_step is not None:
            for k in range(int(round(1.0 / hat_step))):
                pos = b + k * hat_step
                accent = 1.0 if k == 0 else 0.7
                _place(out, sr, at(pos), hat, 0.22 * level * accent * (0.85 + 0.15 * rng.random()))


def _place(out: np.ndarray, sr: int, start: float, sample: np.ndarray, gain: float) -> None:
    i0 = int(round(start * sr))
    if i0 >= len(out):
        return
    length = min(len(sample), len(out) - i0)
    out[i0 : i0 + length] += gain * sample[:length]


def _drum_samples(
    sr: int, rng: np.random.Generator, tonic: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A pitch-swept sine kick, a tone-plus-noise snare and a high-passed noise hat.

    The kick and the snare's body are tuned to the key's tonic, as producers tune drums to the
    track; untuned drum tones would add pitch classes foreign to the key.
    """
    kick_hz = midi_to_hz(24 + tonic)
    kick_hz = kick_hz * 2 if kick_hz < 40 else kick_hz
    body_hz = midi_to_hz(48 + tonic)
    body_hz = body_hz * 2 if body_hz < 150 else body_hz
    t = np.arange(int(0.45 * sr)) / sr
    kick_freq = kick_hz + 110.0 * np.exp(-t / 0.035)
    kick = np.sin(2.0 * np.pi * np.cumsum(kick_freq) / sr) * np.exp(-t / 0.16)
    kick[: int(0.002 * sr)] += 0.5  # beater click

    ts = t[: int(0.25 * sr)]
    noise = rng.standard_normal(ts.size)
    low = min(1200.0, sr * 0.4)
    high = min(6000.0, sr * 0.45)
    band = signal.sosfilt(signal.butter(2, [low, high], "bandpass", fs=sr, output="sos"), noise)
    snare = 0.7 * band * np.exp(-ts / 0.07) + 0.5 * np.sin(2 * np.pi * body_hz * ts) * np.exp(
        -ts / 0.05
    )

    th = t[: int(0.08 * sr)]
    cutoff = min(7000.0, sr * 0.4)
    hiss = signal.sosfilt(
        signal.butter(4, cutoff, "highpass", fs=sr, output="sos"), rng.standard_normal(th.size)
    )
    hat = hiss * np.exp(-th / 0.018)
    return kick, snare / np.abs(snare).max(), hat / np.abs(hat).max()


# --- Speech-like sound and clicks ---------------------------------------------------------------

# Formants (F1, F2, F3 in Hz) of a few vowels, average adult values (Peterson & Barney, 1952).
_VOWELS: tuple[tuple[float, float, float], ...] = (
    (730.0, 1090.0, 2440.0),  # a
    (270.0, 2290.0, 3010.0),  # i
    (300.0, 870.0, 2240.0),  # u
    (530.0, 1840.0, 2480.0),  # e
    (570.0, 840.0, 2410.0),  # o
    (660.0, 1720.0, 2410.0),  # ae
)


def render_speech_like(seconds: float, sr: int = 22050, seed: int = 0) -> np.ndarray:
    """A speech-like signal: phrases of syllables, each a formant-filtered glottal pulse train.

    What makes it speech-like for an analyser: a syllable rate of about 4-5 Hz with irregular
    syllable lengths, pitch that glides within a phrase (no steady notes), noisy consonant
    onsets, and pauses of a quarter to three quarters of a second between phrases, so there is
    energy modulation but no steady beat. Returns mono float32, about -20 dBFS RMS.
    """
    if seconds <= 0:
        raise ValueError("seconds must be positive")
    rng = np.random.default_rng(seed)
    n = int(round(seconds * sr))
    out = np.zeros(n + sr, dtype=np.float64)
    base_f0 = float(rng.choice([115.0, 200.0]))  # a lower or a higher voice
    t = 0.1 + 0.2 * rng.random()
    while t < seconds:
        syllables = int(rng.integers(3, 10))
        phrase_f0 = base_f0 * (1.0 + 0.15 * rng.standard_normal() * 0.5)
        for s in range(syllables):
            duration = float(rng.uniform(0.13, 0.30))
            # declination: pitch falls across the phrase, with a small rise or fall per syllable
            f0_start = (
                phrase_f0 * (1.0 - 0.2 * s / syllables) * (1.0 + 0.06 * rng.standard_normal())
            )
            f0_end = f0_start * (1.0 + 0.12 * rng.standard_normal())
            vowel = _VOWELS[int(rng.integers(len(_VOWELS)))]
            segment = _syllable(sr, duration, f0_start, f0_end, vowel, rng)
            i0 = int(round(t * sr))
            if i0 >= n:
                break
            out[i0 : i0 + segment.size] += segment[: len(out) - i0]
            t += duration + float(rng.uniform(0.0, 0.06))
        t += float(rng.uniform(0.25, 0.75))
    y = out[:n]
    rms = float(np.sqrt(np.mean(y**2))) or 1.0
    return np.clip(y * (0.1 / rms), -1.0, 1.0).astype(np.float32)


def _syllable(
    sr: int,
    duration: float,
    f0_start: float,
    f0_end: float,
    formants: tuple[float, float, float],
    rng: np.random.Generator,
) -> np.ndarray:
    """One consonant-vowel syllable: an optional noise burst, then a voiced vowel."""
    m = int(duration * sr)
    f0 = np.linspace(f0_start, f0_end, m)
    phase = np.cumsum(f0) / sr
    pulses = np.diff(np.floor(phase), prepend=0.0)  # one impulse per glottal period
    # glottal spectral tilt: a one-pole low-pass (about -12 dB/octave overall with the pulse)
    source = signal.lfilter([1.0], [1.0, -0.95], pulses)
    source += 0.02 * rng.standard_normal(m)  # breathiness
    voiced = source
    for i, freq in enumerate(formants):
        freq = freq * (1.0 + 0.05 * rng.standard_normal())
        if freq >= sr * 0.45:
            continue
        bandwidth = 60.0 + 40.0 * i
        r = math.exp(-math.pi * bandwidth / sr)
        a = [1.0, -2.0 * r * math.cos(2.0 * math.pi * freq / sr), r * r]
        voiced = signal.lfilter([1.0 - r], a, voiced)
    envelope = np.sin(np.pi * np.arange(m) / m) ** 1.5
    syllable = voiced / (np.abs(voiced).max() or 1.0) * envelope
    if rng.random() < 0.5:
        # a fricative or plosive onset: high-passed noise for 30-80 ms
        k = int(rng.uniform(0.03, 0.08) * sr)
        cutoff = min(3000.0, sr * 0.4)
        burst = signal.sosfilt(
            signal.butter(2, cutoff, "highpass", fs=sr, output="sos"), rng.standard_normal(k)
        )
        burst *= np.hanning(k) * 0.25 / (np.abs(burst).max() or 1.0)
        syllable[:k] += burst
    return syllable


def render_clicks(bpm: float, seconds: float, sr: int = 22050) -> np.ndarray:
    """A metronome: 20 ms sine blips on every beat, higher and louder on each downbeat of 4/4."""
    if bpm <= 0 or seconds <= 0:
        raise ValueError("bpm and seconds must be positive")
    n = int(round(seconds * sr))
    out = np.zeros(n, dtype=np.float64)
    t = np.arange(int(0.02 * sr)) / sr
    blip = np.sin(2.0 * np.pi * 1000.0 * t) * np.exp(-t / 0.005)
    accent = np.sin(2.0 * np.pi * 1500.0 * t) * np.exp(-t / 0.005)
    beat = 60.0 / bpm
    for i in range(int(seconds / beat) + 1):
        i0 = int(round(i * beat * sr))
        if i0 >= n:
            break
        sample, gain = (accent, 0.9) if i % 4 == 0 else (blip, 0.6)
        length = min(sample.size, n - i0)
        out[i0 : i0 + length] += gain * sample[:length]
    return out.astype(np.float32)


# --- Writing files ----------------------------------------------------------------------------


def write_audio(
    path: str | os.PathLike,
    samples: np.ndarray,
    sr: int,
    *,
    codec: str | None = None,
    bitrate: int | None = None,
) -> None:
    """Encode mono samples to a file with PyAV; the codec comes from the suffix unless given.

    .wav → 16-bit PCM, .ogg/.opus → Opus (pass codec="vorbis" for Vorbis), .m4a/.mp4 → AAC in
    MP4, .aac → ADTS AAC, .mp3 → MP3, .flac → FLAC. Sample rates an encoder does not support
    (Opus runs only at 8-48 kHz steps) are resampled on the way in.
    """
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix not in _SUFFIX_CODECS:
        raise ValueError(f"no audio codec known for suffix {suffix!r} of {os.fspath(path)}")
    default_codec, container_format = _SUFFIX_CODECS[suffix]
    codec = codec or default_codec
    with av.open(os.fspath(path), mode="w", format=container_format) as container:
        stream = _add_audio_stream(container, codec, sr, bitrate)
        _encode_samples(container, stream, samples, sr)


def _add_audio_stream(container, codec: str, sr: int, bitrate: int | None):
    rate = sr
    if codec in ("libopus", "opus"):
        rate = next((r for r in _OPUS_RATES if r >= sr), 48000)
    options = {"strict": "experimental"} if codec in ("vorbis", "opus") else {}
    stream = container.add_stream(codec, rate=rate, options=options)
    stream.layout = "mono" if codec != "vorbis" else "stereo"  # FFmpeg's vorbis is stereo only
    if bitrate:
        stream.bit_rate = bitrate
    elif codec not in ("pcm_s16le", "flac"):
        stream.bit_rate = 96_000
    return stream


def _encode_samples(container, stream, samples: np.ndarray, sr: int) -> None:
    """Feed float samples through a resampler sized to the encoder's frame and mux the packets."""
    mono = np.ascontiguousarray(np.asarray(samples, dtype=np.float32).reshape(1, -1))
    ctx = stream.codec_context
    resampler = av.AudioResampler(
        format=ctx.format.name,
        layout=ctx.layout.name,
        rate=ctx.sample_rate,
        frame_size=ctx.frame_size or 1024,
    )
    pts = 0

    def mux(frames) -> None:
        nonlocal pts
        for out in frames:
            out.pts = pts
            out.time_base = Fraction(1, ctx.sample_rate)
            pts += out.samples
            for packet in stream.encode(out):
                container.mux(packet)

    chunk = 4096
    for start in range(0, mono.shape[1], chunk):
        frame = av.AudioFrame.from_ndarray(
            mono[:, start : start + chunk], format="flt", layout="mono"
        )
        frame.sample_rate = sr
        frame.pts = start
        frame.time_base = Fraction(1, sr)
        mux(resampler.resample(frame))
    mux(resampler.resample(None))
    for packet in stream.encode(None):
        container.mux(packet)
