"""One BLAS thread for small numeric work, shared by the recommender and the audio analysis."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import ThreadpoolController

_lock = threading.Lock()
_controller: ThreadpoolController | None = None


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run the block with one BLAS thread.

    The products both callers make are small or skinny (100k x 15 by 15 in the recommender, short
    frames in the audio analysis): BLAS threads gain nothing on them, and when the cores are busy
    with other workers, waking them made a product 20-30x slower (recommender benchmark) and a
    clip 1.5x the CPU time (audio benchmark). Workers already run in parallel as processes. The
    controller (which inspects the loaded libraries) is built once per process.
    """
    global _controller
    with _lock:
        if _controller is None:
            _controller = ThreadpoolController()
    with _controller.limit(limits=1, user_api="blas"):
        yield
