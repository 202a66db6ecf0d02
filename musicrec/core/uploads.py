"""Uploaded files stay in memory, at most SCRAPE_MAX_BYTES + 1 bytes each; nothing is written.

The only files people upload are scrapes (JSON or a creators CSV, read by content), checked
against SCRAPE_MAX_BYTES and then parsed in memory. Django's default handlers spool uploads
over 2.5 MB to a temporary file in the system folder; this one never touches the disk, and it
stops keeping bytes past the limit even when a client's Content-Length lies, while counting
them all so the size check names the real size. The client's file name is only ever used in
messages, after Django has cut it to its base name (no `../`).
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class BoundedMemoryUploadHandler(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.file = io.BytesIO()
        self.received = 0
        self.keep = int(settings.SCRAPE_MAX_BYTES) + 1  # one byte more says "over the limit"

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        room = self.keep - self.file.tell()
        if room > 0:
            self.file.write(raw_data[:room])
        return None  # the chunk is consumed: no later handler sees it

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
