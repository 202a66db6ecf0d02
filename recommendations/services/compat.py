"""Spotify's `GET /v1/recommendations`, answered from our catalogue (read only, nothing stored).

Seeds may be given the way a Spotify client gives them (Spotify track and artist ids, genre
seeds) or as our own ids (music ids, artist author ids) and artist names; the answer keeps
Spotify's shape, with our track ids and, where known, the Spotify id, ISRC and link.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from musicrec.core.descriptors import GENRE_KEYS, genre_from_spotify
from musicrec.core.ids import is_digits, parse_id
from musicrec.core.models import Platform
from recommendations import selectors
from recommendations.catalogue_source import engine_data
from recommendations.spotify_compat import (
    MAX_LIMIT,
    MAX_SEEDS,
    available_genre_seeds,
    parse_tunables,
    recommend_like_spotify,
)


class SpotifyParamError(ValueError):
    """A bad query parameter, named as Spotify's errors name it: the field and the reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _track_seeds(values: Sequence[str], catalogue_ids: set[int]) -> list[int]:
    spotify = selectors.music_ids_for_spotify_tracks(v for v in values if not is_digits(v))
    out = []
    for value in values:
        music_id = parse_id(value) if is_digits(value) else spotify.get(value)
        if music_id is None or music_id not in catalogue_ids:
            raise SpotifyParamError("seed_tracks", f"unknown track '{value}'")
        out.append(music_id)
    return out


def _artist_seeds(values: Sequence[str]) -> list[int | str]:
    spotify = selectors.author_ids_for_spotify_artists(values)
    # An id past the 64-bit range names nobody: it stays text, an unknown artist.
    return [parse_id(v) or v if is_digits(v) else spotify.get(v, v) for v in values]


def _genre_seeds(values: Sequence[str]) -> list[str]:
    for value in values:
        if value not in GENRE_KEYS and genre_from_spotify(value) is None:
            raise SpotifyParamError(
                "seed_genres",
                f"unknown genre '{value}'; see /api/v1/recommendations/available-genre-seeds",
            )
    return list(values)


def _track_object(track: Mapping[str, Any], music: Any) -> dict[str, Any]:
    """Spotify's track object fields we can fill, plus our audio features and score."""
    out = dict(track)
    if music is None:
        return out
    spotify = next(
        (
            s
            for s in music.sources.all()
            if s.platform in (Platform.SPOTIFY, Platform.CATALOGUE) and len(s.external_id) == 22
        ),
        None,
    )
    out.update(
        {
            "type": "track",
            "artists": [
                {
                    "id": str(music.artist_id) if music.artist_id else None,
                    "name": music.artist_name or track["artists"][0]["name"],
                    "type": "artist",
                }
            ],
            "album": {"name": music.album},
            "duration_ms": round(music.duration_s * 1000) if music.duration_s else None,
            "explicit": music.explicit,
            "external_ids": {"isrc": music.isrc} if music.isrc else {},
            "external_urls": {"spotify": spotify.url} if spotify and spotify.url else {},
            "uri": f"spotify:track:{spotify.external_id}" if spotify else None,
            "spotify_id": spotify.external_id if spotify else None,
            "commercial_ok": music.commercial_ok,
        }
    )
    return out


def spotify_recommendations(
    *,
    seed_tracks: Sequence[str] = (),
    seed_artists: Sequence[str] = (),
    seed_genres: Sequence[str] = (),
    limit: int = 20,
    tunables: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The Spotify-shaped answer (`tracks`, `seeds` with pool sizes); raises SpotifyParamError."""
    tunables = dict(tunables or {})
    total = len(seed_tracks) + len(seed_artists) + len(seed_genres)
    if total == 0:
        raise SpotifyParamError(
            "seeds", "give at least one of seed_tracks, seed_artists, seed_genres"
        )
    if total > MAX_SEEDS:
        raise SpotifyParamError("seeds", f"at most {MAX_SEEDS} seeds in total, got {total}")
    if not 1 <= limit <= MAX_LIMIT:
        raise SpotifyParamError("limit", f"must be between 1 and {MAX_LIMIT}, got {limit}")
    for key, value in tunables.items():
        try:
            parse_tunables({key: value})
        except ValueError as exc:
            raise SpotifyParamError(key, str(exc)) from None
    try:
        parse_tunables(tunables)
    except ValueError as exc:  # a min above its max: the message starts with the min_ key
        raise SpotifyParamError(str(exc).split()[0], str(exc)) from None

    data = engine_data()
    arrays = data.arrays
    tracks = _track_seeds(list(seed_tracks), set(arrays.music_ids.tolist()))
    artists = _artist_seeds(list(seed_artists))
    genres = _genre_seeds(list(seed_genres))
    try:
        result = recommend_like_spotify(
            arrays,
            seed_tracks=tracks,
            seed_artists=artists,
            seed_genres=genres,
            limit=limit,
            **tunables,
        )
    except ValueError as exc:
        message = str(exc)
        field = "seed_artists" if "artist" in message else "seeds"
        raise SpotifyParamError(field, message) from None

    body = result.as_dict()
    # Echo each seed as the client gave it (a Spotify id stays a Spotify id).
    given = [*seed_tracks, *seed_artists, *seed_genres]
    for seed, original in zip(body["seeds"], given, strict=True):
        seed["id"] = original
    music = selectors.music_for_tracks(int(t["id"]) for t in body["tracks"])
    body["tracks"] = [_track_object(t, music.get(int(t["id"]))) for t in body["tracks"]]
    return body


def genre_seeds() -> list[str]:
    return available_genre_seeds()
