"""Video decoding and encoding with PyAV, on small files written by the tests themselves."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from musicrec.core.errors import MediaDecodeError
from musicrec.core.video import (
    analysis_size,
    decode_video,
    iter_scenes,
    synth_scenes,
    write_clip,
    write_video,
)

SR = 22050


def _tone(seconds: float, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def _scenes(seconds: float = 4.0, fps: int = 10, size=(90, 160), **kw) -> np.ndarray:
    params = dict(cuts=1, motion=0.5, brightness=0.6, saturation=0.6, warmth=0.0, seed=1)
    params.update(kw)
    return synth_scenes(seconds=seconds, fps=fps, size=size, **params)


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """6 s, 10 fps, 180x320 portrait with a 440 Hz soundtrack."""
    path = tmp_path_factory.mktemp("video") / "clip.mp4"
    return write_video(path, frames=_scenes(6.0, size=(180, 320)), fps=10, audio=_tone(6.0))


def test_write_video_encodes_h264_and_aac(clip):
    with av.open(str(clip)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert video.codec_context.name == "h264"
        assert (video.codec_context.width, video.codec_context.height) == (180, 320)
        assert audio.codec_context.name == "aac"
        assert container.duration / 1e6 == pytest.approx(6.0, abs=0.15)


def test_write_video_encodes_vp8_and_opus_for_webm(tmp_path):
    path = write_video(tmp_path / "clip.webm", frames=_scenes(2.0), fps=10, audio=_tone(2.0))
    with av.open(str(path)) as container:
        assert container.streams.video[0].codec_context.name == "vp8"
        assert container.streams.audio[0].codec_context.name == "opus"
    decoded = decode_video(path, fps=2.0)
    assert decoded.has_frames and decoded.has_audio
    assert len(decoded.audio) / decoded.sr == pytest.approx(2.0, abs=0.1)


def test_write_clip_wraps_a_soundtrack_or_makes_a_silent_video(tmp_path):
    with_sound = decode_video(write_clip(tmp_path / "a.mp4", _tone(1.5), SR), fps=2.0)
    assert with_sound.has_frames and with_sound.has_audio
    silent = decode_video(write_clip(tmp_path / "s.mp4", None, SR, seconds=1.0), fps=2.0)
    assert silent.has_frames and not silent.has_audio
    with pytest.raises(ValueError, match="seconds"):
        write_clip(tmp_path / "x.mp4", None, SR)


def test_write_video_crops_odd_sizes_to_even(tmp_path):
    frames = np.zeros((5, 33, 21, 3), dtype=np.uint8)
    path = write_video(tmp_path / "odd.mp4", frames=frames, fps=5, audio=None)
    with av.open(str(path)) as container:
        ctx = container.streams.video[0].codec_context
        assert (ctx.width, ctx.height) == (20, 32)


def test_write_video_rejects_nothing_to_write(tmp_path):
    with pytest.raises(ValueError):
        write_video(tmp_path / "empty.mp4", frames=[], fps=10, audio=None)


def test_decode_video_samples_at_two_fps_small_portrait(clip):
    decoded = decode_video(clip)
    assert decoded.frames.shape == (12, 160, 90, 3)
    assert decoded.frames.dtype == np.uint8
    np.testing.assert_allclose(decoded.frame_times, np.arange(12) * 0.5, atol=0.01)
    assert (decoded.width, decoded.height, decoded.fps) == (180, 320, 10.0)
    assert decoded.duration_s == pytest.approx(6.0, abs=0.15)
    assert decoded.errors == []


def test_decode_video_returns_mono_soundtrack(clip):
    decoded = decode_video(clip)
    assert decoded.sr == SR and decoded.audio.dtype == np.float32
    assert len(decoded.audio) / SR == pytest.approx(6.0, abs=0.1)
    spectrum = np.abs(np.fft.rfft(decoded.audio[SR : 3 * SR]))
    assert np.fft.rfftfreq(2 * SR, 1 / SR)[spectrum.argmax()] == pytest.approx(440, abs=2)


def test_decode_video_keeps_colours(clip):
    original = _scenes(6.0, size=(180, 320))[0]
    decoded = decode_video(clip).frames[0].astype(float)
    small = original.reshape(160, 2, 90, 2, 3).mean(axis=(1, 3))
    assert np.abs(decoded - small).mean() < 6  # H.264 at CRF 28 plus yuv420 chroma loss


def test_decode_video_landscape_keeps_orientation(tmp_path):
    path = write_video(tmp_path / "wide.mp4", frames=_scenes(size=(320, 180)), fps=10, audio=None)
    decoded = decode_video(path)
    assert decoded.frames.shape[1:] == (90, 160, 3)


def test_decode_video_turns_frames_upright_from_display_matrix(tmp_path):
    path = tmp_path / "rotated.mp4"
    with av.open(str(path), "w") as out:  # phone-style: stored landscape, displayed portrait
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 160, 96, "yuv420p"
        stream.set_display_rotation(90)
        for i in range(10):
            image = np.zeros((96, 160, 3), dtype=np.uint8)
            image[:, :80, 0] = 255  # left half red
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    decoded = decode_video(path)
    assert (decoded.width, decoded.height) == (96, 160)
    first = decoded.frames[0]
    assert first.shape == (160, 96, 3)
    # Turned a quarter counter-clockwise: the left half ends at the bottom.
    assert first[100:, :, 0].mean() > 200 and first[:60, :, 0].mean() < 30


def test_decode_video_stops_at_max_seconds(clip):
    decoded = decode_video(clip, max_seconds=2.0)
    assert len(decoded.frames) == 4
    assert len(decoded.audio) == 2 * SR


def test_decode_video_custom_rate(clip):
    assert len(decode_video(clip, fps=5.0, with_audio=False).frames) == 30


def test_decode_video_audio_only_has_no_frames_and_says_so(tmp_path):
    path = write_video(tmp_path / "audio.mp4", frames=[], fps=10, audio=_tone(2.0))
    decoded = decode_video(path)
    assert not decoded.has_frames and decoded.has_audio
    assert decoded.errors == ["no picture: the file has no video stream"]


def test_decode_video_video_only_has_no_soundtrack_and_says_so(tmp_path):
    path = write_video(tmp_path / "silent.mp4", frames=_scenes(2.0), fps=10, audio=None)
    decoded = decode_video(path)
    assert decoded.has_frames and decoded.audio is None
    assert decoded.errors == ["no soundtrack: the file has no audio stream"]


def test_decode_video_truncated_file_returns_the_decodable_start(clip, tmp_path):
    data = clip.read_bytes()
    cut = tmp_path / "truncated.mp4"
    cut.write_bytes(data[: len(data) // 2])
    decoded = decode_video(cut)
    assert 0 < len(decoded.frames) < 12
    assert any("ends early" in e for e in decoded.errors)


def test_decode_video_damaged_middle_skips_what_it_cannot_read(clip, tmp_path):
    data = bytearray(clip.read_bytes())
    n = len(data)
    data[n // 3 : n // 3 + n // 5] = np.random.default_rng(0).bytes(n // 5)
    damaged = tmp_path / "damaged.mp4"
    damaged.write_bytes(bytes(data))
    decoded = decode_video(damaged)
    assert decoded.has_frames
    assert any("damaged" in e for e in decoded.errors)


def test_decode_video_short_song_under_a_longer_video_is_not_an_error(tmp_path):
    path = write_video(tmp_path / "short_song.mp4", frames=_scenes(6.0), fps=10, audio=_tone(3.0))
    decoded = decode_video(path)
    assert len(decoded.audio) / SR == pytest.approx(3.0, abs=0.1)
    assert decoded.errors == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "cannot open"),
        (b"\x00\x01garbage" * 500, "cannot open"),
        (None, "no audio or video stream"),  # only the first bytes of a real file
    ],
)
def test_decode_video_unreadable_file_raises_with_the_file_name(clip, tmp_path, content, reason):
    path = tmp_path / "broken.mp4"
    path.write_bytes(clip.read_bytes()[:300] if content is None else content)
    with pytest.raises(MediaDecodeError) as info:
        decode_video(path)
    assert str(info.value).startswith("broken.mp4: ") and reason in str(info.value)
    assert str(tmp_path) not in str(info.value)  # the file's name, not the server's folders


def test_decode_video_missing_file_raises(tmp_path):
    with pytest.raises(MediaDecodeError, match="missing.mp4"):
        decode_video(tmp_path / "missing.mp4")


def test_analysis_size_keeps_aspect_with_long_side_160():
    assert analysis_size(720, 1280) == (90, 160)
    assert analysis_size(1080, 1920) == (90, 160)
    assert analysis_size(1920, 1080) == (160, 90)
    assert analysis_size(1000, 1000) == (160, 160)


def test_synth_scenes_shape_and_stillness():
    frames = _scenes(3.0, fps=4, size=(40, 60), cuts=0, motion=0.0)
    assert frames.shape == (12, 60, 40, 3) and frames.dtype == np.uint8
    assert all(np.array_equal(frames[0], f) for f in frames)


def test_synth_scenes_is_deterministic_and_matches_iter_scenes():
    a = _scenes(2.0, fps=5, size=(40, 60), cuts=2, seed=7)
    b = np.stack(
        list(
            iter_scenes(
                seconds=2.0,
                fps=5,
                size=(40, 60),
                cuts=2,
                motion=0.5,
                brightness=0.6,
                saturation=0.6,
                warmth=0.0,
                seed=7,
            )
        )
    )
    assert np.array_equal(a, b)


def test_synth_scenes_brightness_and_saturation_targets():
    frames = _scenes(1.0, fps=2, size=(40, 60), cuts=0, brightness=0.3, saturation=0.8)
    rgb = frames.astype(float) / 255
    value = rgb.max(axis=-1)
    sat = (value - rgb.min(axis=-1)) / np.maximum(value, 1e-9)
    assert value.mean() == pytest.approx(0.3, abs=0.03)
    assert sat.mean() == pytest.approx(0.8, abs=0.05)
