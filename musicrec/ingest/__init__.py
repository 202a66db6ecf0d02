"""Store a parsed TikTok scrape: creators, videos and sounds with their latest counts and history.

One call stores everything one scrape holds in one transaction, with a fixed number of bulk
statements per table, so the cost does not grow with the number of videos per author in
queries (only in rows per statement). Decisions worth knowing:

- Source rows are keyed by (platform, external_id) and upserted; the canonical Author / Video /
  Music row is created only for a source seen for the first time. A new TikTok sound joins the
  catalogue track it is (its Spotify id from `tt2dsp`, else the same title with a matching
  artist) instead of becoming a new Music, and records its Spotify id as a source for tracks
  not imported yet.
- Field by field, the newer scrape wins and the older one only fills blanks: a count the scrape
  lacks (None) never erases a known one, and importing an old file after a newer one adds its
  snapshots without rolling the latest counts back.
- A snapshot is a point in time: a source gets at most one per `taken_at`, so importing the
  same file twice changes nothing, and importing it again later adds one snapshot per count.
- Two imports may race to insert the same new source (two creators using one new sound). The
  upsert keeps whichever canonical row won and the loser's spare canonical row is removed.
"""

from musicrec.ingest.store import scrape_store
from musicrec.ingest.summary import IngestSummary

__all__ = ["IngestSummary", "scrape_store"]
