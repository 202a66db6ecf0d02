"""Errors shared across apps.

They subclass the built-in the caller would naturally catch (a bad file is a bad *value*), so a
command or a task can catch `ValueError` and still read a precise message.
"""

from __future__ import annotations

import os
import re


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
    """A short human-readable name for a media source: its file name, or the size of in-memory
    bytes. Never the folder: these messages reach every user through jobs and analyses, and the
    server's folders (the media cache, the upload root) are none of their business."""
    if isinstance(source, bytes | bytearray | memoryview):
        return f"<{len(source)} bytes in memory>"
    return os.path.basename(os.fspath(source).rstrip(os.sep)) or os.fspath(source)


def ffmpeg_reason(exc: BaseException) -> str:
    """FFmpeg's own wording ("Invalid data found when processing input"), without the errno and
    the path PyAV appends: MediaDecodeError names the source already."""
    text = str(getattr(exc, "strerror", None) or str(exc).strip() or type(exc).__name__)
    return text.splitlines()[0].split(": '")[0].strip()[:200]


# An absolute path on the server: "/" after a space, a quote or a bracket, then folders. A URL's
# path follows its host (a letter or digit) and is left alone.
_SERVER_PATH = re.compile(r"(?<![\w.:/~-])/(?:[^\s/'\"()\[\],;:]+/)+([^\s/'\"()\[\],;:]*)")


def public_message(text: str) -> str:
    """`text` fit to show every user: each absolute server path cut to its last name.

    Job errors and messages are read by everyone who sees the jobs page; a path says where the
    server keeps its files and code, and nothing the reader can act on. The name stays, so a
    curator still knows which file was meant.
    """

    def name(match: re.Match[str]) -> str:
        last = match.group(1) or match.group(0).rstrip("/").rsplit("/", 1)[-1]
        return last

    return _SERVER_PATH.sub(name, text)
