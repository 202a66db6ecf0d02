"""Serve a file with HTTP range requests (RFC 9110 §14): what an <audio> element needs to seek.

Django's FileResponse always sends the whole file. This answers `Range: bytes=…` with 206 and
the slice, an unsatisfiable range with 416 (`Content-Range: bytes */size`), and anything else
(no Range, several ranges, a malformed one, a stale `If-Range`) with 200 and the whole file, as
the RFC lets a server do. The slice is read in blocks, never the whole file at once, and never
through sendfile (which would send past the slice).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import BinaryIO

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.http import http_date

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
BLOCK = 64 * 1024


class _FileSlice:
    """`length` bytes of an open file from its current position; no fileno, so WSGI servers
    copy it block by block instead of handing the whole file to sendfile."""

    def __init__(self, file: BinaryIO, length: int) -> None:
        self._file = file
        self._left = length

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        size = self._left if size is None or size < 0 else min(size, self._left)
        data = self._file.read(size)
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._file.close()


def parse_range(header: str, size: int) -> tuple[int, int] | None | str:
    """(first, last) byte of a single satisfiable range; None to send the whole file (no range,
    several, or malformed); "unsatisfiable" for a range that starts past the end."""
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        return "unsatisfiable"
    return start, min(int(last) if last else size - 1, size - 1)


def ranged_file_response(request: HttpRequest, path: Path, *, content_type: str) -> HttpResponse:
    """200, 206 or 416 for `path` as the request's Range and If-Range headers ask."""
    stat = path.stat()
    size = stat.st_size
    etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
    last_modified = http_date(stat.st_mtime)
    wanted = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range", "")
    if if_range and if_range not in (etag, last_modified):
        wanted = ""  # the client's copy is stale: it gets the whole new file
    span = parse_range(wanted, size) if wanted else None

    if span == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif span is None:
        response = FileResponse(path.open("rb"), content_type=content_type)
    else:
        first, last = span
        file = path.open("rb")
        file.seek(first)
        response = FileResponse(_FileSlice(file, last - first + 1), status=206)
        response["Content-Type"] = content_type
        response["Content-Length"] = str(last - first + 1)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    response["Cache-Control"] = "private, max-age=3600"
    return response
