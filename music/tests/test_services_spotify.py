"""music.services.spotify against the recorded Spotify responses (the real adapter runs)."""

from __future__ import annotations

import logging
import re

import pytest
import responses

from music.models import Music, MusicFeatures, MusicSnapshot, MusicSource
from music.services.spotify import (
    music_enrich_many,
    music_match_spotify,
    spotify_client,
    spotify_track_match,
)
from music.tests.factories import MusicFactory, MusicFeaturesFactory, MusicSourceFactory
from musicrec.core.models import Platform
from musicrec.platforms.spotify import API_BASE
from musicrec.platforms.tests.spotify_fixtures import register_spotify_responses

pytestmark = pytest.mark.django_db

HEAT_WAVES_ID = "02MWAaffLxlfxAUY7c5dvx"
STAY_ID = "5PjdY0CKGZdEuoNab3yDmX"
LAROI_ID = "2tIP7SsRs7vjIcLrU85W8J"


def _api_calls(rsps: responses.RequestsMock) -> list[str]:
    return [call.request.url for call in rsps.calls if call.request.url.startswith(API_BASE)]


# --- finding the track (the adapter searches, music.matching scores) -----------------------------


def _match(**kwargs):
    return spotify_track_match(spotify_client(), **kwargs)


def test_spotify_track_match_by_isrc(fake_spotify):
    result = _match(title="Heat Waves", artist="Glass Animals", isrc="gbum7-20-00433")

    assert result is not None
    assert (result.method, result.confidence) == ("isrc", 1.0)
    assert result.track.spotify_id == HEAT_WAVES_ID
    assert "q=isrc%3AGBUM72000433" in _api_calls(fake_spotify)[0]


def test_spotify_track_match_searches_without_decoration_within_duration_tolerance(fake_spotify):
    album_cut = _match(
        title="Heat Waves (Radio Edit)", artist="Glass Animals feat. X", duration_s=240.0
    )
    feature = _match(title="Heat Waves", artist="Glass Animals", duration_s=186.0)

    assert album_cut is not None and album_cut.method == "search"
    assert album_cut.track.spotify_id == HEAT_WAVES_ID
    assert "q=track%3A%22Heat+Waves%22+artist%3A%22Glass+Animals%22" in _api_calls(fake_spotify)[0]
    # title 1.0, artist 1.0, |240 - 238.805| = 1.195 s of a 7.2 s tolerance (3 % of 240 s)
    assert album_cut.confidence == pytest.approx(0.5 + 0.3 + 0.2 * (1 - 1.195 / 7.2), abs=1e-4)
    assert feature is not None
    assert feature.track.title == "Heat Waves (feat. iann dior)"


def test_spotify_track_match_respects_version_tags(fake_spotify):
    sped_up = _match(title="Stay (Sped Up)", artist="The Kid LAROI", duration_s=121.0)
    original = _match(title="Stay", artist="The Kid LAROI & Justin Bieber", duration_s=143.0)

    assert sped_up is not None
    assert sped_up.track.title == "STAY (with Justin Bieber) - Sped Up"
    assert original is not None
    assert original.track.spotify_id == STAY_ID


def test_spotify_track_match_none_when_nothing_fits(fake_spotify):
    # 238.8 s is 11.2 s from 250 s, beyond max(3 s, 3 % of 250 s = 7.5 s)
    assert _match(title="Heat Waves", artist="Glass Animals", duration_s=250.0) is None
    assert _match(title="Nivel De Perreo", artist="J Balvin;Ryan Castro", duration_s=151.6) is None
    assert _match(title="", artist="J Balvin") is None


def test_spotify_track_match_falls_back_to_search_for_unknown_or_malformed_isrc(fake_spotify):
    unknown = _match(
        title="Heat Waves", artist="Glass Animals", duration_s=238.8, isrc="USXXX9999999"
    )
    malformed = _match(title="Heat Waves", artist="Glass Animals", isrc="not an isrc")

    assert unknown is not None and unknown.method == "search"
    assert malformed is not None and malformed.method == "search"
    assert sum("isrc%3A" in url for url in _api_calls(fake_spotify)) == 1  # nothing sent for junk


# --- storing the match -------------------------------------------------------------------------


def test_music_match_spotify_by_isrc(fake_spotify):
    music = MusicFactory(
        title="Heat Waves", artist_name="Glass Animals", isrc="GBUM72000433", album=""
    )

    source = music_match_spotify(music_id=music.pk)

    assert (source.platform, source.external_id) == (Platform.SPOTIFY, HEAT_WAVES_ID)
    assert source.music_id == music.pk
    assert source.url == f"https://open.spotify.com/track/{HEAT_WAVES_ID}"
    assert source.raw["api"]["match"] == {"method": "isrc", "confidence": 1.0}
    assert source.raw["api"]["isrc"] == "GBUM72000433"
    # Development Mode: no popularity and no artist genres, so none are stored.
    assert source.popularity is None and source.genres == []
    assert not MusicSnapshot.objects.exists()
    music.refresh_from_db()
    assert (music.album, music.release_date, music.explicit) == ("Dreamland", "2020-08-07", False)


def test_music_match_spotify_by_search_with_duration(fake_spotify):
    music = MusicFactory(
        title="Stay (feat. Justin Bieber)", artist_name="The Kid LAROI", duration_s=141.0
    )

    source = music_match_spotify(music_id=music.pk)

    assert source.external_id == STAY_ID  # not the sped-up edit, not Rihanna's "Stay"
    assert source.raw["api"]["match"]["method"] == "search"
    assert 0.8 < source.raw["api"]["match"]["confidence"] <= 1.0
    assert source.popularity == 86
    assert list(
        MusicSnapshot.objects.filter(source=source).values_list("popularity", flat=True)
    ) == [86]
    music.refresh_from_db()
    assert (music.isrc, music.explicit, music.album) == (
        "USSM12105970",
        True,
        "F*CK LOVE 3+: OVER YOU",
    )


def test_music_match_spotify_never_overwrites_known_values(fake_spotify):
    music = MusicFactory(
        title="Heat Waves", artist_name="Glass Animals", isrc="GBUM72000433", album="My album",
        release_date="2020", explicit=True,
    )  # fmt: skip
    music_match_spotify(music_id=music.pk)
    music.refresh_from_db()
    assert (music.album, music.release_date, music.explicit) == ("My album", "2020", True)


def test_music_match_spotify_merges_with_the_track_of_the_same_isrc(fake_spotify):
    catalogue = MusicFactory(title="STAY", artist_name="The Kid LAROI", isrc="USSM12105970")
    MusicFeaturesFactory(music=catalogue, tempo_bpm=170.0)
    sound = MusicFactory(title="Stay", artist_name="The Kid LAROI", duration_s=142.0)
    tiktok = MusicSourceFactory(music=sound)

    source = music_match_spotify(music_id=sound.pk)

    assert source.music_id == catalogue.pk
    assert not Music.objects.filter(pk=sound.pk).exists()
    tiktok.refresh_from_db()
    assert tiktok.music_id == catalogue.pk
    assert MusicFeatures.objects.get(music=catalogue).tempo_bpm == 170.0


def test_music_match_spotify_stores_artist_genres_when_returned(settings):
    settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET = "id", "secret"
    music = MusicFactory(title="Stay", artist_name="The Kid LAROI", duration_s=141.8)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        # An extended-quota app still gets artist genres; registered first, it wins.
        rsps.add(
            responses.GET,
            f"{API_BASE}artists/{LAROI_ID}",
            json={"id": LAROI_ID, "name": "The Kid LAROI", "genres": ["australian hip hop"]},
        )
        register_spotify_responses(rsps)
        source = music_match_spotify(music_id=music.pk)

    assert source.genres == ["australian hip hop"]
    features = MusicFeatures.objects.get(music=music)
    assert (features.genre, features.genre_source) == ("hip-hop", "spotify")


def test_music_match_spotify_skips_original_sounds_and_unknown_tracks(fake_spotify):
    original = MusicFactory(title="original sound - dancer", is_original_sound=True)
    unknown = MusicFactory(title="Nothing Like It", artist_name="Nobody")
    assert music_match_spotify(music_id=original.pk) is None
    assert music_match_spotify(music_id=unknown.pk) is None
    assert not MusicSource.objects.filter(platform=Platform.SPOTIFY).exists()


def test_music_match_spotify_refreshes_a_linked_track_by_id(fake_spotify):
    music = MusicFactory(title="Whatever the scrape said", artist_name="?")
    MusicSourceFactory(
        music=music, platform=Platform.SPOTIFY, external_id=HEAT_WAVES_ID, usage_count=None
    )
    source = music_match_spotify(music_id=music.pk)
    assert source.raw["api"]["match"]["method"] == "id"
    assert any(url.endswith(f"tracks/{HEAT_WAVES_ID}") for url in _api_calls(fake_spotify))


def test_music_enrich_many_second_run_makes_no_request(fake_spotify):
    tracks = [
        MusicFactory(title="Heat Waves", artist_name="Glass Animals", isrc="GBUM72000433"),
        MusicFactory(title="Stay", artist_name="The Kid LAROI", duration_s=141.8),
        MusicFactory(title="Nothing Like It", artist_name="Nobody"),
    ]
    ids = [t.pk for t in tracks]

    first = music_enrich_many(music_ids=ids)
    calls = len(fake_spotify.calls)
    second = music_enrich_many(music_ids=ids)

    assert (first.done, first.skipped, first.failed) == (2, 1, 0)
    assert (second.done, second.skipped, second.failed) == (2, 1, 0)
    assert calls > 0
    assert len(fake_spotify.calls) == calls  # everything came from Django's cache


def test_music_enrich_many_is_skipped_without_credentials(settings, caplog):
    settings.SPOTIFY_CLIENT_ID = ""
    tracks = [MusicFactory(), MusicFactory()]
    with responses.RequestsMock() as rsps, caplog.at_level(logging.INFO):
        summary = music_enrich_many(music_ids=[t.pk for t in tracks])
        assert len(rsps.calls) == 0
    assert (summary.done, summary.skipped, summary.failed) == (0, 2, 0)
    lines = [r.getMessage() for r in caplog.records if "Spotify" in r.getMessage()]
    assert lines == ["Spotify enrichment disabled: SPOTIFY_CLIENT_ID is not set"]
    assert music_match_spotify(music_id=tracks[0].pk) is None


def test_music_enrich_many_records_a_failure_and_goes_on(settings):
    settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET = "id", "secret"
    broken = MusicFactory(title="Heat Waves", artist_name="Glass Animals")
    fine = MusicFactory(title="Stay", artist_name="The Kid LAROI", duration_s=141.8)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(
            responses.GET,
            re.compile(re.escape(API_BASE) + r"search.*Heat"),
            status=400,
            json={"error": {"status": 400, "message": "Bad search"}},
        )
        register_spotify_responses(rsps)
        summary = music_enrich_many(music_ids=[broken.pk, fine.pk])

    assert (summary.done, summary.failed) == (1, 1)
    assert summary.problems[0].startswith(f"music {broken.pk}: Spotify search failed (400)")
    assert MusicSource.objects.get(platform=Platform.SPOTIFY).music_id == fine.pk


def test_music_enrich_many_stops_on_rejected_credentials(settings):
    settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET = "id", "wrong"
    tracks = [MusicFactory(title="Heat Waves", artist_name="Glass Animals") for _ in range(3)]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(
            responses.POST,
            "https://accounts.spotify.com/api/token",
            status=400,
            json={"error": "invalid_client", "error_description": "Invalid client"},
        )
        summary = music_enrich_many(music_ids=[t.pk for t in tracks])
    assert summary.failed == 3
    assert len(summary.problems) == 1 and "rejected the client credentials" in summary.problems[0]


def test_music_match_spotify_joins_a_sound_to_the_imported_catalogue_track(fake_spotify):
    catalogue = MusicFactory(title="Heat Waves", artist_name="Glass Animals")
    imported = MusicSourceFactory(
        music=catalogue, platform=Platform.SPOTIFY, external_id=HEAT_WAVES_ID, popularity=88,
        usage_count=None, genres=["indie-pop"],
        raw={"track_id": HEAT_WAVES_ID, "raw_genres": ["indie-pop"]},
    )  # fmt: skip
    MusicFeaturesFactory(music=catalogue, genre="indie", genres={"indie": 1.0})
    sound = MusicFactory(title="Heat Waves", artist_name="Glass Animals", duration_s=238.0)
    tiktok = MusicSourceFactory(music=sound)

    source = music_match_spotify(music_id=sound.pk)

    assert source.pk == imported.pk and source.music_id == catalogue.pk
    assert not Music.objects.filter(pk=sound.pk).exists()
    tiktok.refresh_from_db()
    assert tiktok.music_id == catalogue.pk
    # The import's data stays: its track genre, popularity and raw row; the API's sits beside.
    assert source.genres == ["indie-pop"] and source.popularity == 88
    assert source.raw["raw_genres"] == ["indie-pop"]
    assert source.raw["api"]["match"]["method"] == "search"
    features = MusicFeatures.objects.get(music=catalogue)
    assert (features.genre, features.genre_source) == ("indie", "catalogue")
