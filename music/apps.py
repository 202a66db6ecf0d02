from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger(__name__)


def warm_up_worker(sender: Any = None, proc_name: str = "", **kwargs: Any) -> None:
    """Compile librosa's numba kernels when a django-q2 worker process starts.

    Connected to django_q's `post_spawn`, which only worker processes send, so web processes
    never import librosa. With NUMBA_CACHE_DIR on disk only the first worker on a machine pays
    the full compile; the others load the cache. A failure is logged: the first task would then
    compile instead, which is slower but correct.
    """
    os.environ.setdefault("NUMBA_CACHE_DIR", str(settings.NUMBA_CACHE_DIR))
    started = time.perf_counter()
    try:
        from music import features

        features.warm_up()
    except Exception:
        logger.exception("audio analysis warm-up failed in %s", proc_name or "a worker")
        return
    logger.info(
        "audio analysis warmed up in %s in %.1f s",
        proc_name or "a worker",
        time.perf_counter() - started,
    )


class MusicConfig(AppConfig):
    name = "music"
    verbose_name = "Music"

    def ready(self) -> None:
        from django_q.signals import post_spawn

        post_spawn.connect(warm_up_worker, dispatch_uid="music.warm_up_worker")

    def home_counts(self) -> dict[str, int]:
        """The home page's figure (`musicrec.core.selectors.catalogue_counts`)."""
        from music.selectors import catalogue_track_count

        return {"tracks": catalogue_track_count()}
