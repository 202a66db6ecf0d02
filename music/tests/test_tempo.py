"""music.features.tempo: the metrical check on top of the beat tracker."""

from __future__ import annotations

import numpy as np
import pytest

from music import features
from music.features import tempo
from music.features.common import FRAME_RATE, SR


def _envelope(bpm: float, seconds: float = 30.0) -> np.ndarray:
    """An onset envelope with beats, weaker eighths and a stronger first beat of each bar."""
    frames = int(seconds * FRAME_RATE)
    envelope = np.zeros(frames)
    beat = 60.0 / bpm
    for index, t in enumerate(np.arange(0.0, seconds, beat / 2)):
        frame = int(round(t * FRAME_RATE))
        if frame < frames:
            envelope[frame] = 1.0 if index % 8 == 0 else 0.7 if index % 2 == 0 else 0.35
    return envelope


def test_metrical_level_moves_a_cross_rhythm_back_to_the_beat() -> None:
    """A pulse every three sixteenths (4/3 of 85 BPM) is not a metrical level of the song."""
    autocorr = tempo.autocorrelation(_envelope(85.0))
    assert tempo.metrical_level(autocorr, 85.0 * 4.0 / 3.0) == pytest.approx(85.0, rel=0.001)


@pytest.mark.parametrize("level", [85.0, 170.0])
def test_metrical_level_keeps_the_beat_and_its_double(level: float) -> None:
    autocorr = tempo.autocorrelation(_envelope(85.0))
    assert tempo.metrical_level(autocorr, level) == level


def test_metrical_support_skips_periods_past_the_envelope() -> None:
    autocorr = tempo.autocorrelation(_envelope(60.0, seconds=6.0))
    assert tempo.salience(autocorr, 15.0) is None
    assert tempo.metrical_support(autocorr, 60.0) is not None


def test_estimate_tempo_follows_the_metrical_check() -> None:
    """When the check moves the tempo, the beats are tracked again at it and the tracker's
    first answer stays among the candidates."""
    envelope = _envelope(85.0)
    estimate = tempo.estimate_tempo(envelope)
    assert estimate.bpm is not None
    relation = estimate.bpm / 85.0
    assert min(abs(relation - m) for m in (0.5, 1.0, 2.0)) < 0.04
    if estimate.tracker_bpm != estimate.bpm:
        assert estimate.tracker_bpm in estimate.candidates
    assert np.all(np.diff(estimate.beat_times) > 0)


def test_estimate_tempo_needs_four_beats() -> None:
    estimate = tempo.estimate_tempo(np.zeros(int(2 * FRAME_RATE)))
    assert estimate.bpm is None and estimate.candidates == []


def test_zero_crossing_rate_and_centroid_match_librosa() -> None:
    """The cheaper measurements give librosa's values."""
    from music.features.common import HOP, N_FFT, load_librosa
    from musicrec.core import synth

    librosa = load_librosa()
    y = synth.render_music(bpm=120, key="C", mode="major", seconds=6, seed=1)
    y[: SR // 2] = 0.0
    expected = librosa.feature.zero_crossing_rate(y, frame_length=N_FFT, hop_length=HOP)[0]
    assert np.array_equal(features._zero_crossing_rate(y), expected)
    magnitude = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP))
    centroid = librosa.feature.spectral_centroid(S=magnitude, sr=SR)[0]
    assert np.allclose(features._spectral_centroid(magnitude), centroid, rtol=1e-4, atol=0.01)
