"""Video files in and out: PyAV decoding at a fixed sampling rate for analysis (`decode`), and
H.264 + AAC (or VP8 + Opus) encoding with a synthetic scene builder for tests and demo data
(`encode`).
"""

from musicrec.core.video.decode import (
    ANALYSIS_LONG_SIDE,
    DecodedVideo,
    analysis_size,
    decode_video,
)
from musicrec.core.video.encode import (
    hsv_to_rgb,
    iter_scenes,
    synth_scenes,
    write_clip,
    write_video,
)

__all__ = [
    "ANALYSIS_LONG_SIDE",
    "DecodedVideo",
    "analysis_size",
    "decode_video",
    "hsv_to_rgb",
    "iter_scenes",
    "synth_scenes",
    "write_clip",
    "write_video",
]
