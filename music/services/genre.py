"""Genre and mood labels on MusicFeatures: automatic labelling and a curator's override.

The pure rules live in `music.genre`; this module gathers their inputs from the database (the
catalogue's and Spotify's genre strings, the labelled catalogue tracks as a neighbour matrix)
and stores the result with its source and confidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction

from music.genre import NEIGHBOUR_FEATURES, genre_infer
from music.models import Music, MusicFeatures, MusicSource
from musicrec.core.descriptors import GENRE_KEYS, GENRES, moods_from_valence_arousal, top_label
from musicrec.core.models import AnalysisStatus, Platform
from musicrec.core.versions import CATALOGUE, data_changed

GenreSource = MusicFeatures.GenreSource

# Labels a neighbour estimate may learn from: a track's own catalogue label or a curator's.
TRUSTED_GENRE_SOURCES = (GenreSource.CATALOGUE, GenreSource.CURATOR)


@dataclass(frozen=True)
class LabelledTracks:
    """Labelled catalogue tracks as the k-NN estimate wants them, with their Music ids."""

    music_ids: np.ndarray
    matrix: np.ndarray
    labels: list[str]

    def without(self, music_id: int) -> tuple[np.ndarray, list[str]]:
        """(matrix, labels) without the track itself: a track must not vote for its own genre."""
        hits = np.flatnonzero(self.music_ids == music_id)
        if hits.size == 0:
            return self.matrix, self.labels
        i = int(hits[0])
        return np.delete(self.matrix, i, axis=0), self.labels[:i] + self.labels[i + 1 :]


def labelled_tracks() -> LabelledTracks:
    """Every catalogue track whose genre came from the catalogue or a curator (one query)."""
    rows = list(
        MusicFeatures.objects.filter(
            music__is_original_sound=False, genre_source__in=TRUSTED_GENRE_SOURCES
        )
        .exclude(genre="")
        .values_list("music_id", "genre", *NEIGHBOUR_FEATURES)
    )
    matrix = np.array(
        [[np.nan if v is None else v for v in row[2:]] for row in rows], dtype=np.float64
    ).reshape(len(rows), len(NEIGHBOUR_FEATURES))
    return LabelledTracks(
        music_ids=np.array([row[0] for row in rows], dtype=np.int64),
        matrix=matrix,
        labels=[row[1] for row in rows],
    )


def is_catalogue_row(source: MusicSource) -> bool:
    """Whether a source row was written by the catalogue import.

    The Spotify tracks dataset is imported as Spotify sources (its track ids are Spotify's), with
    the dataset's per-track genre in `genres` and the row in `raw` (`raw_genres` among it); a
    catalogue file without Spotify ids gives `catalogue` sources.
    """
    raw = source.raw if isinstance(source.raw, dict) else {}
    return source.platform == Platform.CATALOGUE or (
        source.platform == Platform.SPOTIFY and "raw_genres" in raw
    )


def genre_inputs(music: Music) -> tuple[list[str], list[str]]:
    """(catalogue genres, Spotify artist genres) from a track's (prefetched) sources.

    A catalogue row's genres label the track itself; the Spotify API's are the artist's, kept
    under `raw["api"]["artist_genres"]` (and in `genres` of a source only the API wrote).
    """
    catalogue: list[str] = []
    spotify: list[str] = []
    for source in music.sources.all():
        names = [str(name) for name in (source.genres or []) if name]
        api = (source.raw or {}).get("api") if isinstance(source.raw, dict) else None
        artist_genres = [str(n) for n in (api or {}).get("artist_genres", []) if n]
        if is_catalogue_row(source):
            catalogue.extend(names)
            spotify.extend(artist_genres)
        elif source.platform == Platform.SPOTIFY:
            spotify.extend(artist_genres or names)
    return catalogue, spotify


def apply_labels(
    features: MusicFeatures, music: Music, *, neighbours: LabelledTracks | None = None
) -> None:
    """Set genre (with source and confidence) and moods on `features` in memory, not saved.

    A curator's genre is kept as is. A catalogue label stored by the importer is kept when the
    catalogue source row carries no genre strings to recompute it from.
    """
    if features.genre_source != GenreSource.CURATOR:
        catalogue, spotify = genre_inputs(music)
        keep_imported = (
            not catalogue and features.genre_source == GenreSource.CATALOGUE and features.genres
        )
        if not keep_imported:
            neighbours = neighbours if neighbours is not None else labelled_tracks()
            label = genre_infer(
                catalogue_genres=catalogue,
                spotify_genres=spotify,
                features_vector=[getattr(features, name) for name in NEIGHBOUR_FEATURES],
                labelled_neighbours=neighbours.without(music.pk),
                text=" ".join(part for part in (music.title, music.artist_name, music.album)),
            )
            features.genres = label.genres
            features.genre = top_label(label.genres) or ""
            features.genre_source = label.source
            features.genre_confidence = label.confidence
    if not features.moods and features.valence is not None and features.arousal is not None:
        features.moods = moods_from_valence_arousal(
            features.valence, features.arousal, mode=features.mode or None
        )
    features.top_mood = top_label(features.moods or {}) or ""


LABEL_FIELDS: tuple[str, ...] = (
    "genre",
    "genre_source",
    "genre_confidence",
    "genres",
    "top_mood",
    "moods",
)


def save_owned(features: MusicFeatures, fields: Sequence[str]) -> None:
    """Validate and save only the columns this use case owns.

    Analysis, labelling and the trend refresh each write their own columns of the one row, and
    an analysis holds its copy for seconds while it downloads: a full save would put back the
    stale columns another service wrote meanwhile.
    """
    features.full_clean()
    with transaction.atomic():
        if features.pk is None:
            features.save()
        else:
            features.save(update_fields=list(fields))
        data_changed(CATALOGUE)


def _features_for(music: Music) -> MusicFeatures:
    try:
        return music.features
    except MusicFeatures.DoesNotExist:
        return MusicFeatures(
            music=music,
            status=AnalysisStatus.EMPTY,
            feature_source=MusicFeatures.FeatureSource.NONE,
        )


def music_genre_refresh(
    *, music_id: int, neighbours: LabelledTracks | None = None
) -> MusicFeatures:
    """Re-label one track's genre and moods from what is known now (after Spotify, an import).

    Creates the features row (status "empty", nothing measured yet) when the track has none.
    """
    music = Music.objects.prefetch_related("sources").select_related("features").get(pk=music_id)
    features = _features_for(music)
    apply_labels(features, music, neighbours=neighbours)
    save_owned(features, LABEL_FIELDS)
    return features


@transaction.atomic
def music_features_set_genre(*, music_id: int, genre: str) -> MusicFeatures:
    """A curator's genre: it outranks every automatic source until cleared.

    An empty `genre` hands the label back to the automatic sources.
    """
    genre = (genre or "").strip()
    if genre and genre not in GENRE_KEYS:
        raise ValidationError(
            {"genre": f"'{genre}' is not in the genre taxonomy ({', '.join(GENRE_KEYS)})"}
        )
    music = Music.objects.prefetch_related("sources").select_related("features").get(pk=music_id)
    features = _features_for(music)
    if genre:
        features.genre = genre
        features.genres = {genre: 1.0}
        features.genre_source = GenreSource.CURATOR
        features.genre_confidence = 1.0
    else:
        features.genre_source = GenreSource.NONE
        features.genres = {}
        apply_labels(features, music)
    save_owned(features, LABEL_FIELDS)
    return features


def genre_choices() -> Sequence[tuple[str, str]]:
    """Choices for a curator's genre field: blank (automatic) plus the taxonomy."""
    return [("", "— automatic —"), *GENRES.items()]
