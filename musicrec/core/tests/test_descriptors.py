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


def test_genre_label_is_the_one_display_name_of_a_genre() -> None:
    from musicrec.core.descriptors import genre_label
    from musicrec.core.templatetags.display import SHARED_FILTERS
    from recommendations import reasons

    assert genre_label("hip-hop") == "Hip-hop / rap"
    assert genre_label("sea shanty") == "sea shanty"
    assert genre_label(None) == ""
    # Pages and reasons name genres through the same function.
    assert SHARED_FILTERS["genre_label"] is genre_label
    assert reasons.genre_label is genre_label
