"""The locally served Spotify-compatible recommendations: seeds, min/max/target, pool sizes."""

from __future__ import annotations

import pytest

from recommendations.catalogue import CatalogueArrays
from recommendations.spotify_compat import (
    available_genre_seeds,
    parse_tunables,
    recommend_like_spotify,
)

from .helpers import track


@pytest.fixture
def arrays() -> CatalogueArrays:
    return CatalogueArrays.build(
        [
            track(1, genres={"pop": 1.0}, tempo_bpm=100.0, energy=0.9, spotify_popularity=80.0),
            track(2, genres={"pop": 1.0}, tempo_bpm=118.0, energy=0.6, spotify_popularity=50.0),
            track(3, genres={"pop": 1.0}, tempo_bpm=124.0, energy=0.3, spotify_popularity=90.0),
            track(4, genres={"pop": 1.0, "rock": 0.5}, tempo_bpm=140.0, energy=0.7),
            track(5, genres={"rock": 1.0}, tempo_bpm=121.0, energy=0.8, spotify_popularity=70.0),
            track(6, genres={"rock": 1.0}, tempo_bpm=None, energy=None, spotify_popularity=10.0),
            track(7, genres={"electronic": 1.0}, tempo_bpm=126.0, energy=0.85, artist_id=70),
            track(8, genres={"electronic": 1.0}, tempo_bpm=128.0, energy=0.8, artist_id=70),
            track(9, genres={"classical": 1.0}, tempo_bpm=70.0, energy=0.1, valence=0.2),
        ]
    )


def ids(result) -> list[int]:
    return [t.music_id for t in result.tracks]


def test_recommend_like_spotify_genre_seed_reports_pool_sizes(arrays):
    result = recommend_like_spotify(arrays, seed_genres=["pop"], min_energy=0.5)
    seed = result.seeds[0]
    assert (seed.id, seed.type) == ("pop", "GENRE")
    assert seed.initialPoolSize == 4
    assert seed.afterFilteringSize == 3
    assert seed.afterRelinkingSize == 3
    assert sorted(ids(result)) == [1, 2, 4]


def test_recommend_like_spotify_min_and_max_are_hard_filters(arrays):
    result = recommend_like_spotify(
        arrays, seed_genres=["pop", "rock"], min_tempo=110, max_tempo=130, max_energy=0.8
    )
    assert sorted(ids(result)) == [2, 3, 5]
    for t in result.tracks:
        assert 110 <= t.attributes["tempo"] <= 130
        assert t.attributes["energy"] <= 0.8


def test_recommend_like_spotify_unknown_values_fail_a_filter(arrays):
    result = recommend_like_spotify(arrays, seed_genres=["rock"], min_popularity=0)
    assert 6 in ids(result) and 4 not in ids(result)
    assert 6 not in ids(recommend_like_spotify(arrays, seed_genres=["rock"], min_tempo=1))


def test_recommend_like_spotify_target_ranks_by_closeness(arrays):
    result = recommend_like_spotify(arrays, seed_genres=["pop", "rock"], target_tempo=120)
    assert ids(result)[:4] == [5, 2, 3, 1]
    assert result.tracks[0].score == pytest.approx(0.99)


def test_recommend_like_spotify_without_targets_ranks_by_seed_affinity_then_popularity(arrays):
    result = recommend_like_spotify(arrays, seed_genres=["pop"])
    assert ids(result) == [3, 1, 2, 4]


def test_recommend_like_spotify_maps_spotify_genre_names(arrays):
    result = recommend_like_spotify(arrays, seed_genres=["deep-house"])
    assert sorted(ids(result)) == [7, 8]
    assert result.seeds[0].id == "deep-house"
    assert "deep-house" in available_genre_seeds() and "pop" in available_genre_seeds()


def test_recommend_like_spotify_track_seed_finds_alike_tracks_but_not_itself(arrays):
    result = recommend_like_spotify(arrays, seed_tracks=[7])
    assert 7 not in ids(result)
    assert ids(result)[0] == 8
    assert 9 not in ids(result)
    assert result.seeds[0].initialPoolSize == len(result.tracks)


def test_recommend_like_spotify_artist_seed_includes_the_artists_tracks(arrays):
    result = recommend_like_spotify(arrays, seed_artists=[70])
    assert {7, 8} <= set(ids(result))
    assert result.seeds[0].type == "ARTIST"
    by_name = recommend_like_spotify(arrays, seed_artists=["Artist 9"])
    assert by_name.seeds[0].initialPoolSize >= 1


def test_recommend_like_spotify_pools_per_seed_and_limit(arrays):
    result = recommend_like_spotify(
        arrays, seed_genres=["pop", "electronic"], seed_tracks=[9], limit=2
    )
    assert [s.type for s in result.seeds] == ["TRACK", "GENRE", "GENRE"]
    assert [s.initialPoolSize for s in result.seeds[1:]] == [4, 2]
    assert len(result.tracks) == 2


def test_recommend_like_spotify_answer_has_spotifys_shape(arrays):
    body = recommend_like_spotify(arrays, seed_genres=["rock"], limit=1).as_dict()
    assert set(body) == {"tracks", "seeds"}
    assert set(body["seeds"][0]) == {
        "id",
        "type",
        "href",
        "initialPoolSize",
        "afterFilteringSize",
        "afterRelinkingSize",
    }
    first = body["tracks"][0]
    assert first["id"] == "5" and first["artists"] == [{"name": "Artist 5"}]
    assert first["tempo"] == 121.0 and first["popularity"] == 70.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "at least one seed"),
        ({"seed_genres": ["pop"] * 3, "seed_tracks": [1, 2, 3]}, "at most 5 seeds in total, got 6"),
        ({"seed_tracks": [999]}, "unknown seed track 999"),
        ({"seed_artists": [12345]}, "unknown seed artist 12345"),
        ({"seed_genres": ["polka-core"]}, "unknown seed genre 'polka-core'"),
        ({"seed_genres": ["pop"], "limit": 101}, "limit must be between 1 and 100"),
        ({"seed_genres": ["pop"], "min_loudness": -5}, "unknown tunable 'min_loudness'"),
        ({"seed_genres": ["pop"], "target_energy": 1.5}, "'target_energy' must be between 0 and 1"),
        ({"seed_genres": ["pop"], "min_tempo": 130, "max_tempo": 120}, "min_tempo 130 is above"),
    ],
)
def test_recommend_like_spotify_rejects_bad_requests(arrays, kwargs, message):
    with pytest.raises(ValueError, match=message):
        recommend_like_spotify(arrays, **kwargs)


def test_parse_tunables_splits_min_max_target():
    parsed = parse_tunables({"min_energy": 0.2, "max_popularity": 80, "target_tempo": 120})
    assert parsed == {
        "min": {"energy": 0.2},
        "max": {"popularity": 80.0},
        "target": {"tempo": 120.0},
    }
