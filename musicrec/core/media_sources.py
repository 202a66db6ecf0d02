"""Turn a stored media reference (a URL or a local file path) into a file to decode.

Scrapes carry signed CDN URLs; the demo data and uploads carry local files. Both go through
here so every caller gets the same guards: URLs through the guarded fetcher, local paths only
inside the folders the settings allow (a submitted scrape must not make us read /etc).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from musicrec.core.media import MediaFetchError, MediaUnavailable, fetch_media

AUDIO_TYPES = ("audio/", "video/", "application/octet-stream")
VIDEO_TYPES = ("video/", "application/octet-stream")


def media_resolve(reference: str, *, allowed_content_types: tuple[str, ...] = AUDIO_TYPES) -> Path:
    """A local path for `reference`; raises MediaUnavailable / MediaFetchError with a reason."""
    reference = (reference or "").strip()
    if not reference:
        raise MediaUnavailable(reference, 404)
    if reference.startswith(("http://", "https://")):
        fetched = fetch_media(
            reference,
            dest_dir=Path(settings.MEDIA_CACHE_DIR),
            max_bytes=settings.MEDIA_MAX_BYTES,
            timeout=settings.MEDIA_FETCH_TIMEOUT,
            allowed_content_types=allowed_content_types,
            allow_private=settings.MEDIA_ALLOW_PRIVATE,
            cache_max_bytes=settings.MEDIA_CACHE_MAX_BYTES,
        )
        return fetched.path
    if "://" in reference:
        raise MediaFetchError(reference, "only http(s) URLs and local files are supported")
    return _local_path(reference)


def _local_path(reference: str) -> Path:
    path = Path(reference)
    if not path.is_absolute():
        raise MediaFetchError(reference, "a local media path must be absolute")
    resolved = path.resolve()
    roots = [Path(root).resolve() for root in settings.MEDIA_LOCAL_ROOTS]
    if not any(resolved.is_relative_to(root) for root in roots):
        raise MediaFetchError(reference, "the file is outside the folders MEDIA_LOCAL_ROOTS allows")
    if not resolved.is_file():
        raise MediaUnavailable(reference, 404)
    return resolved
