"""Video content analysis use cases: fetch the video, analyse it with its text and sound, store it.

`video_analyze_many` is what the pipeline, the worker task, the admin action and the API run.
For each video:

- the media comes from its posts' `media_url` (TikTok first, freshest scrape first) through
  `media_resolve`, so URLs go through the guarded fetcher and local paths stay inside
  MEDIA_LOCAL_ROOTS;
- the picture, the soundtrack and the caption/hashtags/sticker text are fused by the pure
  `videos.content`; the stored music analysis of the video's primary sound adds the music
  genre, and stands in for a soundtrack that could not be measured;
- when the video cannot be had (an expired signed URL, a missing file, a file that does not
  decode, no media at all) it still gets the text analysis and the sound's metadata, stored as
  PARTIAL with the reason in `error`: a gone video is not a failed job;
- typed columns hold what lists filter and sort by; `detail` holds `VideoContent.to_dict()` with
  the evidence of every fused value, plus what was fetched (`detail["media"]`).

An analysis of the current `ANALYSIS_VERSION` is skipped unless forced, or unless what it was
computed from changed: the caption, hashtags or the sound's analysis, or, for one made without
the video, the media links (a re-scrape brings fresh signed URLs worth another try). A video
that was analysed from its file stays current whatever its links: the recording is the same.

Loading is a fixed number of queries per batch of videos, and each video costs a fixed number
more (its save); the selector tests assert it. After a batch, each creator whose videos were
analysed gets a profile analysis queued, since the content profile blends these analyses.
"""

from videos.services.analysis import (
    ANALYSIS_FPS,
    CHUNK_SIZE,
    video_analysis_enqueue,
    video_analyze,
    video_analyze_many,
)
from videos.services.inputs import (
    ANALYSIS_VERSION,
    MediaState,
    is_current,
    media_references,
    sound_metadata,
    sticker_text,
    video_analysis_queryset,
)

__all__ = [
    "ANALYSIS_FPS",
    "ANALYSIS_VERSION",
    "CHUNK_SIZE",
    "MediaState",
    "is_current",
    "media_references",
    "sound_metadata",
    "sticker_text",
    "video_analysis_enqueue",
    "video_analysis_queryset",
    "video_analyze",
    "video_analyze_many",
]
