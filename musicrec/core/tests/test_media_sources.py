from __future__ import annotations

from pathlib import Path

import pytest

from musicrec.core import media_sources
from musicrec.core.media import FetchedMedia, MediaFetchError, MediaUnavailable
from musicrec.core.media_sources import media_resolve


def test_local_files_inside_allowed_roots_resolve(settings, tmp_path):
    settings.MEDIA_LOCAL_ROOTS = [tmp_path]
    clip = tmp_path / "clip.ogg"
    clip.write_bytes(b"x")
    assert media_resolve(str(clip)) == clip.resolve()


def test_local_files_outside_allowed_roots_are_refused(settings, tmp_path):
    settings.MEDIA_LOCAL_ROOTS = [tmp_path / "media"]
    with pytest.raises(MediaFetchError, match="outside the folders"):
        media_resolve("/etc/passwd")
    with pytest.raises(MediaFetchError, match="outside the folders"):
        media_resolve(str(tmp_path / "media" / ".." / "secret.ogg"))


def test_missing_local_file_is_unavailable_not_an_error(settings, tmp_path):
    settings.MEDIA_LOCAL_ROOTS = [tmp_path]
    with pytest.raises(MediaUnavailable):
        media_resolve(str(tmp_path / "gone.ogg"))


@pytest.mark.parametrize("reference", ["relative/clip.ogg", "ftp://host/clip.ogg", "file:///x"])
def test_other_references_are_refused_with_a_reason(reference):
    with pytest.raises(MediaFetchError):
        media_resolve(reference)


def test_empty_reference_is_unavailable():
    with pytest.raises(MediaUnavailable):
        media_resolve("")


def test_default_roots_include_the_demo_media():
    from django.conf import settings

    assert any(Path(root).name == "sample_data" for root in settings.MEDIA_LOCAL_ROOTS)


def test_downloads_are_capped_by_the_setting(settings, monkeypatch, tmp_path):
    seen = {}

    def fake_fetch(url, **options):
        seen.update(options)
        return FetchedMedia(tmp_path / "a.mp3", "audio/mpeg", 1, from_cache=False)

    monkeypatch.setattr(media_sources, "fetch_media", fake_fetch)
    settings.MEDIA_CACHE_MAX_BYTES = 12345

    assert media_resolve("https://cdn.example/a.mp3") == tmp_path / "a.mp3"
    assert seen["cache_max_bytes"] == 12345
