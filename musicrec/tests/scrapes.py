"""Synthetic Apify `clockworks/tiktok-scraper` datasets of any size, for tests and the benchmark.

Items carry every field the parser reads in the shape the real exports use (string ids,
`authorMeta` with follower counts, `musicMeta`, `videoMeta`, hashtags), with counts drawn from a
seeded generator so two calls with the same arguments give the same JSON.
"""

from __future__ import annotations

import random
from typing import Any

BASE_TIME = 1_790_000_000  # 2026-09-21, unix seconds


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
