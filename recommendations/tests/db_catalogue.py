"""A small catalogue and creators in the database, for the service, API and command tests.

Tracks are spread over genres, tempi and moods so a creator's profile clearly prefers some;
every figure is set explicitly so the tests can reason about the ranking.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from authors.models import Author, AuthorAnalysis
from authors.tests.factories import AuthorFactory, AuthorSourceFactory
from music.models import Music, MusicFeatures
from music.tests.factories import MusicFactory, MusicFeaturesFactory, MusicSourceFactory
from musicrec.core.models import Platform
from videos.models import Video
from videos.tests.factories import (
    VideoContentAnalysisFactory,
    VideoFactory,
    VideoMusicFactory,
    VideoSourceFactory,
)

# (genre, tempo, energy, valence, arousal, danceability) per kind of track.
KINDS: dict[str, tuple[str, float, float, float, float, float]] = {
    "dance-pop": ("pop", 124.0, 0.85, 0.8, 0.8, 0.8),
    "edm": ("electronic", 128.0, 0.9, 0.6, 0.9, 0.75),
    "acoustic": ("folk-acoustic", 84.0, 0.25, 0.45, 0.2, 0.4),
    "ambient": ("soundtrack-ambient", 70.0, 0.15, 0.3, 0.1, 0.2),
    "hip-hop": ("hip-hop", 95.0, 0.7, 0.5, 0.65, 0.85),
}


def spotify_id(music: Music) -> str:
    """A 22-character Spotify-style id, unique per track."""
    return f"sp{music.pk:020d}"


@dataclass
class Catalogue:
    tracks: dict[str, list[Music]] = field(default_factory=dict)

    @property
    def all(self) -> list[Music]:
        return [m for group in self.tracks.values() for m in group]


def make_catalogue(per_kind: int = 6, *, commercial_every: int = 2) -> Catalogue:
    """`per_kind` tracks of each kind; every `commercial_every`-th is cleared for business."""
    catalogue = Catalogue()
    n = 0
    for kind, (genre, tempo, energy, valence, arousal, dance) in KINDS.items():
        group = []
        for i in range(per_kind):
            music = MusicFactory(
                title=f"{kind} {i}",
                artist_name=f"{kind} artist {i}",
                commercial_ok=(n % commercial_every == 0),
            )
            MusicFeaturesFactory(
                music=music,
                feature_source=MusicFeatures.FeatureSource.CATALOGUE,
                tempo_bpm=tempo + i,
                energy=energy,
                valence=valence,
                arousal=arousal,
                danceability=dance,
                acousticness=1.0 - energy,
                genre=genre,
                genres={genre: 1.0},
            )
            MusicSourceFactory(
                music=music,
                platform=Platform.SPOTIFY,
                external_id=spotify_id(music),
                usage_count=None,
                popularity=30 + (5 * i) % 70,
            )
            group.append(music)
            n += 1
        catalogue.tracks[kind] = group
    return catalogue


def profile_metrics(kind: str, *, tier: str = "micro", followers: int = 50_000) -> dict:
    """Stored analysis metrics for a creator whose content matches tracks of `kind`."""
    genre, tempo, energy, valence, arousal, dance = KINDS[kind]
    return {
        "reach": {"followers": followers, "tier": tier},
        "content_profile": {
            "tempo_bpm": tempo,
            "energy": energy,
            "valence": valence,
            "arousal": arousal,
            "danceability": dance,
            "genres": {genre: 1.0},
            "moods": {},
            "consistency": {"tempo_bpm": 0.9, "genres": 0.9},
        },
        "music": {"attribute_lift": []},
    }


def make_creator(
    handle: str,
    kind: str | None,
    *,
    used: list[Music] = (),
    followers: int = 50_000,
    views: list[int] | None = None,
) -> Author:
    """A creator with a TikTok account, videos using `used`, and (when `kind`) an analysis."""
    author = AuthorFactory(name=handle.title())
    AuthorSourceFactory(author=author, handle=handle, followers=followers)
    for i, music in enumerate(used):
        video = VideoFactory(author=author, caption=f"{handle} video {i}")
        VideoSourceFactory(video=video, views=(views or [10_000] * len(used))[i])
        VideoMusicFactory(video=video, music=music)
    if kind is not None:
        AuthorAnalysis.objects.create(
            author=author,
            version="test",
            analyzed_at=timezone.now(),
            tier="micro",
            followers=followers,
            metrics=profile_metrics(kind, followers=followers),
        )
    return author


def add_video_analysis(video: Video, kind: str, **fields: object) -> None:
    genre, tempo, energy, valence, arousal, dance = KINDS[kind]
    values = {
        "tempo_bpm": tempo,
        "tempo_source": "visual pace",
        "energy": energy,
        "valence": valence,
        "arousal": arousal,
        "danceability": dance,
        **fields,
    }
    VideoContentAnalysisFactory(video=video, **values)
