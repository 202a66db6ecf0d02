"""Videos: one Video per post, its platform sources, stats over time and the music it uses."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from musicrec.core.models import AnalysisStatus, Platform


class Video(models.Model):
    author = models.ForeignKey("authors.Author", on_delete=models.CASCADE, related_name="videos")
    caption = models.TextField(blank=True)
    hashtags = models.JSONField(default=list, blank=True, help_text="Lower-case, without '#'.")
    duration_s = models.FloatField(null=True, blank=True, help_text="Seconds.")
    posted_at = models.DateTimeField(null=True, blank=True)
    music = models.ManyToManyField(
        "music.Music", through="VideoMusic", related_name="videos", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-posted_at"]
        indexes = [models.Index(fields=["author", "-posted_at"])]

    def __str__(self) -> str:
        caption = (self.caption or "").strip()
        return caption[:60] or f"Video {self.pk}"


class VideoSource(models.Model):
    """A Video's post on one platform, with the latest counts."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="sources")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    external_id = models.CharField(max_length=64)
    url = models.URLField(max_length=512, blank=True, help_text="Stable public page URL.")
    media_url = models.TextField(
        blank=True, help_text="Video file URL or path; signed CDN URLs expire."
    )
    cover_url = models.TextField(blank=True)
    views = models.BigIntegerField(null=True, blank=True)
    likes = models.BigIntegerField(null=True, blank=True)
    comments = models.BigIntegerField(null=True, blank=True)
    shares = models.BigIntegerField(null=True, blank=True)
    saves = models.BigIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True, help_text="Pixels.")
    height = models.PositiveIntegerField(null=True, blank=True, help_text="Pixels.")
    is_ad = models.BooleanField(default=False)
    is_pinned = models.BooleanField(default=False)
    is_slideshow = models.BooleanField(default=False)
    language = models.CharField(max_length=16, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_scraped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], name="videosource_unique_platform_id"
            ),
            models.CheckConstraint(
                condition=Q(views__gte=0) | Q(views__isnull=True), name="videosource_views_gte_0"
            ),
        ]
        indexes = [models.Index(fields=["-views"])]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.external_id}"


class VideoSnapshot(models.Model):
    source = models.ForeignKey(VideoSource, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField()
    views = models.BigIntegerField(null=True, blank=True)
    likes = models.BigIntegerField(null=True, blank=True)
    comments = models.BigIntegerField(null=True, blank=True)
    shares = models.BigIntegerField(null=True, blank=True)
    saves = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["source", "taken_at"]
        indexes = [models.Index(fields=["source", "taken_at"])]

    def __str__(self) -> str:
        return f"{self.source} @ {self.taken_at:%Y-%m-%d %H:%M}"


class VideoMusic(models.Model):
    """A track used in a video (a video may use several: a sound plus a remix, say)."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="music_links")
    music = models.ForeignKey("music.Music", on_delete=models.CASCADE, related_name="video_links")
    is_primary = models.BooleanField(default=True, help_text="The video's main sound.")
    source = models.ForeignKey(
        "music.MusicSource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="video_links",
        help_text="The platform sound the scrape named, so a wrong join or merge can be "
        "split off with the videos that used it.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["video", "music"], name="videomusic_unique_pair"),
        ]
        indexes = [models.Index(fields=["music", "video"])]

    def __str__(self) -> str:
        return f"{self.video} ♪ {self.music}"


class VideoContentAnalysis(models.Model):
    """What the video itself shows and sounds like, in the shared descriptor vocabulary."""

    video = models.OneToOneField(Video, on_delete=models.CASCADE, related_name="content_analysis")
    status = models.CharField(
        max_length=16, choices=AnalysisStatus.choices, default=AnalysisStatus.OK
    )
    version = models.CharField(max_length=16)
    analyzed_at = models.DateTimeField()
    category = models.CharField(max_length=32, blank=True, help_text="Content category.")
    category_source = models.CharField(max_length=32, blank=True)
    category_confidence = models.FloatField(null=True, blank=True, help_text="0-1.")
    tempo_bpm = models.FloatField(null=True, blank=True, help_text="BPM.")
    tempo_source = models.CharField(max_length=32, blank=True)
    energy = models.FloatField(null=True, blank=True, help_text="0-1.")
    valence = models.FloatField(null=True, blank=True, help_text="0-1, sad to happy.")
    arousal = models.FloatField(null=True, blank=True, help_text="0-1, calm to excited.")
    danceability = models.FloatField(null=True, blank=True, help_text="0-1.")
    top_mood = models.CharField(max_length=16, blank=True)
    motion = models.FloatField(null=True, blank=True, help_text="Mean abs frame difference, 0-1.")
    cuts_per_min = models.FloatField(null=True, blank=True, help_text="Hard cuts per minute.")
    visual_pace = models.FloatField(null=True, blank=True, help_text="0-1.")
    brightness = models.FloatField(null=True, blank=True, help_text="0-1.")
    saturation = models.FloatField(null=True, blank=True, help_text="0-1.")
    colourfulness = models.FloatField(null=True, blank=True, help_text="Hasler-Süsstrunk M.")
    speech_ratio = models.FloatField(
        null=True, blank=True, help_text="Share of the soundtrack that is speech, 0-1."
    )
    detail = models.JSONField(default=dict, blank=True, help_text="Every output with evidence.")
    error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "video content analyses"
        indexes = [models.Index(fields=["category"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Content of {self.video}"
