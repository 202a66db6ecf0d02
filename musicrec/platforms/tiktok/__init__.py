"""TikTok scrape results in any of the shapes we meet, turned into plain typed records.

Three families exist in the wild (research note scrape-formats §1-3): TikTok's own web JSON
(`userInfo` for a profile, `itemList[]` / `itemStruct` for videos), the Apify
`clockworks/tiktok-scraper` dataset (flat items with `authorMeta` / `musicMeta` / `videoMeta`,
also exported with dotted keys), and its ancestor, the npm `tiktok-scraper`
(`{"collector": [...]}`).
`parse_scrape` detects which one it holds and returns the same records for all of them, so the
services that store them never look at scraper JSON. Nothing here touches the database.

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
"""

from musicrec.platforms.tiktok.music import is_original_sound_title
from musicrec.platforms.tiktok.parse import (
    detect_shape,
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
    "is_original_sound_title",
    "parse_scrape",
    "parse_scrape_bytes",
    "parse_scrape_file",
    "read_scrape_upload",
]
