"""Music habits: what a creator posts to, and which music attributes performed best for them.

Lift compares like with like: each video's engagement rate by views against the same creator's
overall median, so a creator with a low baseline can still show that upbeat tracks do better
for them. Groups of fewer than `MIN_VIDEOS_FOR_LIFT` videos are reported with their count but
with no figure: one lucky video is not a habit.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from musicrec.core.descriptors import Descriptor, normalise_weights, tempo_band, top_label

from .engagement import median_engagement_rate, video_engagement_rate
from .inputs import MusicKey, VideoInput
from .numeric import median_or_none, rate, safe_div

TOP_TRACKS = 5
TOP_ARTISTS = 5
MIN_VIDEOS_FOR_LIFT = 3
LIFT_ATTRIBUTES: dict[str, Callable[[Descriptor], str | None]] = {
    "tempo_band": lambda d: tempo_band(d.tempo_bpm),
    "mood": lambda d: top_label(d.moods),
    "genre": lambda d: top_label(d.genres),
}


@dataclass(frozen=True)
class TrackUse:
    music_id: str
    title: str
    artist: str
    videos: int


@dataclass(frozen=True)
class ArtistUse:
    artist: str
    videos: int


@dataclass(frozen=True)
class AttributeLift:
    """How videos whose music had `attribute` = `value` engaged, against the creator's median.

    `lift` = median engagement rate of these videos / the creator's overall median; 1.25 means
    25 % more engaging than usual. With fewer than 3 videos, `median_engagement_rate` and `lift`
    are None and `note` says why.
    """

    attribute: str
    value: str
    videos: int
    median_engagement_rate: float | None
    lift: float | None
    note: str | None


@dataclass(frozen=True)
class MusicHabits:
    videos_with_music: int
    original_sound_share: float | None
    catalogue_share: float | None
    top_tracks: list[TrackUse]
    top_artists: list[ArtistUse]
    videos_with_music_descriptor: int
    genre_mix: dict[str, float]
    mood_mix: dict[str, float]
    tempo_band_mix: dict[str, float]
    attribute_lift: list[AttributeLift]

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _track_key(music: MusicKey) -> str | None:
    """Music id when present; stub sounds without an id fall back to title + artist."""
    if music.id:
        return music.id
    if music.title or music.artist:
        return f"{music.title.casefold()}|{music.artist.casefold()}"
    return None


def _top_catalogue_tracks(videos: Sequence[VideoInput]) -> tuple[list[TrackUse], list[ArtistUse]]:
    """Most used catalogue tracks and their artists. Original sounds are left out: each is
    usually a one-off recording whose "artist" is just the uploader."""
    tracks: Counter[str] = Counter()
    first_seen: dict[str, MusicKey] = {}
    artists: Counter[str] = Counter()
    artist_names: dict[str, str] = {}
    for video in videos:
        music = video.music
        if music is None or music.is_original:
            continue
        key = _track_key(music)
        if key is None:
            continue
        tracks[key] += 1
        first_seen.setdefault(key, music)
        if music.artist.strip():
            artist_key = music.artist.strip().casefold()
            artists[artist_key] += 1
            artist_names.setdefault(artist_key, music.artist.strip())
    ranked_tracks = sorted(tracks.items(), key=lambda item: (-item[1], item[0]))[:TOP_TRACKS]
    ranked_artists = sorted(artists.items(), key=lambda item: (-item[1], item[0]))[:TOP_ARTISTS]
    return (
        [
            TrackUse(
                music_id=first_seen[key].id,
                title=first_seen[key].title,
                artist=first_seen[key].artist,
                videos=n,
            )
            for key, n in ranked_tracks
        ],
        [ArtistUse(artist=artist_names[key], videos=n) for key, n in ranked_artists],
    )


def _mix(descriptors: Sequence[Descriptor], attribute: str) -> dict[str, float]:
    """Mean of each video's normalised weights, so every video counts once."""
    totals: Counter[str] = Counter()
    for descriptor in descriptors:
        for key, weight in normalise_weights(getattr(descriptor, attribute)).items():
            totals[key] += weight
    return normalise_weights(dict(totals))


def _tempo_band_mix(descriptors: Sequence[Descriptor]) -> dict[str, float]:
    bands = Counter(b for d in descriptors if (b := tempo_band(d.tempo_bpm)) is not None)
    return normalise_weights(dict(bands))


def attribute_lift(videos: Sequence[VideoInput]) -> list[AttributeLift]:
    """Lift rows per attribute (tempo band, mood, genre), each value a video's dominant one;
    within an attribute, rows with a figure come first, highest lift first."""
    overall = median_engagement_rate(videos)
    rows: list[AttributeLift] = []
    for attribute, value_of in LIFT_ATTRIBUTES.items():
        groups: dict[str, list[float]] = defaultdict(list)
        for video in videos:
            er = video_engagement_rate(video)
            if video.music_descriptor is None or er is None:
                continue
            value = value_of(video.music_descriptor)
            if value is not None:
                groups[value].append(er)
        attribute_rows = []
        for value, rates in groups.items():
            if len(rates) < MIN_VIDEOS_FOR_LIFT:
                note = f"fewer than {MIN_VIDEOS_FOR_LIFT} videos"
                attribute_rows.append(AttributeLift(attribute, value, len(rates), None, None, note))
                continue
            group_median = median_or_none(rates)
            lift = safe_div(group_median, overall)
            note = None if lift is not None else "creator's median engagement rate is zero"
            attribute_rows.append(
                AttributeLift(attribute, value, len(rates), rate(group_median), rate(lift), note)
            )
        attribute_rows.sort(key=lambda r: (r.lift is None, -(r.lift or 0.0), -r.videos, r.value))
        rows.extend(attribute_rows)
    return rows


def music_habits(videos: Sequence[VideoInput]) -> MusicHabits:
    with_music = [v for v in videos if v.music is not None]
    originals = sum(1 for v in with_music if v.music is not None and v.music.is_original)
    original_share = safe_div(originals, len(with_music))
    descriptors = [v.music_descriptor for v in videos if v.music_descriptor is not None]
    tracks, artists = _top_catalogue_tracks(videos)
    return MusicHabits(
        videos_with_music=len(with_music),
        original_sound_share=rate(original_share),
        catalogue_share=rate(None if original_share is None else 1.0 - original_share),
        top_tracks=tracks,
        top_artists=artists,
        videos_with_music_descriptor=len(descriptors),
        genre_mix=_mix(descriptors, "genres"),
        mood_mix=_mix(descriptors, "moods"),
        tempo_band_mix=_tempo_band_mix(descriptors),
        attribute_lift=attribute_lift(videos),
    )
