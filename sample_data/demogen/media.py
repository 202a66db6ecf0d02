"""The demo's small media: one audio clip per catalogue track and a few short videos per creator.

Everything is synthesized from the parameters recorded in truth.json (tempo, key, mode, energy,
brightness; cuts, motion, colour), so analyses of these files can be checked against what was
meant. Bitrates are low on purpose: the whole demo ships inside the repository.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from musicrec.core.synth import render_music, render_speech_like, write_audio
from musicrec.core.video import iter_scenes, write_video

from .catalogue import Track, stable_unit
from .timeline import Sound, VideoPlan

SR = 22050
CLIP_SECONDS = 10.0
CLIP_BITRATE = 24_000  # Opus at 24 kb/s: ~30 kB per 10 s clip, still clean for analysis
VIDEO_CRF = 34  # smooth synthetic fields stay clean at a high CRF


def clip_seed(seed: int, track: Track) -> int:
    return int(stable_unit(seed, "clip", track.track_id) * 2**31)


def render_track(track: Track, *, seconds: float, seed: int) -> np.ndarray:
    """The synthesized stand-in for a catalogue track (speech for spoken-word rows)."""
    clip = track.clip()
    if clip["speech"]:
        return render_speech_like(seconds, SR, clip_seed(seed, track))
    return render_music(
        bpm=float(clip["bpm"]),
        key=str(clip["key"]),
        mode=str(clip["mode"]),
        seconds=seconds,
        sr=SR,
        seed=clip_seed(seed, track),
        energy=float(clip["energy"]),
        brightness=float(clip["brightness"]),
        drums=bool(clip["drums"]),
        swing=float(clip["swing"]),
    )


def write_track_clip(path: Path, track: Track, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    samples = render_track(track, seconds=CLIP_SECONDS, seed=seed)
    write_audio(path, samples, SR, bitrate=CLIP_BITRATE)


def render_soundtrack(sound: Sound, *, seconds: float, seed: int, video_seed: int) -> np.ndarray:
    """A video's soundtrack: its catalogue track, or the creator's own speech and/or music."""
    if sound.track is not None:
        return render_track(sound.track, seconds=seconds, seed=seed)
    music = None
    if sound.bpm is not None and sound.key is not None and sound.mode is not None:
        music = render_music(
            bpm=sound.bpm,
            key=sound.key,
            mode=sound.mode,
            seconds=seconds,
            sr=SR,
            seed=video_seed,
            energy=sound.energy,
            brightness=sound.brightness,
            drums=sound.energy >= 0.45,
        )
    if sound.kind == "music" and music is not None:
        return music
    speech = render_speech_like(seconds, SR, video_seed + 1)
    if music is None:
        return speech
    # Voice-over on a quiet music bed, as creators mix it: the bed about 12 dB under the voice.
    bed = music * (0.25 * _rms(speech) / (_rms(music) or 1.0))
    return np.clip(speech + bed, -1.0, 1.0).astype(np.float32)


def write_demo_video(path: Path, video: VideoPlan, seed: int) -> None:
    plan = video.media
    if plan is None:
        raise ValueError(f"video {video.video_id} has no media plan")
    audio = render_soundtrack(video.sound, seconds=plan.seconds, seed=seed, video_seed=plan.seed)
    frames = iter_scenes(
        seconds=plan.seconds,
        fps=plan.fps,
        size=(plan.width, plan.height),
        cuts=plan.cuts,
        motion=plan.motion,
        brightness=plan.brightness,
        saturation=plan.saturation,
        warmth=plan.warmth,
        seed=plan.seed,
    )
    write_video(path, frames=frames, fps=plan.fps, audio=audio, sr=SR, crf=VIDEO_CRF)


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
