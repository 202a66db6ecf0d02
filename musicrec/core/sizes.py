"""Byte counts as people read them, for limits quoted in error messages."""

from __future__ import annotations

_KB = 1024
_MB = 1024 * 1024


def human_size(size: int) -> str:
    """1.5 MB, 50 MB, 4 KB, 900 bytes (binary units; one decimal only when it says something)."""
    if size >= _MB:
        return f"{size / _MB:.1f}".removesuffix(".0") + " MB"
    if size >= _KB:
        return f"{size / _KB:.1f}".removesuffix(".0") + " KB"
    return f"{size} bytes"
