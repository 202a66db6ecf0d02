"""Every writer of what the recommender caches bumps the explicit data version, so the next
recommendation sees the change, including the changes a fingerprint of the data would miss (a
title fixed to one of the same length, two tracks swapping genre labels)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from music.catalogue_csv import parse_spotify_tracks_csv
from music.services.catalogue_import import catalogue_import
from music.services.features import music_analyze
from music.services.genre import music_features_set_genre
from music.services.merge import music_merge
from music.services.trends import music_trends_refresh
from musicrec.core.versions import CATALOGUE, USAGE, data_changed, data_versions
from musicrec.ingest import scrape_store
from musicrec.platforms.tiktok import parse_scrape
from musicrec.tests.scrapes import apify_dataset
from recommendations.catalogue_source import cache_stats, engine_data
from recommendations.tests.db_catalogue import make_catalogue, make_creator
from videos.models import Video

pytestmark = pytest.mark.django_db

HEADER = (
    "track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,"
    "energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,"
    "tempo,time_signature,track_genre\n"
)
ROW = "0123456789abcdefABCDEF,New Artist,Album,Brand New,60,200000,False,0.7,0.8,1,-5,1,0.05,0.1,0,0.1,0.6,120,4,pop\n"  # noqa: E501


@pytest.fixture
def catalogue():
    return make_catalogue(per_kind=2)


def arrays_rebuilt_after(change) -> bool:
    """Whether the next request builds new catalogue arrays after `change()`."""
    first = engine_data()
    before = cache_stats()["catalogue"]
    change()
    again = engine_data()
    return again.arrays is not first.arrays and cache_stats()["catalogue"] == before + 1


def test_reading_the_versions_is_one_query(catalogue, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert set(data_versions([CATALOGUE, USAGE])) == {CATALOGUE, USAGE}
    engine_data()
    with django_assert_num_queries(1):  # the catalogue version, nothing rebuilt
        engine_data()


def test_nothing_changed_nothing_rebuilt(catalogue):
    assert not arrays_rebuilt_after(lambda: None)


def test_a_catalogue_import_is_seen(catalogue):
    def load() -> None:
        catalogue_import(rows=list(parse_spotify_tracks_csv(io.StringIO(HEADER + ROW))))

    assert arrays_rebuilt_after(load)
    assert "Brand New" in engine_data().arrays.titles


def test_a_merge_is_seen_by_the_catalogue_and_the_usage(catalogue):
    keep, gone = catalogue.tracks["edm"]
    make_creator("luna", "edm", used=[gone])
    usage = engine_data().crowd()
    assert arrays_rebuilt_after(lambda: music_merge(keep=keep, duplicate=gone))
    assert engine_data().arrays.row_of(gone.pk) is None
    assert engine_data().crowd() is not usage


def test_an_analysis_is_seen(catalogue):
    track = catalogue.tracks["acoustic"][0]
    assert arrays_rebuilt_after(lambda: music_analyze(music_id=track.pk, force=True))


def test_two_tracks_swapping_genres_are_seen(catalogue):
    """Every count and length stays the same: only an explicit version catches it."""
    a, b = catalogue.tracks["dance-pop"][0], catalogue.tracks["acoustic"][0]

    def swap() -> None:
        music_features_set_genre(music_id=a.pk, genre="folk-acoustic")
        music_features_set_genre(music_id=b.pk, genre="pop")

    assert arrays_rebuilt_after(swap)
    arrays = engine_data().arrays
    assert arrays.top_genre[arrays.row_of(a.pk)] != arrays.top_genre[arrays.row_of(b.pk)]


def test_a_trend_refresh_is_seen(catalogue):
    assert arrays_rebuilt_after(lambda: music_trends_refresh())


def test_a_scrape_is_seen_by_the_catalogue_and_the_usage(catalogue):
    usage = engine_data().crowd()
    result = parse_scrape(apify_dataset(authors=1, videos_per_author=3))
    assert arrays_rebuilt_after(lambda: scrape_store(result=result))
    assert engine_data().crowd() is not usage


def test_a_same_length_title_fix_in_the_admin_reaches_the_next_recommendation(
    catalogue, client, staff_user
):
    track = catalogue.tracks["dance-pop"][0]
    fixed = track.title.upper() if track.title != track.title.upper() else track.title.lower()
    assert len(fixed) == len(track.title)
    before = engine_data()
    client.force_login(staff_user)
    url = reverse("admin:music_music_change", args=[track.pk])
    page = client.get(url)
    data = {}
    for name in page.context["adminform"].form.fields:
        value = page.context["adminform"].form[name].value()
        if value is not None:
            data[name] = value
    data["title"] = fixed
    for formset in page.context["inline_admin_formsets"]:
        forms = formset.formset
        for field in forms.management_form:
            data[f"{forms.prefix}-{field.name}"] = field.value()
        for inline in forms.forms:
            for field in inline:
                if field.value() is not None:
                    data[field.html_name] = field.value()
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    after = engine_data()
    assert after.arrays is not before.arrays
    assert after.arrays.titles[after.arrays.row_of(track.pk)] == fixed


def test_deleting_a_video_in_the_admin_is_seen_by_the_usage(catalogue, client, staff_user):
    make_creator("luna", "edm", used=catalogue.tracks["edm"][:1])
    usage = engine_data().crowd()
    assert usage.usage.size == 1
    client.force_login(staff_user)
    video = Video.objects.get()
    response = client.post(reverse("admin:videos_video_delete", args=[video.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert engine_data().crowd().usage.size == 0


def test_a_bump_survives_a_missing_counter_row():
    from musicrec.core.models import DataVersion

    DataVersion.objects.all().delete()  # what a flush between transactional tests leaves
    data_changed(CATALOGUE)
    assert data_versions([CATALOGUE, USAGE]) == {CATALOGUE: 1, USAGE: 0}


def test_a_reset_database_is_not_served_the_old_arrays(catalogue):
    """A database reset or restored from a backup counts again from a lower number; arrays a
    process built for that number from other data must not be served for it."""
    from musicrec.core.models import DataVersion

    before = engine_data()
    number = data_versions([CATALOGUE])[CATALOGUE]
    DataVersion.objects.all().delete()
    catalogue_import(rows=list(parse_spotify_tracks_csv(io.StringIO(HEADER + ROW))))
    DataVersion.objects.filter(name=CATALOGUE).update(number=number)  # the same number again

    after = engine_data(fresh=True)
    assert after.catalogue_version != before.catalogue_version
    assert after.arrays is not before.arrays
    assert "Brand New" in after.arrays.titles
