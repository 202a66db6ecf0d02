"""music.features.key: the pitch spectrogram, its tuning, and the learned key model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from music import features
from music.features import key
from music.features.common import HOP, N_FFT, SR, load_librosa
from musicrec.core import synth


def _power(y: np.ndarray) -> np.ndarray:
    return np.abs(load_librosa().stft(y, n_fft=N_FFT, hop_length=HOP)) ** 2


def _spectrogram(y: np.ndarray) -> key.PitchSpectrogram:
    return key.pitch_spectrogram(y, _power(y))


def _sped_up(y: np.ndarray, cents: float) -> np.ndarray:
    """The clip played faster by `cents`, as TikTok's "sped up" versions are."""
    return load_librosa().resample(y, orig_sr=SR * 2.0 ** (cents / 1200.0), target_sr=SR)


def _sine(hz: float, seconds: float = 4.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


@pytest.mark.parametrize(("hz", "midi"), [(55.0, 33), (130.81, 48), (440.0, 69), (1760.0, 93)])
def test_pitch_spectrogram_puts_a_note_on_its_semitone(hz: float, midi: int) -> None:
    """Low notes come from the long window, high ones from the analysis STFT: both line up."""
    spec = _spectrogram(_sine(hz))
    assert spec.energy.shape[0] == key.END_MIDI - key.FIRST_MIDI
    assert int(np.argmax(spec.energy.mean(axis=1))) == midi - key.FIRST_MIDI


@pytest.mark.parametrize("cents", [0.0, 25.0, 40.0, -30.0])
def test_pitch_spectrogram_reads_the_tuning_of_a_detuned_render(cents: float) -> None:
    music = synth.render_music(bpm=100, key="D", mode="major", seconds=10, seed=3)
    spec = _spectrogram(_sped_up(music, cents) if cents else music)
    assert spec.tuning == pytest.approx(cents / 100.0, abs=0.03)


def test_estimate_tuning_is_zero_for_silence() -> None:
    assert key.estimate_tuning(np.zeros(N_FFT // 2 + 1)) == 0.0


@pytest.mark.parametrize(("name", "mode"), [("E", "minor"), ("Bb", "major")])
def test_analyze_samples_keeps_the_key_of_a_sped_up_render(name: str, mode: str) -> None:
    music = synth.render_music(bpm=110, key=name, mode=mode, seconds=15, energy=0.6, seed=11)
    result = features.analyze_samples(_sped_up(music, 40.0), SR)
    assert (result.key, result.mode) == (features.PITCH_CLASSES[synth.pitch_class(name)], mode)


def test_key_evidence_is_none_without_pitched_sound() -> None:
    assert key.key_evidence(_spectrogram(np.zeros(3 * SR, dtype=np.float32))) is None


def test_key_model_is_the_same_model_in_every_key() -> None:
    """Transposing the evidence transposes the answer and keeps its probability."""
    music = synth.render_music(bpm=100, key="C", mode="minor", seconds=12, seed=5)
    evidence = key.key_evidence(_spectrogram(music))
    model = key.shipped_key_model()
    base = model.estimate(evidence)
    for step in (2, 7):
        moved = key.KeyEvidence(
            np.roll(evidence.chroma, step),
            np.roll(evidence.bass, step),
            np.concatenate(
                [np.roll(evidence.chords[:12], step), np.roll(evidence.chords[12:], step)]
            ),
        )
        estimate = model.estimate(moved)
        assert estimate.mode == base.mode
        assert (
            features.PITCH_CLASSES.index(estimate.key)
            == (features.PITCH_CLASSES.index(base.key) + step) % 12
        )
        assert estimate.confidence == pytest.approx(base.confidence)


def test_shipped_key_model_records_how_it_was_made() -> None:
    data = json.loads(key.KEY_MODEL_PATH.read_text())
    assert data["written_by"] == "bench/bench_audio.py --write-model"
    assert data["features_version"] == features.FEATURES_VERSION
    assert "nested_cv_mirex" in data and "trained_on" in data
    model = key.shipped_key_model()
    assert model.major.shape == model.minor.shape == (48,)
    assert model.l2 in (0.3, 1.0, 3.0)


def test_key_model_from_json_rejects_the_wrong_shape() -> None:
    with pytest.raises(ValueError, match="48 weights"):
        key.KeyModel.from_json(json.dumps({"major": [0.0] * 12, "minor": [0.0] * 12,
                                           "minor_bias": 0.0}))  # fmt: skip


def test_fit_key_model_is_deterministic_and_learns_its_clips() -> None:
    """On evidence made from scale-degree templates with noise, the fit recovers the keys."""
    rng = np.random.default_rng(0)
    major_scale, minor_scale = np.zeros(12), np.zeros(12)
    major_scale[[0, 2, 4, 5, 7, 9, 11]] = 1.0
    minor_scale[[0, 2, 3, 5, 7, 8, 10]] = 1.0
    minor_scale[[0, 7]] += 0.5  # a minor tonic sounds more than its relative major's
    major_scale[[0, 7]] += 0.5
    rotated, labels = [], []
    for _ in range(60):
        label = int(rng.integers(24))
        template = major_scale if label < 12 else minor_scale
        profile = np.roll(template, label % 12) + 0.2 * rng.random(12)
        chords = rng.random(24)
        bass = np.roll(template, label % 12) + 0.2 * rng.random(12)
        evidence = key.KeyEvidence(key._unit(profile), key._unit(bass), key._unit(chords))
        rotated.append(evidence.rotated())
        labels.append(label)
    first = key.fit_key_model(rotated, labels, l2=1.0)
    second = key.fit_key_model(rotated, labels, l2=1.0)
    assert np.array_equal(first.major, second.major) and first.minor_bias == second.minor_bias
    predicted = [int(np.argmax(first.scores(r))) for r in rotated]
    assert np.mean(np.array(predicted) == np.array(labels)) > 0.9


@pytest.mark.parametrize(
    ("estimate", "truth", "relation"),
    [
        (("C", "major"), ("C", "major"), "exact"),
        (("G", "major"), ("C", "major"), "fifth above"),
        (("F", "minor"), ("C", "minor"), "fifth below"),
        (("A", "minor"), ("C", "major"), "relative"),
        (("Eb", "major"), ("C", "minor"), "relative"),
        (("C", "minor"), ("C", "major"), "parallel"),
        (("D", "major"), ("C", "major"), "other"),
    ],
)
def test_key_relation_names_the_mirex_categories(
    estimate: tuple[str, str], truth: tuple[str, str], relation: str
) -> None:
    assert key.key_relation(key.key_label(*estimate), key.key_label(*truth)) == relation


def test_key_label_rejects_an_unknown_mode() -> None:
    with pytest.raises(ValueError, match="mode"):
        key.key_label("C", "dorian")
