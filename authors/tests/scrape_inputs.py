"""A parsed scrape as the pure profile analysis takes it, straight from the parser's records.

The analysis tests run the pure metrics on a real feed through it, and the service tests compare
what the service stores with the pure analysis of the same inputs; both need the one conversion
the services make: the main author's counts, and their own dated videos, ads left out.
"""

from __future__ import annotations

from authors.analysis import MusicKey, ProfileInput, VideoInput
from musicrec.platforms.tiktok import ScrapeResult


def pure_inputs(result: ScrapeResult) -> tuple[ProfileInput, list[VideoInput]]:
    """The scrape's main author as the pure analysis takes it, straight from the records."""
    author = result.main_author()
    assert author is not None
    sounds = {m.external_id: m for m in result.music}

    def key(music_id: str | None) -> MusicKey | None:
        sound = sounds.get(music_id or "")
        if sound is None:
            return None
        return MusicKey(
            sound.external_id, sound.title or "", sound.artist_name or "", sound.is_original
        )

    profile = ProfileInput(
        followers=author.followers,
        following=author.following,
        likes_total=author.likes_total,
        video_count=author.video_count,
        is_private=bool(author.is_private),
        verified=bool(author.verified),
    )
    videos = [
        VideoInput(
            external_id=v.external_id,
            posted_at=v.posted_at,
            views=v.views,
            likes=v.likes,
            comments=v.comments,
            shares=v.shares,
            saves=v.saves,
            hashtags=v.hashtags,
            music=key(v.music_external_id),
        )
        for v in result.videos
        if v.posted_at is not None and not v.is_ad and v.author_external_id == author.external_id
    ]
    return profile, videos
