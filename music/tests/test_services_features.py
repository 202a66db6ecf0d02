"""music.services.features on generated audio files and a real local HTTP server."""

from __future__ import annotations

import pytest

from music import features as audio
from music.models import MusicFeatures
from music.services.features import is_current, music_analyze, music_analyze_many
from music.services.genre import labelled_tracks, music_features_set_genre
from music.tests.factories import MusicFactory, MusicFeaturesFactory, MusicSourceFactory
from musicrec.core.models import AnalysisStatus, Platform
from musicrec.core.tests.local_http import Reply

pytestmark = pytest.mark.django_db

FeatureSource = MusicFeatures.FeatureSource
GenreSource = MusicFeatures.GenreSource


@pytest.fixture(scope="module", autouse=True)
def warm_analysis() -> None:
    audio.warm_up()


def _track_with_audio(reference: str, **music: object):
    source = MusicSourceFactory(music=MusicFactory(**music), audio_url=reference)
    return source.music


def _catalogue_features(music, **values: object) -> MusicFeatures:
    defaults = {
        "feature_source": FeatureSource.CATALOGUE,
        "version": "",
        "tempo_bpm": 99.0,
        "key": "D",
        "mode": "major",
        "energy": 0.31,
        "valence": 0.8,
        "arousal": 0.4,
        "genre": "folk-acoustic",
        "genre_source": GenreSource.CATALOGUE,
        "genres": {"folk-acoustic": 1.0},
        "moods": {"calm": 0.7, "happy": 0.3},
        "detail": {"instrumentalness": 0.02},
    }
    return MusicFeaturesFactory(music=music, **{**defaults, **values})


def test_music_analyze_stores_everything_the_audio_analysis_measures(write_clip):
    music = _track_with_audio(str(write_clip(bpm=128, key="A", mode="minor")))

    features = music_analyze(music_id=music.pk)

    features.refresh_from_db()
    assert features.status == AnalysisStatus.OK
    assert features.feature_source == FeatureSource.AUDIO
    assert features.version == audio.FEATURES_VERSION
    assert features.analyzed_at is not None
    assert features.tempo_bpm == pytest.approx(128, rel=0.04)
    assert (features.key, features.mode) == ("A", "minor")
    for name in ("energy", "danceability", "valence", "arousal", "acousticness", "speechiness"):
        assert 0.0 <= getattr(features, name) <= 1.0
    assert features.loudness_lufs is not None
    # The full measurement is kept: candidates, confidences, brightness, onset rate...
    for name in ("tempo_candidates", "key_confidence", "brightness", "onset_rate", "duration_s"):
        assert name in features.detail
    assert features.moods and features.top_mood == max(features.moods, key=features.moods.get)
    assert features.error == ""


def test_music_analyze_keeps_catalogue_values_beside_the_audio_ones(write_clip):
    music = _track_with_audio(str(write_clip(bpm=120, key="C", mode="major")))
    _catalogue_features(music)

    features = music_analyze(music_id=music.pk)

    assert features.feature_source == FeatureSource.AUDIO
    assert features.tempo_bpm == pytest.approx(120, rel=0.04)
    catalogue = features.detail["catalogue"]
    assert catalogue["tempo_bpm"] == 99.0
    assert catalogue["energy"] == 0.31
    assert catalogue["moods"] == {"calm": 0.7, "happy": 0.3}
    assert catalogue["instrumentalness"] == 0.02
    # The catalogue's genre label outranks everything computed.
    assert (features.genre, features.genre_source) == ("folk-acoustic", GenreSource.CATALOGUE)

    # A forced re-run keeps the catalogue values it saved the first time.
    again = music_analyze(music_id=music.pk, force=True)
    assert again.detail["catalogue"]["tempo_bpm"] == 99.0


def test_music_analyze_expired_link_keeps_catalogue_values(media_dir, http_server):
    http_server.route("/sound.mp3", Reply(403, b"expired"))
    music = _track_with_audio(http_server.url("/sound.mp3"))
    _catalogue_features(music)

    features = music_analyze(music_id=music.pk)

    assert features.status == AnalysisStatus.UNAVAILABLE
    assert "403" in features.error
    assert features.feature_source == FeatureSource.CATALOGUE
    assert features.tempo_bpm == 99.0
    assert features.top_mood == "calm"


def test_music_analyze_many_goes_on_after_failures(media_dir, write_clip, http_server):
    http_server.route("/gone.m4a", Reply(404, b""))
    good = _track_with_audio(str(write_clip("good.wav")), title="Good")
    expired = _track_with_audio(http_server.url("/gone.m4a"), title="Expired")
    broken_file = media_dir / "broken.wav"
    broken_file.write_bytes(b"this is not audio")
    broken = _track_with_audio(str(broken_file), title="Broken")
    reports: list[tuple[int, str]] = []

    summary = music_analyze_many(
        music_ids=[expired.pk, broken.pk, good.pk, 999_999],
        progress=lambda percent, message: reports.append((percent, message)),
    )

    assert (summary.done, summary.failed, summary.skipped) == (1, 1, 2)
    assert len(summary.problems) == 1 and summary.problems[0].startswith("Broken")
    assert "cannot decode" in summary.problems[0]
    statuses = {
        m.title: m.features.status
        for m in type(good).objects.filter(pk__in=[good.pk, expired.pk, broken.pk])
    }
    assert statuses == {
        "Good": AnalysisStatus.OK,
        "Expired": AnalysisStatus.UNAVAILABLE,
        "Broken": AnalysisStatus.FAILED,
    }
    assert [percent for percent, _ in reports] == [25, 50, 75, 100]


def test_music_analyze_many_skips_current_features_unless_forced(write_clip):
    music = _track_with_audio(str(write_clip()))
    music_analyze(music_id=music.pk)

    assert music_analyze_many(music_ids=[music.pk]).skipped == 1
    assert music_analyze_many(music_ids=[music.pk], force=True).done == 1


def test_is_current_retries_unavailable_audio_once_the_link_changes(media_dir, http_server):
    http_server.route("/a.mp3", Reply(403, b""))
    music = _track_with_audio(http_server.url("/a.mp3"))
    features = music_analyze(music_id=music.pk)

    assert is_current(features, [http_server.url("/a.mp3")])
    assert not is_current(features, [http_server.url("/a.mp3?fresh-signature")])
    assert music_analyze_many(music_ids=[music.pk]).skipped == 1
    assert len(http_server.requests_to("/a.mp3")) == 1


def test_music_analyze_original_sound_is_analysed_too(write_clip):
    music = _track_with_audio(
        str(write_clip(bpm=100, key="G", mode="major")),
        title="original sound - dancer",
        is_original_sound=True,
    )
    features = music_analyze(music_id=music.pk)
    assert features.status == AnalysisStatus.OK
    assert features.tempo_bpm == pytest.approx(100, rel=0.04)


def test_music_analyze_silent_audio_keeps_the_columns_empty(media_dir):
    import numpy as np

    from musicrec.core.synth import write_audio

    path = media_dir / "silence.wav"
    write_audio(path, np.zeros(22050 * 3, dtype=np.float32), 22050)
    music = _track_with_audio(str(path))

    features = music_analyze(music_id=music.pk)

    assert features.status == AnalysisStatus.EMPTY
    assert features.feature_source == FeatureSource.NONE
    assert features.energy is None and features.moods == {}
    assert "silent_audio" in features.detail


def test_music_analyze_without_audio_or_catalogue_says_empty():
    music = MusicFactory(title="Untitled 4")
    features = music_analyze(music_id=music.pk)
    assert features.status == AnalysisStatus.EMPTY
    assert features.feature_source == FeatureSource.NONE
    assert (features.genre, features.genre_source, features.genre_confidence) == ("", "none", None)


def test_music_analyze_catalogue_only_track_is_relabelled_and_ok():
    music = MusicFactory()
    MusicSourceFactory(music=music, platform=Platform.CATALOGUE, genres=["edm"], usage_count=None)
    _catalogue_features(music, genre="", genre_source=GenreSource.NONE, genres={}, moods={})

    features = music_analyze(music_id=music.pk)

    assert features.status == AnalysisStatus.OK
    assert features.feature_source == FeatureSource.CATALOGUE
    assert (features.genre, features.genre_source) == ("electronic", GenreSource.CATALOGUE)
    # Moods come from valence/arousal (and mode) when the catalogue stored none.
    assert features.top_mood == "romantic"


def test_music_analyze_estimates_genre_from_labelled_neighbours(write_clip):
    # Labelled catalogue tracks around the generated clip's character, one cluster per genre.
    for i in range(4):
        MusicFeaturesFactory(
            tempo_bpm=126 + i, energy=0.6, valence=0.5, danceability=0.8, acousticness=0.3,
            speechiness=0.1, genre="electronic", genres={"electronic": 1.0},
        )  # fmt: skip
        MusicFeaturesFactory(
            tempo_bpm=70 + i, energy=0.1, valence=0.2, danceability=0.2, acousticness=0.95,
            speechiness=0.05, genre="classical", genres={"classical": 1.0},
        )  # fmt: skip
    music = _track_with_audio(str(write_clip(bpm=128)), title="Nightdrive")

    features = music_analyze(music_id=music.pk)

    assert features.genre_source == GenreSource.NEIGHBOURS
    assert features.genre == "electronic"
    assert 0.0 < features.genre_confidence < 1.0


def test_music_analyze_keeps_a_curators_genre(write_clip):
    music = _track_with_audio(str(write_clip()), title="Rap anthem")
    music_features_set_genre(music_id=music.pk, genre="jazz")

    features = music_analyze(music_id=music.pk)

    assert (features.genre, features.genre_source, features.genres) == (
        "jazz",
        GenreSource.CURATOR,
        {"jazz": 1.0},
    )
    assert features.status == AnalysisStatus.OK


def test_music_analyze_keeps_trend_detail(write_clip):
    music = _track_with_audio(str(write_clip()))
    MusicFeaturesFactory(music=music, version="", detail={"trend": {"reason": "rising"}})
    features = music_analyze(music_id=music.pk)
    assert features.detail["trend"] == {"reason": "rising"}


def test_music_analyze_refused_target_is_a_failure(settings, media_dir):
    settings.MEDIA_LOCAL_ROOTS = [media_dir / "elsewhere"]
    music = _track_with_audio(str(media_dir / "clip.wav"))
    features = music_analyze(music_id=music.pk)
    assert features.status == AnalysisStatus.FAILED
    assert "outside the folders" in features.error


def test_labelled_tracks_leave_the_track_itself_out():
    labelled = MusicFeaturesFactory(genre="rock", genres={"rock": 1.0})
    other = MusicFeaturesFactory(genre="jazz", genres={"jazz": 1.0})
    MusicFeaturesFactory(genre="pop", genre_source=GenreSource.KEYWORDS)  # not a trusted label

    tracks = labelled_tracks()

    assert sorted(tracks.labels) == ["jazz", "rock"]
    matrix, labels = tracks.without(labelled.music_id)
    assert labels == ["jazz"] and matrix.shape == (1, 6)
    assert tracks.without(other.music_id + 1000)[1] == tracks.labels


def test_music_genre_of_an_imported_spotify_row_is_the_catalogue_label():
    music = MusicFactory(title="Some Song")
    MusicSourceFactory(
        music=music, platform=Platform.SPOTIFY, genres=["acoustic"], usage_count=None,
        raw={"raw_genres": ["acoustic"], "api": {"artist_genres": ["k-pop"]}},
    )  # fmt: skip
    MusicSourceFactory(
        music=MusicFactory(), platform=Platform.SPOTIFY, genres=["j-pop"], usage_count=None
    )

    features = music_features_set_genre(music_id=music.pk, genre="")

    assert (features.genre, features.genre_source) == ("folk-acoustic", GenreSource.CATALOGUE)


def test_music_genre_from_spotify_artist_genres_stored_by_the_api():
    music = MusicFactory(title="Some Song")
    MusicSourceFactory(
        music=music, platform=Platform.SPOTIFY, genres=["k-pop"], usage_count=None,
        raw={"api": {"artist_genres": ["k-pop"]}},
    )  # fmt: skip
    features = music_features_set_genre(music_id=music.pk, genre="")
    assert (features.genre, features.genre_source) == ("k-pop", GenreSource.SPOTIFY)
