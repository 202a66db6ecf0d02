"""The shared vocabulary's genre mapping."""

from __future__ import annotations

import pytest

from musicrec.core.descriptors import GENRE_KEYS, genre_from_spotify


@pytest.mark.parametrize("key", GENRE_KEYS)
def test_genre_from_spotify_keeps_taxonomy_keys_as_they_are(key):
    assert genre_from_spotify(key) == key
    assert genre_from_spotify(f" {key.upper()} ") == key


@pytest.mark.parametrize(
    ("name", "genre"),
    [("r-n-b", "rnb"), ("deep-house", "electronic"), ("dutch hip hop", "hip-hop"), ("", None)],
)
def test_genre_from_spotify_folds_spotify_genres_onto_the_taxonomy(name, genre):
    assert genre_from_spotify(name) == genre
