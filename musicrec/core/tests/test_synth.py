"""The synthesiser is the ground truth of the audio tests, so its own promises are pinned here."""

from __future__ import annotations

import numpy as np
import pytest

from musicrec.core import synth

SR = 22050


def test_render_music_is_deterministic_per_seed() -> None:
    a = synth.render_music(bpm=120, key="C", mode="major", seconds=4, seed=3)
    b = synth.render_music(bpm=120, key="C", mode="major", seconds=4, seed=3)
    c = synth.render_music(bpm=120, key="C", mode="major", seconds=4, seed=4)
    assert a.dtype == np.float32
    assert a.shape == (4 * SR,)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_render_music_stays_in_range_and_loudness_follows_energy() -> None:
    quiet = synth.render_music(bpm=100, key="G", mode="major", seconds=6, energy=0.2)
    loud = synth.render_music(bpm=100, key="G", mode="major", seconds=6, energy=0.9)
    for y in (quiet, loud):
        assert np.abs(y).max() <= 1.0
    rms = [float(np.sqrt(np.mean(y.astype(np.float64) ** 2))) for y in (quiet, loud)]
    assert rms[1] > 3 * rms[0]


def test_render_music_brightness_raises_the_spectral_centroid() -> None:
    def centroid(y: np.ndarray) -> float:
        spectrum = np.abs(np.fft.rfft(y))
        freqs = np.fft.rfftfreq(y.size, 1 / SR)
        return float((spectrum * freqs).sum() / spectrum.sum())

    dull, bright = (
        synth.render_music(bpm=110, key="D", mode="minor", seconds=5, brightness=b, drums=False)
        for b in (0.1, 0.9)
    )
    assert centroid(bright) > 1.3 * centroid(dull)


def test_render_music_keeps_its_energy_on_the_scale_of_the_key() -> None:
    y = synth.render_music(bpm=120, key="Bb", mode="major", seconds=8, drums=False)
    spectrum = np.abs(np.fft.rfft(y)) ** 2
    freqs = np.fft.rfftfreq(y.size, 1 / SR)
    keep = (freqs > 60) & (freqs < 2000)
    pcs = np.round(12 * np.log2(freqs[keep] / 440.0) + 69).astype(int) % 12
    histogram = np.bincount(pcs, weights=spectrum[keep], minlength=12)
    b_flat_major = [10, 0, 2, 3, 5, 7, 9]
    assert histogram[b_flat_major].sum() > 0.95 * histogram.sum()  # leakage takes the rest
    assert histogram[10] > 0.5 * histogram.max()  # the tonic is among the strongest


def test_pitch_class_accepts_sharps_and_flats() -> None:
    assert synth.pitch_class("F#") == synth.pitch_class("Gb") == 6
    assert synth.pitch_class("bb") == 10
    with pytest.raises(ValueError):
        synth.pitch_class("H")


def test_render_clicks_places_a_click_on_every_beat() -> None:
    y = synth.render_clicks(120, 4.0, SR)
    starts = np.flatnonzero((np.abs(y[1:]) > 0.05) & (np.abs(y[:-1]) <= 0.05)) + 1
    beats = starts[np.diff(starts, prepend=-SR) > SR // 10]
    assert np.allclose(np.diff(beats) / SR, 0.5, atol=0.002)


def test_render_speech_like_has_pauses_and_syllable_rate_modulation() -> None:
    y = synth.render_speech_like(12.0, SR, seed=1).astype(np.float64)
    hop = SR // 100
    envelope = np.sqrt(np.convolve(y**2, np.ones(hop) / hop, mode="same")[::hop])
    silent = envelope < 0.05 * envelope.max()
    assert 0.1 < silent.mean() < 0.6  # pauses between phrases and syllables
    spectrum = np.abs(np.fft.rfft(envelope - envelope.mean()))
    freqs = np.fft.rfftfreq(envelope.size, 1 / 100)
    syllable_band = spectrum[(freqs >= 2) & (freqs <= 8)].sum()
    assert syllable_band > spectrum[(freqs > 8) & (freqs <= 30)].sum()


@pytest.mark.parametrize("suffix", ["wav", "ogg", "m4a", "mp3", "flac"])
def test_write_audio_writes_a_decodable_file(tmp_path, suffix: str) -> None:
    import av

    path = tmp_path / f"clip.{suffix}"
    synth.write_audio(path, synth.render_clicks(100, 2.0, SR), SR)
    with av.open(str(path)) as container:
        assert len(container.streams.audio) == 1
        assert container.duration is not None and container.duration > 1.9 * av.time_base


def test_write_audio_rejects_an_unknown_suffix(tmp_path) -> None:
    with pytest.raises(ValueError, match="suffix"):
        synth.write_audio(tmp_path / "clip.xyz", np.zeros(100, dtype=np.float32), SR)
