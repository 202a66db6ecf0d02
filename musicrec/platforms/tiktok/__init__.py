"""TikTok scrape results in any of the shapes we meet, turned into plain typed records.

Three JSON families exist in the wild (research note scrape-formats §1-3): TikTok's own web JSON
(`userInfo` for a profile, `itemList[]` / `itemStruct` for videos), the Apify
`clockworks/tiktok-scraper` dataset (flat items with `authorMeta` / `musicMeta` / `videoMeta`,
also exported with dotted keys), and its ancestor, the npm `tiktok-scraper`
(`{"collector": [...]}`). The fourth shape is a CSV, one row per video as TikTok's pages display
it (`user_name, user_nfollower, vid_id, …, music_title, music_authorName, music_originality`;
shared/data SOURCES.md §5-7), read by `creators_csv`, whose docstring lists how its cells are
read: display counts (`353.1K`, `21.1K videos`, `Share` for 0, empty = unknown), sounds keyed by
title + author because the file's music_id lost its digits, `music_originality`, times without a
zone read as UTC, creators known by handle only (`@handle` ids, joined to numeric ids on store).
`load_scrape` tells the two apart by content (JSON starts with `{` or `[`; a CSV is judged by its
header), and `parse_scrape` returns the same records for all shapes, so the services that store
them never look at scraper JSON or CSV columns. Nothing here touches the database.

Decisions worth knowing:
- Counts prefer the exact `statsV2` / `authorStatsV2` strings over the rounded ints in `stats`;
  a profile's own stats (`userInfo`) win over the copies repeated in each video.
- Music is keyed by its TikTok id, never its title: "original sound" is the title of most sounds.
- A sound is original when TikTok flags it so (`original` / `musicOriginal`), unless it carries
  label metadata (`isCopyrighted`, an album, a Spotify mapping): those are licensed tracks that
  happen to be uploaded as originals. Without the flag, the localized "original sound" titles
  decide. An original sound belongs to the creator who made it: `owner_handle` is the video
  author's handle when the sound's author is that creator, and None when the video reuses
  somebody else's original sound (their handle is not in the item, only their nickname).
- A music stub (`id: ""` and nothing but a title) is dropped with a warning; music that has real
  fields but no id is an error, because it cannot be stored without one.
- Errors name the file, then where: a JSON path (`$.itemList[3].stats.playCount`) or, for a CSV,
  the line, data row and column (`line 7 (row 6), column vid_nview`), then the reason.
"""

from musicrec.platforms.tiktok.creators_csv import parse_creators_csv
from musicrec.platforms.tiktok.music import is_original_sound_title
from musicrec.platforms.tiktok.parse import (
    detect_shape,
    load_scrape,
    parse_scrape,
    parse_scrape_bytes,
    parse_scrape_file,
    read_scrape_upload,
)
from musicrec.platforms.tiktok.records import (
    PLATFORM,
    AuthorRecord,
    MusicRecord,
    ScrapeResult,
    Shape,
    VideoRecord,
    handle_key,
    is_handle_key,
)
from musicrec.platforms.tiktok.values import ScrapeError

__all__ = [
    "PLATFORM",
    "AuthorRecord",
    "MusicRecord",
    "ScrapeError",
    "ScrapeResult",
    "Shape",
    "VideoRecord",
    "detect_shape",
    "handle_key",
    "is_handle_key",
    "is_original_sound_title",
    "load_scrape",
    "parse_creators_csv",
    "parse_scrape",
    "parse_scrape_bytes",
    "parse_scrape_file",
    "read_scrape_upload",
]
