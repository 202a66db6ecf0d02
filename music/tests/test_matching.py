"""Same-recording rules used for merging Music rows and for Spotify matching."""

from __future__ import annotations

import pytest

from music.matching import (
    Recording,
    artists_match,
    best_match,
    durations_match,
    match_score,
    normalise_artist,
    normalise_isrc,
    normalise_title,
    same_recording,
    split_artists,
    strip_title_noise,
    titles_match,
    version_tags,
)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("STAY (with Justin Bieber)", "stay"),
        ("Blinding Lights - Radio Edit", "blinding lights"),
        ("Rock & Roll - Remastered 2011", "rock and roll"),
        ("Señorita", "senorita"),
        ("Levitating (feat. DaBaby) [Remix]", "levitating"),
        ("Beyoncé Song Feat. Someone", "beyonce song"),
        ("(I Can’t Get No) Satisfaction", "i cant get no satisfaction"),
        ("Kamikadze wróć!", "kamikadze wroc"),
        ("Nivel De Perreo", "nivel de perreo"),
        ("Dynamite - Part 2", "dynamite part 2"),
    ],
)
def test_normalise_title_drops_decoration_only(title: str, expected: str) -> None:
    assert normalise_title(title) == expected


def test_version_tags_name_different_recordings() -> None:
    assert version_tags("Heat Waves (Slowed + Reverb)") == {"slowed"}
    assert version_tags("STAY - Sped Up") == {"sped up"}
    assert version_tags("Levitating (feat. DaBaby) [Remix]") == {"remix"}
    assert version_tags("Creep (Live at Glastonbury)") == {"live"}
    assert version_tags("Blinding Lights - Radio Edit") == frozenset()
    assert version_tags("Live Your Life") == frozenset()  # "live" in the name is not a tag


def test_strip_title_noise_keeps_original_spelling() -> None:
    assert strip_title_noise("Señorita (feat. X) - Remastered") == "Señorita"
    assert strip_title_noise("(Remix)") == "(Remix)"  # never strip a title to nothing


def test_artist_credits_split_and_normalise() -> None:
    assert split_artists("The Kid LAROI, Justin Bieber") == ["The Kid LAROI", "Justin Bieber"]
    assert split_artists("J Balvin;Ryan Castro") == ["J Balvin", "Ryan Castro"]
    assert split_artists("Beyoncé Feat. JAY-Z") == ["Beyoncé", "JAY-Z"]
    assert split_artists("Sam x Alex") == ["Sam", "Alex"]
    assert split_artists("Lil Nas X") == ["Lil Nas X"]
    assert normalise_artist("The Weeknd") == "weeknd"
    assert normalise_artist("Beyoncé & JAY-Z") == "beyonce"
    assert normalise_artist("Guns N' Roses") == "guns n roses"


def test_titles_and_artists_similarity() -> None:
    assert titles_match("Heat Waves", "HEAT WAVES - Remastered 2021") == 1.0
    assert titles_match("Heat Waves", "") == 0.0
    # "as it was" (9 chars) vs "as it is" (8): "as it " and "s" match, 2 x 7 / 17
    assert titles_match("As It Was", "As It Is") == pytest.approx(14 / 17)
    assert artists_match("Glass Animals", "glass animals & iann dior") == 1.0
    assert artists_match("Rihanna", "Glass Animals") < 0.5


def test_durations_match_tolerance() -> None:
    assert durations_match(60.0, 63.0)  # 3 s, the floor for short clips
    assert not durations_match(60.0, 63.5)  # 3 % of 63.5 s is only 1.9 s, so 3 s applies
    assert durations_match(300.0, 308.9)  # 3 % of 308.9 s = 9.27 s
    assert not durations_match(300.0, 310.0)
    assert durations_match(None, 200.0)


def test_durations_match_uses_larger_of_absolute_and_relative() -> None:
    # 3 % of 183.5 s = 5.5 s > 3 s, so 3.5 s apart is still the same recording
    assert durations_match(180.0, 183.5) is True


def test_match_score_formula() -> None:
    score = match_score(
        Recording("Heat Waves", "Glass Animals", 240.0),
        Recording("Heat Waves", "Glass Animals", 238.805),
    )
    # 0.5 title + 0.3 artist + 0.2 x (1 - 1.195 / 7.2)
    assert score == pytest.approx(0.9668, abs=1e-4)
    no_duration = match_score(
        Recording("Heat Waves", "Glass Animals"), Recording("Heat Waves", "Glass Animals", 238.8)
    )
    assert no_duration == pytest.approx(0.9)


def test_same_recording_rules() -> None:
    stay = ("STAY (with Justin Bieber)", "The Kid LAROI, Justin Bieber", 141.8)

    assert same_recording(stay, ("Stay", "The Kid LAROI", 143.0))
    assert not same_recording(stay, ("Stay (Sped Up)", "The Kid LAROI", 141.0))
    assert not same_recording(stay, ("Stay", "Rihanna", 141.8))
    assert not same_recording(stay, ("Stay", "The Kid LAROI", 160.0))
    assert same_recording(stay, ("stay", "the kid laroi", None))


def test_normalise_isrc() -> None:
    assert normalise_isrc("us-um7-20-00658") == "USUM72000658"
    assert normalise_isrc(" GBUM72000433 ") == "GBUM72000433"
    assert normalise_isrc("not an isrc") is None
    assert normalise_isrc(None) is None


def test_best_match_takes_the_best_score_and_the_first_of_equals() -> None:
    query = Recording("Heat Waves", "Glass Animals", 240.0)
    candidates = [
        Recording("Heat Waves (Sped Up)", "Glass Animals", 240.0),  # another version
        Recording("Heat Waves", "Glass Animals", 230.0),  # rejected: 10 s off
        Recording("Heat Waves", "Glass Animals", 238.0),
        Recording("Heat Waves", "Glass Animals", 238.0),
    ]

    index, score = best_match(query, candidates)

    assert index == 2 and score == match_score(query, candidates[2])
    assert best_match(query, candidates[:2]) is None
    assert best_match(query, []) is None
