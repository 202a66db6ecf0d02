"""music.features on audio whose tempo, key and character are known by construction."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from music import features
from musicrec.core import synth
from musicrec.core.errors import MediaDecodeError
from musicrec.core.video import write_clip

SR = features.SR


@pytest.fixture(scope="session", autouse=True)
def warm_analysis() -> None:
    """Pay numba's compile once per session instead of inside the first test's timing."""
    features.warm_up()


def _near(value: float | None, target: float, tolerance: float = 0.04) -> bool:
    return value is not None and abs(value / target - 1.0) <= tolerance


@pytest.mark.parametrize(
    ("bpm", "key", "mode", "seed"),
    [(90, "A", "minor", 1), (120, "C", "major", 2), (128, "F", "minor", 3), (140, "D", "major", 4)],
)
def test_analyze_samples_finds_the_tempo_of_a_groove(
    bpm: float, key: str, mode: str, seed: int
) -> None:
    y = synth.render_music(bpm=bpm, key=key, mode=mode, seconds=20, seed=seed)
    result = features.analyze_samples(y, SR)
    assert _near(result.tempo_bpm, bpm) or any(_near(c, bpm) for c in result.tempo_candidates)
    assert result.tempo_bpm is not None
    # the octave neighbours are always offered
    assert any(_near(c, result.tempo_bpm / 2, 0.001) for c in result.tempo_candidates)
    assert any(_near(c, result.tempo_bpm * 2, 0.001) for c in result.tempo_candidates)
    assert result.tempo_confidence > 0.5


def test_analyze_samples_tempo_is_not_binned() -> None:
    """The line fit of the beats resolves tempi between librosa's tempogram bins."""
    result = features.analyze_samples(synth.render_clicks(123.0, 20.0, SR), SR)
    assert result.tempo_bpm == pytest.approx(123.0, rel=0.005)


@pytest.mark.parametrize(
    ("key", "mode"),
    [("C", "major"), ("A", "minor"), ("F#", "major"), ("Bb", "minor"), ("Eb", "major")],
)
def test_analyze_samples_names_the_key_of_a_clear_progression(key: str, mode: str) -> None:
    y = synth.render_music(bpm=110, key=key, mode=mode, seconds=15, energy=0.6, seed=7)
    result = features.analyze_samples(y, SR)
    assert result.key == features.PITCH_CLASSES[synth.pitch_class(key)]
    assert result.mode == mode
    assert 0.0 < result.key_confidence <= 1.0


def test_estimate_key_reads_a_pure_triad_profile() -> None:
    chroma = np.zeros(12)
    chroma[[7, 11, 2]] = 1.0  # G B D
    estimate = features.estimate_key(chroma)
    assert (estimate.key, estimate.mode) == ("G", "major")


def test_estimate_key_has_no_key_for_a_flat_chroma() -> None:
    estimate = features.estimate_key(np.ones(12))
    assert estimate.key is None and estimate.confidence == 0.0


def test_analyze_samples_energy_follows_the_render() -> None:
    quiet = synth.render_music(
        bpm=80, key="G", mode="major", seconds=15, energy=0.15, drums=False, seed=5
    )
    loud = synth.render_music(bpm=128, key="G", mode="major", seconds=15, energy=0.9, seed=5)
    quiet_f, loud_f = features.analyze_samples(quiet, SR), features.analyze_samples(loud, SR)
    assert loud_f.energy > quiet_f.energy + 0.3
    assert loud_f.arousal > quiet_f.arousal + 0.2
    assert loud_f.loudness_lufs > quiet_f.loudness_lufs + 6
    assert loud_f.onset_rate > quiet_f.onset_rate
    assert quiet_f.acousticness > loud_f.acousticness
    assert quiet_f.moods["calm"] + quiet_f.moods["sad"] > loud_f.moods["calm"] + loud_f.moods["sad"]
    assert loud_f.moods["energetic"] + loud_f.moods["happy"] > 0.5


def test_analyze_samples_brightness_follows_the_overtones() -> None:
    dull, bright = (
        features.analyze_samples(
            synth.render_music(
                bpm=100, key="E", mode="minor", seconds=10, brightness=b, drums=False
            ),
            SR,
        )
        for b in (0.1, 0.9)
    )
    assert bright.brightness > dull.brightness
    assert bright.brightness_hz > 1.3 * dull.brightness_hz


def test_analyze_samples_major_sounds_happier_than_minor() -> None:
    major, minor = (
        features.analyze_samples(
            synth.render_music(bpm=115, key="C", mode=mode, seconds=15, seed=9), SR
        )
        for mode in ("major", "minor")
    )
    assert major.valence > minor.valence + 0.1


def test_analyze_samples_separates_speech_from_music() -> None:
    speech = [
        features.analyze_samples(synth.render_speech_like(15, SR, seed), SR) for seed in (0, 1)
    ]
    music = [
        features.analyze_samples(
            synth.render_music(bpm=bpm, key="D", mode="minor", seconds=15, energy=e, seed=3), SR
        )
        for bpm, e in ((95, 0.4), (125, 0.9))
    ]
    assert min(s.speechiness for s in speech) > 0.6
    assert max(m.speechiness for m in music) < 0.3
    assert min(m.danceability for m in music) > max(s.danceability for s in speech) + 0.3
    assert max(s.tempo_confidence for s in speech) < min(m.tempo_confidence for m in music)


def test_analyze_samples_speechiness_grows_with_the_share_of_voice() -> None:
    voice = synth.render_speech_like(15, SR, seed=4)
    music = synth.render_music(bpm=100, key="E", mode="major", seconds=15, energy=0.5)
    voice = voice / np.sqrt(np.mean(voice**2))
    music = music / np.sqrt(np.mean(music**2))
    levels = [
        features.analyze_samples(0.1 * (share * voice + (1 - share) * music), SR).speechiness
        for share in (0.0, 0.7, 1.0)
    ]
    assert levels[0] < levels[1] < levels[2]


def test_analyze_samples_descriptors_stay_in_range() -> None:
    result = features.analyze_samples(
        synth.render_music(bpm=100, key="A", mode="major", seconds=8), SR
    )
    for name in (
        "energy", "danceability", "valence", "arousal", "brightness", "acousticness",
        "speechiness", "tempo_confidence", "key_confidence",
    ):  # fmt: skip
        assert 0.0 <= getattr(result, name) <= 1.0, name
    assert math.isclose(sum(result.moods.values()), 1.0, abs_tol=0.01)


def test_analyze_samples_resamples_other_rates() -> None:
    y = synth.render_music(bpm=120, key="C", mode="major", seconds=12, sr=44100, seed=2)
    result = features.analyze_samples(y, 44100)
    assert result.duration_s == pytest.approx(12.0, abs=0.01)
    assert _near(result.tempo_bpm, 120) or any(_near(c, 120) for c in result.tempo_candidates)


def test_analyze_samples_handles_silence_and_very_short_clips() -> None:
    silent = features.analyze_samples(np.zeros(5 * SR, dtype=np.float32), SR)
    assert silent.tempo_bpm is None and silent.key is None
    assert silent.loudness_lufs is None and silent.energy == 0.0
    short = features.analyze_samples(synth.render_clicks(120, 0.5, SR), SR)
    assert short.duration_s == pytest.approx(0.5, abs=0.01)
    assert short.tempo_bpm is None and short.tempo_candidates == []
    json.dumps(short.to_dict())


def test_to_dict_is_json_ready_and_rounded() -> None:
    result = features.analyze_samples(
        synth.render_music(bpm=120, key="C", mode="major", seconds=8), SR
    )
    data = json.loads(json.dumps(result.to_dict()))
    assert data["version"] == features.FEATURES_VERSION
    assert data["tempo_bpm"] == round(data["tempo_bpm"], 2)
    assert data["energy"] == round(data["energy"], 3)
    assert set(data["moods"]) >= {"happy", "sad", "calm", "energetic"}


def test_analyze_file_reads_an_mp3_and_a_video_soundtrack(tmp_path: Path) -> None:
    music = synth.render_music(bpm=128, key="A", mode="minor", seconds=12, seed=6)
    mp3, mp4 = tmp_path / "track.mp3", tmp_path / "clip.mp4"
    synth.write_audio(mp3, music, SR)
    write_clip(mp4, music, SR)
    for path in (mp3, mp4):
        result = features.analyze_file(path)
        assert result.duration_s == pytest.approx(12.0, abs=0.1)
        assert _near(result.tempo_bpm, 128) or any(_near(c, 128) for c in result.tempo_candidates)
        assert (result.key, result.mode) == ("A", "minor")


def test_analyze_file_stops_at_max_seconds(tmp_path: Path) -> None:
    path = tmp_path / "long.wav"
    synth.write_audio(path, synth.render_clicks(100, 12.0, SR), SR)
    assert features.analyze_file(path, max_seconds=5.0).duration_s == pytest.approx(5.0)


def test_analyze_file_raises_a_readable_error_for_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.m4a"
    path.write_bytes(b"\x00\x00\x00\x18ftypM4A " + bytes(range(256)) * 8)
    with pytest.raises(MediaDecodeError, match="broken.m4a: unreadable"):
        features.analyze_file(path)


def test_warm_up_waits_while_another_process_holds_the_kernel_cache(tmp_path):
    """Two workers compiling numba's kernels into one cache a few seconds apart left entries
    that crashed every later process loading them (SIGSEGV: `make run`'s second worker died and
    was replaced for ever). warm_up takes the cache folder's lock: while another process holds
    it, a starting worker waits, then loads what the holder wrote."""
    import os
    import subprocess
    import sys
    import time

    from filelock import FileLock

    cache = Path(os.environ["NUMBA_CACHE_DIR"])
    script = "import django; django.setup(); from music import features; features.warm_up()"
    with FileLock(cache / "warm-up.lock"):
        child = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parents[2])
        time.sleep(10)  # loading the warm cache takes about 5 s: it would be done by now
        waited = child.poll() is None
    assert waited, "warm_up ran while another process held the cache lock"
    assert child.wait(timeout=180) == 0
