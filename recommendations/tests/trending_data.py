"""Dated uses of catalogue tracks by many creators: what the trending page counts."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from authors.models import Author
from authors.tests.factories import AuthorFactory, AuthorSourceFactory
from music.models import Music
from videos.tests.factories import VideoFactory, VideoMusicFactory, VideoSourceFactory

NOW = timezone.make_aware(datetime(2026, 11, 24, 12, 0))


def make_uses(
    music: Music, days_ago: list[float], *, creators: list[Author] | None = None
) -> list[Author]:
    """One TikTok post per entry, each by its own creator (or `creators[i]`), using `music`,
    posted that many days before NOW."""
    made = []
    for i, days in enumerate(days_ago):
        if creators is not None:
            author = creators[i]
        else:
            author = AuthorFactory(is_creator=True)
            AuthorSourceFactory(author=author)
        video = VideoFactory(author=author, posted_at=NOW - timedelta(days=days))
        VideoSourceFactory(video=video, views=1_000)
        VideoMusicFactory(video=video, music=music)
        made.append(author)
    return made
