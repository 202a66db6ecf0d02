"""What a video is like: its pace and colour, its soundtrack, and what its caption says.

Three kinds of evidence are fused into the shared descriptor space (tempo, energy, valence,
arousal, moods) plus a content category: the sampled frames (cuts, motion, brightness, colour),
the soundtrack (music features from `music.features`), and the caption, hashtags and sticker
text (a multilingual lexicon). Every fused value keeps the signals and weights that produced it
in `evidence`, and anything that could not be measured is listed in `errors` instead of failing
the whole analysis. Pure: plain data in, plain data out, no ORM.

`visual` measures the frames, `text` reads the caption, `fusion` combines them with the
soundtrack's features; this module decodes a file and runs the three.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from music.features import MIN_SECONDS, analyze_samples
from musicrec.core.errors import MediaDecodeError
from musicrec.core.video import decode_video
from videos.content.fusion import (
    AROUSAL_WEIGHTS,
    ENERGY_WEIGHTS,
    PACE_TEMPO_RANGE,
    SOUND_GENRE_SOURCE,
    SOUND_METADATA,
    SPEECH_DOMINANT,
    TEXT_MOOD_SHARE,
    VALENCE_WEIGHTS,
    fuse,
)
from videos.content.result import SoundMetadata, VideoContent
from videos.content.text import TextSignals, classify_text, load_lexicon
from videos.content.visual import (
    CUT_FLOOR,
    CUT_RADIUS,
    CUT_RATIO,
    VisualFeatures,
    analyze_frames,
    detect_cuts,
    histogram_distances,
)

__all__ = [
    "AROUSAL_WEIGHTS",
    "CONTENT_VERSION",
    "CUT_FLOOR",
    "CUT_RADIUS",
    "CUT_RATIO",
    "ENERGY_WEIGHTS",
    "PACE_TEMPO_RANGE",
    "SILENCE_PEAK",
    "SOUND_GENRE_SOURCE",
    "SOUND_METADATA",
    "SPEECH_DOMINANT",
    "TEXT_MOOD_SHARE",
    "VALENCE_WEIGHTS",
    "SoundMetadata",
    "TextSignals",
    "VideoContent",
    "VisualFeatures",
    "analyze_frames",
    "analyze_text_only",
    "analyze_video_file",
    "classify_text",
    "detect_cuts",
    "fuse",
    "histogram_distances",
    "load_lexicon",
]

# Bumped whenever the analysis, its weights or its lexicon change what it reports: stored
# analyses of another version are redone.
CONTENT_VERSION = "1.1"
# A soundtrack whose peak stays under -80 dBFS is silence (a muted upload): analysing it would
# report a sad, calm track instead of no track.
SILENCE_PEAK = 1e-4


def analyze_video_file(
    path: str | os.PathLike,
    *,
    caption: str = "",
    hashtags: Sequence[str] = (),
    sticker_text: str = "",
    fps: float = 2.0,
    max_seconds: float | None = 60.0,
    sound: SoundMetadata | None = None,
) -> VideoContent:
    """Analyse a video file's frames and soundtrack together with its text.

    Decodes once at `fps` (the first `max_seconds`). A file without a picture or a soundtrack
    gives a partial result with the reason in `errors`; a file with nothing decodable raises
    `MediaDecodeError` naming the file. `sound`, the stored music analysis of the sound used,
    adds its genre and stands in for a soundtrack that could not be measured.
    """
    decoded = decode_video(path, fps=fps, max_seconds=max_seconds)
    errors = list(decoded.errors)
    visual = (
        analyze_frames(decoded.frames, fps, times=decoded.frame_times)
        if decoded.has_frames
        else None
    )
    audio = None
    if decoded.has_audio:
        seconds = len(decoded.audio) / decoded.sr
        if seconds < MIN_SECONDS:
            errors.append(f"soundtrack not analysed: only {seconds:.2f} s long")
        elif float(np.max(np.abs(decoded.audio))) < SILENCE_PEAK:
            errors.append("soundtrack not analysed: it is silent")
        else:
            try:
                audio = analyze_samples(decoded.audio, decoded.sr)
            except (ValueError, MediaDecodeError) as exc:
                errors.append(f"soundtrack not analysed: {exc}")
    text = classify_text(caption, hashtags, sticker_text)
    content = fuse(visual=visual, audio=audio, text=text, errors=errors, sound=sound)
    content.duration_s = decoded.duration_s
    content.width, content.height, content.fps = decoded.width, decoded.height, decoded.fps
    return content


def analyze_text_only(
    caption: str = "",
    hashtags: Sequence[str] = (),
    sticker_text: str = "",
    *,
    duration_s: float | None = None,
    reason: str = "no media file: analysed from the caption and hashtags only",
    sound: SoundMetadata | None = None,
) -> VideoContent:
    """A partial analysis for a video whose media is unavailable (expired URL, slideshow): its
    text, plus the stored music analysis of the sound it uses when there is one."""
    text = classify_text(caption, hashtags, sticker_text)
    content = fuse(visual=None, audio=None, text=text, errors=[reason], sound=sound)
    content.duration_s = duration_s
    return content
