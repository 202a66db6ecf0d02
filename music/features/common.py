"""What every part of the audio analysis shares: the analysis rate, the STFT grid, and librosa."""

from __future__ import annotations

import os
from pathlib import Path

SR = 22050
N_FFT = 2048
HOP = 512
FRAME_RATE = SR / HOP  # STFT (and onset-envelope) frames per second

_REPO = Path(__file__).resolve().parents[2]


def load_librosa():
    """librosa, imported on first use: its import costs seconds a web process need not pay.

    NUMBA_CACHE_DIR defaults to <repo>/.cache/numba so later processes reuse compiled kernels.
    """
    os.environ.setdefault("NUMBA_CACHE_DIR", str(_REPO / ".cache" / "numba"))
    import librosa

    return librosa
