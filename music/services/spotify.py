"""Spotify enrichment: identify each track on Spotify and store what the API still returns.

Spotify is an identity resolver for us (docs/music-signals.md): a match gives the Spotify ID,
URL, ISRC, album, release date and explicit flag, plus popularity and artist genres only when
the app still receives them. `spotify_track_match` finds the track: by ISRC, else by a search
on the title without decoration and the primary artist, whose candidates `music.matching` scores
(title and artist similarity, version tags, duration tolerance). The adapter
(`musicrec.platforms.spotify`) only asks Spotify.

Without SPOTIFY_CLIENT_ID/SECRET enrichment is skipped with one log line and everything else
works. The adapter keeps answers in Django's cache (shared by workers, survives restarts), so a
re-run makes no API calls.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from music.matching import Recording, best_match, normalise_isrc, split_artists, strip_title_noise
from music.models import Music, MusicSnapshot, MusicSource
from music.services.features import job_target
from music.services.genre import is_catalogue_row, music_genre_refresh
from music.services.merge import music_merge
from musicrec.core.jobs import BatchSummary, job_create, job_enqueue
from musicrec.core.models import Job, Platform
from musicrec.core.versions import CATALOGUE, data_changed
from musicrec.platforms.spotify import (
    SpotifyAuthError,
    SpotifyClient,
    SpotifyError,
    SpotifyTrack,
    spotify_client_from_settings,
)

logger = logging.getLogger(__name__)

_SETTINGS = ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_TIMEOUT", "SPOTIFY_MAX_RETRIES")


# --- The client ------------------------------------------------------------------------------


def spotify_enabled() -> bool:
    return all(str(getattr(settings, name, "") or "").strip() for name in _SETTINGS[:2])


def spotify_client() -> SpotifyClient | None:
    """A client on Django's cache, or None (with one log line) when credentials are unset."""
    values = {name: getattr(settings, name, None) for name in _SETTINGS}
    return spotify_client_from_settings(values)


# --- Finding the track -----------------------------------------------------------------------


@dataclass(frozen=True)
class SpotifyMatch:
    track: SpotifyTrack
    method: Literal["id", "isrc", "search"]
    confidence: float  # 1.0 for an id or ISRC hit, else music.matching.match_score


def _canonical(track: SpotifyTrack) -> SpotifyTrack:
    """The track with its ISRC in canonical form, or none if Spotify's is malformed."""
    return dataclasses.replace(track, isrc=normalise_isrc(track.isrc))


def spotify_track_match(
    client: SpotifyClient,
    *,
    title: str,
    artist: str,
    duration_s: float | None = None,
    isrc: str | None = None,
) -> SpotifyMatch | None:
    """The Spotify track for a recording: by ISRC when given, else the best search candidate.

    The search sends the title without decoration ("(feat. ...)", "- Radio Edit") and the
    primary artist; a candidate must pass `music.matching.match_score` (title and artist
    similarity, same version tags, duration within 3 s or 3 %), the best score wins and ties go
    to Spotify's relevance order. Raises SpotifyError / SpotifyAuthError.
    """
    code = normalise_isrc(isrc)
    if code is not None:
        track = client.search_by_isrc(code)
        if track is not None:
            return SpotifyMatch(track=_canonical(track), method="isrc", confidence=1.0)
    if not title.strip() or not artist.strip():
        return None
    primary = split_artists(artist)
    candidates = client.search(strip_title_noise(title), primary[0] if primary else artist)
    best = best_match(
        Recording(title, artist, duration_s),
        [Recording(c.title, ", ".join(c.artists), c.duration_s) for c in candidates],
    )
    if best is None:
        return None
    index, score = best
    return SpotifyMatch(track=_canonical(candidates[index]), method="search", confidence=score)


# --- Storing a match -------------------------------------------------------------------------


def _keeper(a: Music, b: Music) -> tuple[Music, Music]:
    """(keep, duplicate): a released track over an original sound, then the older row."""
    return (a, b) if (a.is_original_sound, a.pk) <= (b.is_original_sound, b.pk) else (b, a)


def _same_recording_rows(music: Music, track: SpotifyTrack) -> list[Music]:
    """Other rows that are this recording: the same ISRC, or already linked to this track."""
    others = Music.objects.exclude(pk=music.pk)
    found = list(others.filter(isrc=track.isrc)) if track.isrc else []
    linked = others.filter(
        sources__platform=Platform.SPOTIFY, sources__external_id=track.spotify_id
    ).first()
    if linked is not None and linked not in found:
        found.append(linked)
    return found


def _fill_music(music: Music, track: SpotifyTrack) -> None:
    """Spotify fills what the track row lacks; it never overwrites imported or curated values."""
    if not music.isrc and track.isrc:
        music.isrc = track.isrc
    if not music.album and track.album:
        music.album = track.album[:512]
    if not music.release_date and track.release_date:
        music.release_date = track.release_date[:10]
    if music.explicit is None:
        music.explicit = track.explicit
    if music.duration_s is None and track.duration_s:
        music.duration_s = track.duration_s
    music.full_clean()
    music.save()


def _record_popularity(source: MusicSource, popularity: int) -> None:
    """One popularity snapshot per source and day: cached re-runs must not fake a flat history."""
    now = timezone.now()
    today = source.snapshots.filter(taken_at__date=now.date(), popularity__isnull=False).first()
    if today is not None:
        today.popularity, today.taken_at = popularity, now
        today.save(update_fields=["popularity", "taken_at"])
    else:
        MusicSnapshot.objects.create(source=source, taken_at=now, popularity=popularity)


@transaction.atomic
def _store_match(
    music: Music, track: SpotifyTrack, *, method: str, confidence: float, genres: list[str]
) -> MusicSource:
    merged = False
    for other in _same_recording_rows(music, track):
        keep, duplicate = _keeper(music, other)
        music = music_merge(keep=keep, duplicate=duplicate)
        merged = True
    source = MusicSource.objects.filter(
        platform=Platform.SPOTIFY, external_id=track.spotify_id
    ).first() or MusicSource(platform=Platform.SPOTIFY, external_id=track.spotify_id)
    imported = source.pk is not None and is_catalogue_row(source)
    source.music = music
    source.url = track.url or source.url
    if track.popularity is not None:
        source.popularity = track.popularity
    if genres and not imported:  # an imported row's genres are the dataset's track genre
        source.genres = genres
    api = {k: v for k, v in dataclasses.asdict(track).items() if k != "popularity"}
    api["match"] = {"method": method, "confidence": confidence}
    if genres:
        api["artist_genres"] = genres
    # What the API said sits beside whatever the catalogue import stored in the row.
    source.raw = {**(source.raw if isinstance(source.raw, dict) else {}), "api": api}
    source.last_seen_at = timezone.now()
    source.full_clean()
    source.save()
    if track.popularity is not None:
        _record_popularity(source, track.popularity)
    _fill_music(music, track)
    if genres or merged:
        music_genre_refresh(music_id=music.pk)
    data_changed(CATALOGUE)
    return source


# --- Public services -------------------------------------------------------------------------


def music_match_spotify(
    *, music_id: int, client: SpotifyClient | None = None
) -> MusicSource | None:
    """Find one track on Spotify and store the match; None when disabled or not found.

    A track already linked to Spotify is refreshed by its ID. When the match carries an ISRC
    another Music row has (or that Spotify track is linked to another row), the two are merged
    (`music_merge`): the returned source's `music` is the surviving row. Original sounds are
    never looked up (their "artist" is the creator). Raises SpotifyError / SpotifyAuthError.
    """
    client = client if client is not None else spotify_client()
    if client is None:
        return None
    music = Music.objects.select_related("artist").prefetch_related("sources").get(pk=music_id)
    if music.is_original_sound:
        return None
    linked = next((s for s in music.sources.all() if s.platform == Platform.SPOTIFY), None)
    track = client.track(linked.external_id) if linked is not None else None
    if track is not None:
        match = SpotifyMatch(track=_canonical(track), method="id", confidence=1.0)
    else:
        artist = music.artist_name or (music.artist.name if music.artist else "")
        match = spotify_track_match(
            client, title=music.title, artist=artist, duration_s=music.duration_s, isrc=music.isrc
        )
        if match is None:
            return None
        # The match is also the answer to the next run's lookup by ID: no call for it then.
        client.remember_track(match.track)
    track = match.track
    primary = client.artist(track.artist_ids[0]) if track.artist_ids else None
    genres = list(primary.genres) if primary is not None else []
    return _store_match(
        music, track, method=match.method, confidence=match.confidence, genres=genres
    )


def music_enrich_many(
    *, music_ids: Sequence[int], progress: Callable[[int, str], None] | None = None
) -> BatchSummary:
    """Match many tracks on Spotify; per-track failures are recorded and the batch goes on.

    Without credentials every track is counted as skipped (the adapter logs why, once). Done:
    matched; skipped: original sounds, no match, rows merged away earlier in the batch; failed:
    Spotify errors. Rejected credentials stop the batch: every further call would fail too.
    """
    ids = list(dict.fromkeys(music_ids))
    summary = BatchSummary()
    client = spotify_client()
    if client is None:
        summary.skipped = len(ids)
        return summary
    for index, music_id in enumerate(ids, start=1):
        try:
            source = music_match_spotify(music_id=music_id, client=client)
        except Music.DoesNotExist:
            summary.skipped += 1
        except SpotifyAuthError as exc:
            summary.failed += len(ids) - index + 1
            summary.problems.append(str(exc))
            break
        except SpotifyError as exc:
            summary.failed += 1
            summary.problems.append(f"music {music_id}: {exc}")
        except Exception as exc:  # a bug or a database error must not stop the batch
            logger.exception("Spotify enrichment of music %s failed", music_id)
            summary.failed += 1
            summary.problems.append(f"music {music_id}: {type(exc).__name__}: {exc}")
        else:
            if source is None:
                summary.skipped += 1
            else:
                summary.done += 1
        if progress is not None:
            progress(100 * index // len(ids), f"Spotify: {index}/{len(ids)} tracks")
    return summary


def music_enrichment_enqueue(*, music_ids: Sequence[int], user: Any = None) -> Job:
    """A Job that matches the tracks on Spotify on a worker once the transaction commits."""
    ids = list(dict.fromkeys(int(i) for i in music_ids))
    job = job_create(kind=Job.Kind.SPOTIFY_MATCH, created_by=user, **job_target(ids))
    job_enqueue(job, "music.tasks.music_enrich_task", ids)
    return job
