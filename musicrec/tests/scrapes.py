"""Synthetic scrapes of any size, for tests and the benchmark.

Apify `clockworks/tiktok-scraper` datasets: items carry every field the parser reads in the shape
the real exports use (string ids, `authorMeta` with follower counts, `musicMeta`, `videoMeta`,
hashtags). Creators CSVs: made-up rows in the layout of shared/data's creator timelines (display
counts, `Share` for 0, damaged music ids). Counts are drawn from a seeded generator so two calls
with the same arguments give the same output.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from musicrec.platforms.tiktok.creators_csv import COLUMNS

BASE_TIME = 1_790_000_000  # 2026-09-21, unix seconds
# Hand-written rows covering every quirk of the creators CSV (see the parser's tests).
CREATORS_CSV = (
    Path(__file__).resolve().parents[1] / "platforms" / "tests" / "fixtures" / "creators"
    / "creator_videos.csv"
)  # fmt: skip


def apify_dataset(
    *,
    authors: int,
    videos_per_author: int,
    sounds: int = 200,
    seed: int = 1,
    id_offset: int = 0,
    sound_offset: int = 0,
    growth: float = 1.0,
) -> list[dict[str, Any]]:
    """A dataset with `authors` creators posting `videos_per_author` videos each.

    Videos pick one of `sounds` shared licensed tracks or the creator's own original sound.
    `growth` multiplies every count, to fake a later scrape of the same videos; `sound_offset`
    gives the licensed tracks other ids, so a second dataset brings new sounds too.
    """
    rng = random.Random(seed)
    items = []
    for a in range(authors):
        author_id = str(6_900_000_000_000_000_000 + id_offset + a)
        handle = f"creator_{id_offset + a}"
        author_meta = {
            "id": author_id,
            "name": handle,
            "nickName": f"Creator {id_offset + a}",
            "verified": a % 7 == 0,
            "signature": "dance • travel • food",
            "privateAccount": False,
            "fans": int(rng.randint(1_000, 2_000_000) * growth),
            "heart": int(rng.randint(10_000, 90_000_000) * growth),
            "following": rng.randint(0, 900),
            "video": videos_per_author,
        }
        for v in range(videos_per_author):
            video_id = str(7_300_000_000_000_000_000 + (id_offset + a) * 100_000 + v)
            if rng.random() < 0.4:
                music_meta = {
                    "musicId": str(7_200_000_000_000_000_000 + id_offset + a),
                    "musicName": f"original sound - {handle}",
                    "musicAuthor": f"Creator {id_offset + a}",
                    "musicOriginal": True,
                    "playUrl": f"https://sf16.example.com/obj/{video_id}.mp3",
                }
            else:
                track = rng.randrange(sounds)
                music_meta = {
                    "musicId": str(7_100_000_000_000_000_000 + sound_offset + track),
                    "musicName": f"Track {track}",
                    "musicAuthor": f"Artist {track % 37}",
                    "musicOriginal": False,
                    "musicAlbum": f"Album {track % 11}",
                    "playUrl": f"https://sf16.example.com/obj/track-{track}.mp3",
                    "duration": 30 + track % 30,
                }
            views = int(rng.lognormvariate(9, 1.5) * growth)
            items.append(
                {
                    "id": video_id,
                    "text": f"video {v} #fyp #dance #{handle}",
                    "createTime": BASE_TIME - v * 86_400,
                    "authorMeta": author_meta,
                    "musicMeta": music_meta,
                    "webVideoUrl": f"https://www.tiktok.com/@{handle}/video/{video_id}",
                    "mediaUrls": [f"https://v16.example.com/video/{video_id}.mp4"],
                    "videoMeta": {
                        "height": 1024,
                        "width": 576,
                        "duration": 8 + v % 50,
                        "coverUrl": f"https://p16.example.com/cover/{video_id}.jpg",
                    },
                    "playCount": views,
                    "diggCount": views // 10,
                    "shareCount": views // 300,
                    "commentCount": views // 200,
                    "collectCount": views // 250,
                    "hashtags": [{"name": "fyp"}, {"name": "dance"}, {"name": handle}],
                }
            )
    return items


def creators_csv(
    *, creators: int, videos_per_creator: int, sounds: int = 50, seed: int = 1, id_offset: int = 0
) -> str:
    """A creators CSV: `creators` made-up handles with `videos_per_creator` rows each.

    Each video uses the creator's own original sound or one of `sounds` shared songs; counts are
    display strings (`12.3K`, `1.1M`), a share count of 0 reads `Share`.
    """
    rng = random.Random(seed)
    scraped = datetime(2025, 6, 5, 10, tzinfo=UTC)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for c in range(id_offset, id_offset + creators):
        handle = f"csv_creator_{c}"
        followers = _display(rng.randint(500, 3_000_000))
        for v in range(videos_per_creator):
            video_id = str(7_400_000_000_000_000_000 + c * 100_000 + v)
            if rng.random() < 0.4:
                title, artist, original = f"nhạc nền - {handle}", handle, "True"
            else:
                song = rng.randrange(sounds)
                title, artist, original = f"Song {song}", f"Artist {song % 17}", "False"
            views = int(rng.lognormvariate(9, 1.5))
            shares = views // 400
            writer.writerow(
                [
                    handle,
                    followers,
                    video_id,
                    f"video {v} #fyp",
                    (scraped - timedelta(days=3 * v + 1)).strftime("%Y-%m-%d %H:%M:%S"),
                    (scraped + timedelta(seconds=7 * v)).strftime("%Y-%m-%d %H:%M:%S"),
                    f"00:{10 + v % 50:02d}",
                    _display(views),
                    _display(views // 10),
                    str(views // 200),
                    _display(shares) if shares else "Share",
                    str(views // 250),
                    "fyp, dance",
                    f"https://www.tiktok.com/@{handle}/video/{video_id}",
                    "7.4e+18",
                    title,
                    f"{_display(rng.randint(1, 90_000))} videos",
                    artist,
                    original,
                ]
            )
    return out.getvalue()


def _display(count: int) -> str:
    """A count as TikTok's pages show it: 1.4M, 12.3K, smaller ones in full."""
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M"
    if count >= 10_000:
        return f"{count / 1_000:.1f}K"
    return str(count)
