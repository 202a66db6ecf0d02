import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, OuterRef, Q, Subquery


def link_sources(apps, schema_editor):
    """Links stored before this migration name no source. Where the track has one TikTok
    source, that is the sound the scrape named; a track with several (a merge) stays unknown."""
    VideoMusic = apps.get_model("videos", "VideoMusic")
    MusicSource = apps.get_model("music", "MusicSource")
    Music = apps.get_model("music", "Music")
    single = Music.objects.annotate(
        tiktok=Count("sources", filter=Q(sources__platform="tiktok"))
    ).filter(tiktok=1)
    sound = MusicSource.objects.filter(music=OuterRef("music"), platform="tiktok").values("pk")
    VideoMusic.objects.filter(source__isnull=True, music__in=single.values("pk")).update(
        source=Subquery(sound[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("music", "0001_initial"),
        ("videos", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="videomusic",
            name="source",
            field=models.ForeignKey(
                blank=True,
                help_text="The platform sound the scrape named, so a wrong join or merge can be "
                "split off with the videos that used it.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="video_links",
                to="music.musicsource",
            ),
        ),
        migrations.RunPython(link_sources, migrations.RunPython.noop),
    ]
