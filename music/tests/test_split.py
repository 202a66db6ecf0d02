"""Splitting a wrongly joined or merged source off its track, with the videos it brought."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import make_user
from music.models import Music, MusicSource
from music.services.merge import music_merge
from music.services.split import music_split_source
from music.tests.factories import MusicFactory, MusicFeaturesFactory, MusicSourceFactory
from musicrec.core.models import Platform
from musicrec.ingest import scrape_store
from musicrec.platforms.tiktok import parse_scrape
from musicrec.tests.scrapes import apify_dataset
from recommendations.catalogue_source import engine_data
from videos.models import VideoMusic
from videos.tests.factories import VideoFactory, VideoMusicFactory

pytestmark = pytest.mark.django_db

SOUND_ID = "7250000000000000000"


def wrongly_joined(videos: int = 3) -> tuple[Music, MusicSource]:
    """A catalogue track and a TikTok sound of the same title the ingest joined to it, although
    it is another song (a cover with the singer's name in TikTok's artist field)."""
    catalogue = MusicSourceFactory(
        platform=Platform.SPOTIFY, music__title="Memories", music__artist_name="Maroon 5"
    )
    MusicFeaturesFactory(music=catalogue.music, genre="pop")
    items = apify_dataset(authors=1, videos_per_author=videos, sounds=1, seed=8)
    for item in items:
        item["musicMeta"] = {
            "musicId": SOUND_ID,
            "musicName": "Memories",
            "musicAuthor": "Maroon 5",
            "musicOriginal": False,
        }
    scrape_store(result=parse_scrape(items))
    sound = MusicSource.objects.get(platform=Platform.TIKTOK, external_id=SOUND_ID)
    assert sound.music_id == catalogue.music_id  # joined by title and artist
    sound.raw = {**sound.raw, "musicName": "Memories (cover)", "musicAuthor": "Lan Anh"}
    sound.save(update_fields=["raw"])
    return catalogue.music, sound


def test_split_makes_the_source_a_track_with_its_videos():
    track, sound = wrongly_joined(videos=3)
    assert VideoMusic.objects.filter(music=track, source=sound).count() == 3
    before = engine_data()

    new = music_split_source(source_id=sound.pk)

    assert (new.title, new.artist_name) == ("Memories (cover)", "Lan Anh")
    sound.refresh_from_db()
    assert sound.music_id == new.pk
    assert VideoMusic.objects.filter(music=new).count() == 3
    assert not VideoMusic.objects.filter(music=track).exists()
    # The catalogue track keeps its Spotify source and its features.
    assert list(track.sources.values_list("platform", flat=True)) == [Platform.SPOTIFY]
    assert track.features.genre == "pop"
    # The next recommendation sees two tracks where there was one.
    after = engine_data()
    assert after.arrays is not before.arrays
    assert {track.pk, new.pk} <= set(after.arrays.music_ids.tolist())


def test_a_later_scrape_keeps_the_split():
    track, sound = wrongly_joined(videos=2)
    new = music_split_source(source_id=sound.pk)
    items = apify_dataset(authors=1, videos_per_author=2, sounds=1, seed=8)
    for item in items:
        item["musicMeta"] = {
            "musicId": SOUND_ID,
            "musicName": "Memories",
            "musicAuthor": "Maroon 5",
        }
    scrape_store(result=parse_scrape(items))
    assert MusicSource.objects.get(external_id=SOUND_ID).music_id == new.pk
    assert VideoMusic.objects.filter(music=new).count() == 2
    assert not VideoMusic.objects.filter(music=track).exists()


def test_split_undoes_a_wrong_merge():
    keep, other = MusicFactory(title="Heat Waves"), MusicFactory(title="Heatwave")
    keep_sound = MusicSourceFactory(music=keep)
    other_sound = MusicSourceFactory(music=other)
    for _ in range(2):
        VideoMusicFactory(video=VideoFactory(), music=other, source=other_sound)
    music_merge(keep=keep, duplicate=other)
    assert VideoMusic.objects.filter(music=keep).count() == 2

    split = music_split_source(source_id=other_sound.pk)

    assert VideoMusic.objects.filter(music=split).count() == 2
    assert not VideoMusic.objects.filter(music=keep).exists()
    assert list(keep.sources.all()) == [keep_sound]


def test_the_only_source_cannot_be_split_and_nothing_is_written():
    only = MusicSourceFactory()
    with pytest.raises(ValidationError, match="only source"):
        music_split_source(source_id=only.pk)
    assert Music.objects.count() == 1


def test_the_migration_names_the_source_where_the_track_has_one_tiktok_sound():
    from importlib import import_module

    link_sources = import_module("videos.migrations.0002_videomusic_source").link_sources
    track, sound = wrongly_joined(videos=2)
    merged = MusicFactory()
    MusicSourceFactory(music=merged)
    MusicSourceFactory(music=merged)  # two TikTok sounds: which one a video used is unknown
    video = VideoMusic.objects.filter(music=track).first().video
    VideoMusic.objects.create(video=video, music=merged, is_primary=False)
    VideoMusic.objects.update(source=None)

    link_sources(apps, None)

    assert set(VideoMusic.objects.filter(music=track).values_list("source", flat=True)) == {
        sound.pk
    }
    assert VideoMusic.objects.get(music=merged).source_id is None


def test_curator_splits_from_the_admin(client, django_user_model):
    track, sound = wrongly_joined(videos=2)
    client.force_login(make_user(django_user_model, "cura", "curator"))

    page = client.get(reverse("admin:music_music_change", args=[track.pk]))
    url = reverse("admin:music_musicsource_split", args=[sound.pk])
    assert url in page.content.decode()

    confirm = client.get(url)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Memories (cover)" in text and "Videos that move</th><td>2" in text

    done = client.post(url)
    new = MusicSource.objects.get(pk=sound.pk).music
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:music_music_change", args=[new.pk])
    assert new.title == "Memories (cover)"


def test_a_marketer_cannot_split(client, django_user_model):
    _, sound = wrongly_joined(videos=1)
    client.force_login(make_user(django_user_model, "mark", "marketer"))
    response = client.post(reverse("admin:music_musicsource_split", args=[sound.pk]))
    assert response.status_code in (302, 403)
    assert MusicSource.objects.get(pk=sound.pk).music.title == "Memories"


def test_splitting_the_only_source_from_the_admin_explains_why_not(client, django_user_model):
    only = MusicSourceFactory()
    client.force_login(make_user(django_user_model, "cura", "curator"))
    response = client.post(reverse("admin:music_musicsource_split", args=[only.pk]), follow=True)
    assert "only source" in response.content.decode()
    assert Music.objects.count() == 1
