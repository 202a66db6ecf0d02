"""What users read of an error: file names, never the server's folders; URLs left whole."""

from __future__ import annotations

import pytest

from musicrec.core.errors import describe_source, public_message


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("FileNotFoundError: [Errno 2] No such file or directory: '/srv/app/var/media/a.mp3'",
         "FileNotFoundError: [Errno 2] No such file or directory: 'a.mp3'"),
        ("no scrape for @nina in /srv/app/scrapes", "no scrape for @nina in scrapes"),
        ("music 3: /tmp/pytest-1/media/clip.wav: unreadable media (Invalid data)",
         "music 3: clip.wav: unreadable media (Invalid data)"),
        ("http://cdn.example/a/b.mp3: refused: 10.0.0.1 is a private address",
         "http://cdn.example/a/b.mp3: refused: 10.0.0.1 is a private address"),
        ("refused: redirect to file:///etc/passwd", "refused: redirect to file:///etc/passwd"),
        ("3 of 5 failed", "3 of 5 failed"),
        ("", ""),
    ],
)  # fmt: skip
def test_public_message_cuts_server_paths_to_their_last_name(text, shown):
    assert public_message(text) == shown


def test_describe_source_names_the_file_or_the_size():
    assert describe_source("/srv/app/var/media-cache/ab/cd.m4a") == "cd.m4a"
    assert describe_source(b"\x00" * 12) == "<12 bytes in memory>"
