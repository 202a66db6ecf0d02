"""Errors shared across apps.

They subclass the built-in the caller would naturally catch (a bad file is a bad *value*), so a
command or a task can catch `ValueError` and still read a precise message.
"""

from __future__ import annotations

import os


class MediaDecodeError(ValueError):
    """A media file (or byte string) could not be turned into audio samples.

    The message always names the source and the reason (unreadable, no audio stream, empty), so it
    can be shown to a curator or written to a Job as is.
    """

    def __init__(self, source: str | os.PathLike | bytes, reason: str) -> None:
        self.source = describe_source(source)
        self.reason = reason
        super().__init__(f"{self.source}: {reason}")


def describe_source(source: str | os.PathLike | bytes) -> str:
    """A short human-readable name for a media source (a path, or the size of in-memory bytes)."""
    if isinstance(source, bytes | bytearray | memoryview):
        return f"<{len(source)} bytes in memory>"
    return os.fspath(source)


def ffmpeg_reason(exc: BaseException) -> str:
    """FFmpeg's own wording ("Invalid data found when processing input"), without the errno and
    the path PyAV appends: MediaDecodeError names the source already."""
    text = str(getattr(exc, "strerror", None) or str(exc).strip() or type(exc).__name__)
    return text.splitlines()[0].split(": '")[0].strip()[:200]
