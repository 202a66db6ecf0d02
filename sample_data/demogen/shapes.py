"""The three real scrape shapes the demo is written in, with the quirks real files have.

- "web": TikTok's web JSON API, a user-detail `userInfo` and the user's `itemList` of
  `itemStruct`s in one file (what TikTokApi's `user.info()` and `user.videos()` return).
  Rounded int `stats` beside exact string `statsV2`; `createTime` sometimes a string;
  hashtags in `challenges` and `textExtra`, both absent when a post has none.
- "apify": an Apify `clockworks/tiktok-scraper` dataset export, a JSON array of flat items,
  `authorMeta` with fans/heart/video, `hashtags[].name` with the description in `.title`,
  `musicMeta.duration` only sometimes present.
- "collector": the older npm `tiktok-scraper` user feed `{"collector": [...]}`: no saves,
  counts now and then as strings, bare "original sound" titles.

Media addresses are relative file names (`media/videos/<id>.mp4`, `media/audio/<id>.ogg`)
resolved against the demo folder; nothing points outside the repository.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .catalogue import stable_unit
from .personas import TAG_DESCRIPTIONS
from .timeline import Counts, CreatorPlan, VideoPlan

COMMERCE_CATEGORIES = {
    "dance": "Entertainment",
    "comedy": "Entertainment",
    "beauty-fashion": "Beauty",
    "fitness": "Sports, Fitness & Outdoors",
    "food": "Food & Beverage",
    "gaming": "Gaming",
    "travel": "Travel & Tourism",
    "education": "Education",
    "pets": "Pets",
    "music-performance": "Music",
}


def video_path(video: VideoPlan) -> str:
    return f"media/videos/{video.video_id}.mp4" if video.media else ""


def audio_path(video: VideoPlan) -> str:
    """Catalogue tracks have a demo clip; own sounds are only heard inside their video."""
    return f"media/audio/{video.sound.music_id}.ogg" if video.sound.track is not None else ""


def display_round(n: int) -> int:
    """TikTok's rounded counters: 427682 → 427700, 6764096 → 6800000."""
    if n < 1000:
        return n
    if n < 1_000_000:
        return int(round(n, -2))
    return int(round(n, -5))


def music_title(plan: CreatorPlan, video: VideoPlan, *, bare: bool = False) -> str:
    if video.sound.track is not None:
        return video.sound.track.title
    label = plan.persona.original_sound_title
    return label if bare else f"{label} - {plan.persona.nickname}"


def _music_author(plan: CreatorPlan, video: VideoPlan) -> str:
    track = video.sound.track
    return track.artist_display if track is not None else plan.persona.nickname


def _music_duration(video: VideoPlan) -> int:
    track = video.sound.track
    return min(60, round(track.duration_ms / 1000)) if track is not None else video.duration_s


def _definition(video: VideoPlan) -> str:
    """TikTok's quality label: the demo files are 360p, the rest look like 576x1024 uploads."""
    return "360p" if video.media else "540p"


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _web_url(plan: CreatorPlan, video: VideoPlan) -> str:
    return f"https://www.tiktok.com/@{plan.persona.handle}/video/{video.video_id}"


def _hashtag_id(tag: str) -> str:
    """Tags have global ids; older, generic tags have short ones."""
    value = stable_unit("hashtag", tag)
    if len(tag) <= 7:
        return str(10_000 + int(value * 9_000_000))
    return str(6_800_000_000_000_000_000 + int(value * 600_000_000_000_000_000))


def _tag_description(tag: str) -> str:
    return TAG_DESCRIPTIONS.get(tag, "")


# --- TikTok web API --------------------------------------------------------------------------


def web_file(plan: CreatorPlan, scrape: int) -> dict[str, Any]:
    """`{"userInfo": {user, stats, statsV2}, "itemList": [...]}` as one scrape of one creator."""
    p = plan.persona
    when = plan.scrape_times[scrape]
    stats = {
        "diggCount": plan.likes_given,
        "followerCount": plan.followers[scrape],
        "followingCount": plan.following[scrape],
        "friendCount": plan.friends,
        "heart": plan.total_likes(scrape),
        "heartCount": plan.total_likes(scrape),
        "videoCount": plan.video_count(scrape),
    }
    user = {
        "id": plan.user_id,
        "uniqueId": p.handle,
        "nickname": p.nickname,
        "signature": p.bio,
        "secUid": plan.sec_uid,
        "verified": p.verified,
        "privateAccount": False,
        "secret": False,
        "region": p.region,
        "language": next(iter(p.languages)),
        "avatarThumb": "",
        "avatarMedium": "",
        "avatarLarger": "",
        "commerceUserInfo": {
            "commerceUser": p.followers >= 100_000,
            "category": COMMERCE_CATEGORIES[p.category],
        },
        "ttSeller": False,
        "openFavorite": False,
    }
    items = [_web_item(plan, video, scrape, stats) for video in plan.visible(scrape)]
    return {
        "extra": {"fatal_item_ids": [], "now": when * 1000},
        "statusCode": 0,
        "userInfo": {
            "user": user,
            "stats": {k: display_round(v) for k, v in stats.items()},
            "statsV2": {k: str(v) for k, v in stats.items()},
        },
        "itemList": items,
        "cursor": str(items[-1]["createTime"]) + "000" if items else "0",
        "hasMore": False,
    }


def _web_item(
    plan: CreatorPlan, video: VideoPlan, scrape: int, author_stats: dict[str, int]
) -> dict[str, Any]:
    p = plan.persona
    counts = plan.counts(video, scrape)
    track = video.sound.track
    music: dict[str, Any] = {
        "id": video.sound.music_id,
        "title": music_title(plan, video),
        "authorName": _music_author(plan, video),
        "original": track is None,
        "duration": _music_duration(video),
        "album": track.album if track is not None else "",
        "playUrl": audio_path(video),
        "coverThumb": "",
        "coverMedium": "",
        "coverLarge": "",
        "isCopyrighted": track is not None,
        "private": False,
    }
    # Newer responses map licensed sounds to streaming ids; platform 3 is Spotify.
    if track is not None and stable_unit("tt2dsp", video.sound.music_id) < 0.7:
        music["tt2dsp"] = {
            "tt_to_dsp_song_infos": [
                {
                    "platform": 3,
                    "song_id": track.track_id,
                    "meta_song_id": str(
                        7_000_000_000_000_000_000 + int(stable_unit("meta", track.track_id) * 1e18)
                    ),
                }
            ]
        }
    media = video_path(video)
    width, height = (360, 640) if video.media else (576, 1024)
    item: dict[str, Any] = {
        "id": video.video_id,
        "desc": video.caption,
        # A sixth of the items carry createTime as a string, as some responses do.
        "createTime": (
            str(video.create_time)
            if stable_unit("ct-str", video.video_id) < 0.17
            else video.create_time
        ),
        "textLanguage": video.language,
        "locationCreated": p.region,
        "isAd": False,
        "isPinnedItem": video.pinned,
        "author": {
            "id": plan.user_id,
            "uniqueId": p.handle,
            "nickname": p.nickname,
            "signature": p.bio,
            "secUid": plan.sec_uid,
            "verified": p.verified,
            "avatarThumb": "",
        },
        "authorStats": {k: display_round(v) for k, v in author_stats.items()},
        "authorStatsV2": {k: str(v) for k, v in author_stats.items()},
        "stats": {
            "playCount": display_round(counts.plays),
            "diggCount": display_round(counts.likes),
            "commentCount": display_round(counts.comments),
            "shareCount": display_round(counts.shares),
            "collectCount": display_round(counts.saves),
        },
        "statsV2": {
            "playCount": str(counts.plays),
            "diggCount": str(counts.likes),
            "commentCount": str(counts.comments),
            "shareCount": str(counts.shares),
            "collectCount": str(counts.saves),
            "repostCount": "0",
        },
        "music": music,
        "video": {
            "id": video.video_id,
            "duration": video.duration_s,
            "width": width,
            "height": height,
            "ratio": _definition(video),
            "definition": _definition(video),
            "format": "mp4",
            "codecType": "h264",
            "cover": "",
            "originCover": "",
            "dynamicCover": "",
            "playAddr": media,
            "downloadAddr": media,
            "volumeInfo": {"Loudness": round(-9.0 - 6.0 * (1 - video.sound.energy), 1), "Peak": 1},
        },
        "duetEnabled": True,
        "stitchEnabled": True,
        "shareEnabled": True,
    }
    if video.hashtags:
        item["challenges"] = [
            {
                "id": _hashtag_id(tag),
                "title": tag,
                "desc": _tag_description(tag),
                "coverThumb": "",
                "isCommerce": False,
                "stats": {"videoCount": 0, "viewCount": 0},
            }
            for tag in video.hashtags
        ]
    extras = _text_extra(video)
    if extras:
        item["textExtra"] = extras
    return item


def _text_extra(video: VideoPlan) -> list[dict[str, Any]]:
    """Hashtag (type 1) and mention (type 0) spans in the caption, in caption order."""
    spans: list[dict[str, Any]] = []
    text = video.caption
    for mention in video.mentions:
        start = text.find(f"@{mention}")
        spans.append(
            {
                "type": 0,
                "start": start,
                "end": start + len(mention) + 1,
                "userUniqueId": mention,
                "hashtagName": "",
                "hashtagId": "",
            }
        )
    cursor = 0
    for tag in video.hashtags:
        start = text.find(f"#{tag}", cursor)
        cursor = start + len(tag) + 1
        spans.append(
            {
                "type": 1,
                "start": start,
                "end": cursor,
                "hashtagName": tag,
                "hashtagId": _hashtag_id(tag),
                "userUniqueId": "",
            }
        )
    return spans


# --- Apify dataset ---------------------------------------------------------------------------


def apify_file(plan: CreatorPlan, scrape: int) -> list[dict[str, Any]]:
    """A JSON array with one flat item per video, the profile repeated in `authorMeta`."""
    p = plan.persona
    author = {
        "id": plan.user_id,
        "name": p.handle,
        "nickName": p.nickname,
        "verified": p.verified,
        "signature": p.bio,
        "bioLink": None,
        "avatar": "",
        "privateAccount": False,
        "roomId": "",
        "ttSeller": False,
        "following": plan.following[scrape],
        "friends": plan.friends,
        "fans": plan.followers[scrape],
        "heart": plan.total_likes(scrape),
        "video": plan.video_count(scrape),
        "digg": plan.likes_given,
    }
    return [_apify_item(plan, video, scrape, author) for video in plan.visible(scrape)]


def _apify_item(
    plan: CreatorPlan, video: VideoPlan, scrape: int, author: dict[str, Any]
) -> dict[str, Any]:
    counts = plan.counts(video, scrape)
    track = video.sound.track
    music: dict[str, Any] = {
        "musicName": music_title(plan, video),
        "musicAuthor": _music_author(plan, video),
        "musicOriginal": track is None,
        "playUrl": audio_path(video),
        "coverMediumUrl": "",
        "originalCoverMediumUrl": "",
        "musicId": video.sound.music_id,
    }
    if track is not None:
        music["musicAlbum"] = track.album
    if stable_unit("apify-duration", video.sound.music_id) < 0.6:
        music["duration"] = _music_duration(video)
    media = video_path(video)
    width, height = (360, 640) if video.media else (576, 1024)
    return {
        "id": video.video_id,
        "text": video.caption,
        "textLanguage": video.language,
        "createTime": video.create_time,
        "createTimeISO": _iso(video.create_time),
        "locationCreated": plan.persona.region,
        "isAd": False,
        "isPinned": video.pinned,
        "isSponsored": False,
        "isSlideshow": False,
        "authorMeta": author,
        "musicMeta": music,
        "webVideoUrl": _web_url(plan, video),
        "mediaUrls": [media] if media else [],
        "videoMeta": {
            "height": height,
            "width": width,
            "duration": video.duration_s,
            "coverUrl": "",
            "originalCoverUrl": "",
            "definition": _definition(video),
            "format": "mp4",
            "downloadAddr": media,
        },
        "diggCount": counts.likes,
        "shareCount": counts.shares,
        "playCount": counts.plays,
        "collectCount": counts.saves,
        "commentCount": counts.comments,
        "mentions": [f"@{m}" for m in video.mentions],
        "hashtags": [
            {"id": _hashtag_id(t), "name": t, "title": _tag_description(t), "cover": ""}
            for t in video.hashtags
        ],
        "effectStickers": [],
    }


# --- tiktok-scraper collector feed -----------------------------------------------------------


def collector_file(plan: CreatorPlan, scrape: int) -> dict[str, Any]:
    """`{"collector": [...]}` as the npm tiktok-scraper's user feed wrote it (no saves)."""
    p = plan.persona
    author = {
        "id": plan.user_id,
        "secUid": plan.sec_uid,
        "name": p.handle,
        "nickName": p.nickname,
        "verified": p.verified,
        "signature": p.bio,
        "avatar": "",
        "following": plan.following[scrape],
        "fans": plan.followers[scrape],
        "heart": plan.total_likes(scrape),
        "video": plan.video_count(scrape),
        "digg": plan.likes_given,
    }
    items = [_collector_item(plan, video, scrape, author) for video in plan.visible(scrape)]
    return {
        "headers": {
            "user-agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
            "referer": "https://www.tiktok.com/",
        },
        "collector": items,
    }


def _collector_item(
    plan: CreatorPlan, video: VideoPlan, scrape: int, author: dict[str, Any]
) -> dict[str, Any]:
    counts = plan.counts(video, scrape)
    track = video.sound.track
    media = video_path(video)
    width, height = (360, 640) if video.media else (576, 1024)
    # The old scraper sometimes emitted counts as strings within the same item.
    as_text = stable_unit("collector-str", video.video_id, scrape) < 0.3

    def count(value: int) -> int | str:
        return str(value) if as_text else value

    return {
        "id": video.video_id,
        "text": video.caption,
        "createTime": video.create_time,
        "authorMeta": author,
        "musicMeta": {
            "musicId": video.sound.music_id,
            "musicName": music_title(plan, video, bare=True),
            "musicAuthor": _music_author(plan, video),
            "musicOriginal": track is None,
            "musicAlbum": track.album if track is not None else "",
            "playUrl": audio_path(video),
            "coverThumb": "",
            "coverMedium": "",
            "coverLarge": "",
            "duration": _music_duration(video),
        },
        "covers": {"default": "", "origin": "", "dynamic": ""},
        "webVideoUrl": _web_url(plan, video),
        "videoUrl": media,
        "videoUrlNoWaterMark": "",
        "videoApiUrlNoWaterMark": "",
        "videoMeta": {"height": height, "width": width, "duration": video.duration_s},
        "diggCount": count(counts.likes),
        "shareCount": counts.shares,
        "playCount": count(counts.plays),
        "commentCount": counts.comments,
        "downloaded": bool(media),
        "mentions": [f"@{m}" for m in video.mentions],
        "hashtags": [
            {"id": _hashtag_id(t), "name": t, "title": _tag_description(t), "cover": ""}
            for t in video.hashtags
        ],
    }


WRITERS = {"web": web_file, "apify": apify_file, "collector": collector_file}


def scrape_counts(counts: Counts) -> dict[str, int]:
    return {
        "plays": counts.plays,
        "likes": counts.likes,
        "comments": counts.comments,
        "shares": counts.shares,
        "saves": counts.saves,
    }
