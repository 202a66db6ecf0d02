"""Store a parsed scrape as rows, for tests of the profile analysis on real samples.

Two ways, and the tests use both: `store_scrape` builds the rows with the factories from the
parser's records, field for field, so the loader is checked against exactly what the parser
produced; `store_with_ingest` goes through the real ingest (`musicrec.ingest.scrape_store`),
so the loader is also checked against what production writes.
"""

from __future__ import annotations

from datetime import datetime

from authors.models import Author, AuthorSource
from authors.tests.factories import AuthorFactory, AuthorSnapshotFactory, AuthorSourceFactory
from music.models import Music, MusicSource
from music.tests.factories import MusicFactory, MusicSourceFactory
from musicrec.platforms.tiktok import ScrapeResult
from videos.models import VideoSource
from videos.tests.factories import VideoFactory, VideoMusicFactory, VideoSourceFactory


def store_with_ingest(result: ScrapeResult, *, scraped_at: datetime) -> Author:
    from musicrec.ingest import scrape_store

    summary = scrape_store(result=result, scraped_at=scraped_at)
    return Author.objects.get(pk=summary.main_author_id)


def store_scrape(result: ScrapeResult, *, scraped_at: datetime) -> Author:
    """Rows for the scrape's main author, their videos and sounds, plus one snapshot; scraping
    the same account again updates the counts and adds a snapshot, as an ingest does."""
    record = result.main_author()
    assert record is not None
    account = AuthorSource.objects.filter(platform="tiktok", external_id=record.external_id).first()
    counts = {
        "followers": record.followers,
        "following": record.following,
        "likes_total": record.likes_total,
        "video_count": record.video_count,
    }
    if account is None:
        author = AuthorFactory(name=record.display_name or record.handle or record.external_id)
        account = AuthorSourceFactory(
            author=author,
            external_id=record.external_id,
            handle=record.handle or "",
            display_name=record.display_name or "",
            verified=bool(record.verified),
            is_private=bool(record.is_private),
            last_scraped_at=scraped_at,
            **counts,
        )
    else:
        AuthorSource.objects.filter(pk=account.pk).update(last_scraped_at=scraped_at, **counts)
    AuthorSnapshotFactory(
        source=account,
        taken_at=scraped_at,
        followers=record.followers,
        likes_total=record.likes_total,
        video_count=record.video_count,
    )

    music: dict[str, Music] = {}
    for sound in result.music:
        existing = MusicSource.objects.filter(platform="tiktok", external_id=sound.external_id)
        source = existing.select_related("music").first()
        if source is None:
            source = MusicSourceFactory(
                external_id=sound.external_id,
                usage_count=sound.usage_count,
                music=MusicFactory(
                    title=sound.title or "",
                    artist_name=sound.artist_name or "",
                    is_original_sound=sound.is_original,
                    duration_s=sound.duration_s,
                ),
            )
        music[sound.external_id] = source.music

    stats = ("views", "likes", "comments", "shares", "saves")
    for item in result.videos:
        if item.author_external_id != record.external_id:
            continue
        values = {name: getattr(item, name) for name in stats}
        flags = {"is_ad": item.is_ad, "is_pinned": item.is_pinned}
        post = VideoSource.objects.filter(platform="tiktok", external_id=item.external_id).first()
        if post is not None:
            VideoSource.objects.filter(pk=post.pk).update(**values, **flags)
            continue
        video = VideoFactory(
            author=account.author,
            caption=item.caption,
            hashtags=list(item.hashtags),
            duration_s=item.duration_s,
            posted_at=item.posted_at,
        )
        VideoSourceFactory(video=video, external_id=item.external_id, **values, **flags)
        if item.music_external_id in music:
            VideoMusicFactory(video=video, music=music[item.music_external_id])
    return account.author
