"""django-q2 entry points of the music app: thin wrappers that report on a Job."""

from __future__ import annotations

from music.services import features, spotify, trends
from musicrec.core.jobs import job_run_batch

SPOTIFY_OFF = "Skipped: Spotify is not configured (SPOTIFY_CLIENT_ID/SECRET)"


def music_analyze_task(job_id: int, music_ids: list[int], force: bool = False) -> dict:
    """Analyze the tracks' audio (features, genre, moods); per-track failures end up in the Job,
    which ends by the batch rule (`musicrec.core.jobs.batch_status`)."""
    return job_run_batch(
        job_id,
        features.music_analyze_many,
        label="Tracks",
        start="Analysing music",
        music_ids=music_ids,
        force=force,
    )


def music_enrich_task(job_id: int, music_ids: list[int]) -> dict:
    """Match the tracks on Spotify; without credentials every track is skipped and the Job
    says why."""
    note = "" if spotify.spotify_enabled() else SPOTIFY_OFF
    return job_run_batch(
        job_id,
        spotify.music_enrich_many,
        label="Spotify matches",
        start="Matching on Spotify",
        note=note,
        music_ids=music_ids,
    )


def music_trends_task() -> int:
    """Nightly: recompute popularity percentiles, usage growth and early-trend flags."""
    return trends.music_trends_refresh()
