"""Music: one Music per recording, its platform sources, usage over time and audio features."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from musicrec.core.models import AnalysisStatus, Platform


class MusicQuerySet(models.QuerySet):
    def catalogue(self) -> MusicQuerySet:
        """Tracks that can be recommended: everything but creators' original sounds."""
        return self.filter(is_original_sound=False)


class Music(models.Model):
    title = models.CharField(max_length=512)
    artist = models.ForeignKey(
        "authors.Author",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="music",
        help_text="The credited artist, or the creator for an original sound.",
    )
    artist_name = models.CharField(max_length=512, blank=True, help_text="As credited.")
    album = models.CharField(max_length=512, blank=True)
    isrc = models.CharField(max_length=12, blank=True, help_text="ISO 3901 recording code.")
    duration_s = models.FloatField(null=True, blank=True, help_text="Seconds.")
    release_date = models.CharField(max_length=10, blank=True, help_text="YYYY, YYYY-MM or date.")
    explicit = models.BooleanField(null=True, blank=True)
    is_original_sound = models.BooleanField(
        default=False, help_text="A creator's own sound, not a released track."
    )
    commercial_ok = models.BooleanField(
        null=True,
        blank=True,
        help_text=(
            "Cleared for business use (as in TikTok's Commercial Music Library); blank = unknown."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MusicQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "music"
        indexes = [
            models.Index(fields=["isrc"]),
            models.Index(fields=["is_original_sound", "title"]),
            models.Index(fields=["artist_name"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.artist_name}" if self.artist_name else self.title


class MusicSource(models.Model):
    """A recording on one platform: TikTok sound, Spotify track, catalogue row..."""

    music = models.ForeignKey(Music, on_delete=models.CASCADE, related_name="sources")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    external_id = models.CharField(max_length=64)
    url = models.URLField(max_length=512, blank=True)
    audio_url = models.TextField(blank=True, help_text="Audio file URL or path; CDN URLs expire.")
    cover_url = models.TextField(blank=True)
    popularity = models.SmallIntegerField(
        null=True, blank=True, help_text="Spotify popularity 0-100, when the API returns it."
    )
    usage_count = models.BigIntegerField(
        null=True, blank=True, help_text="Videos using the sound (TikTok)."
    )
    genres = models.JSONField(default=list, blank=True, help_text="Platform genre strings.")
    raw = models.JSONField(default=dict, blank=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], name="musicsource_unique_platform_id"
            ),
            models.CheckConstraint(
                condition=Q(popularity__gte=0, popularity__lte=100) | Q(popularity__isnull=True),
                name="musicsource_popularity_0_100",
            ),
        ]
        indexes = [models.Index(fields=["music", "platform"])]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.external_id}"


class MusicSnapshot(models.Model):
    """Usage and popularity of a source at one time: the history trends are computed from."""

    source = models.ForeignKey(MusicSource, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField()
    popularity = models.SmallIntegerField(null=True, blank=True, help_text="0-100.")
    usage_count = models.BigIntegerField(null=True, blank=True, help_text="Videos using it.")
    chart_rank = models.PositiveIntegerField(null=True, blank=True, help_text="1 = top.")

    class Meta:
        ordering = ["source", "taken_at"]
        indexes = [models.Index(fields=["source", "taken_at"])]

    def __str__(self) -> str:
        return f"{self.source} @ {self.taken_at:%Y-%m-%d}"


class MusicFeatures(models.Model):
    """What a track sounds like, where each figure came from, and its popularity and trend."""

    class FeatureSource(models.TextChoices):
        AUDIO = "audio", "Computed from the audio"
        CATALOGUE = "catalogue", "Imported catalogue"
        NONE = "none", "Not available"

    class GenreSource(models.TextChoices):
        CATALOGUE = "catalogue", "Catalogue label"
        SPOTIFY = "spotify", "Spotify artist genres"
        CURATOR = "curator", "Set by a curator"
        NEIGHBOURS = "neighbours", "Nearest labelled tracks"
        KEYWORDS = "keywords", "Title/artist/album keywords"
        NONE = "none", "Unknown"

    music = models.OneToOneField(Music, on_delete=models.CASCADE, related_name="features")
    status = models.CharField(
        max_length=16, choices=AnalysisStatus.choices, default=AnalysisStatus.OK
    )
    feature_source = models.CharField(
        max_length=16, choices=FeatureSource.choices, default=FeatureSource.NONE
    )
    version = models.CharField(max_length=16, blank=True)
    analyzed_at = models.DateTimeField(null=True, blank=True)
    tempo_bpm = models.FloatField(null=True, blank=True, help_text="BPM.")
    tempo_confidence = models.FloatField(null=True, blank=True, help_text="0-1.")
    key = models.CharField(max_length=2, blank=True, help_text="Tonic, e.g. 'F#'.")
    mode = models.CharField(max_length=5, blank=True, help_text="major or minor.")
    loudness_lufs = models.FloatField(null=True, blank=True, help_text="Integrated LUFS.")
    energy = models.FloatField(null=True, blank=True, help_text="0-1.")
    danceability = models.FloatField(null=True, blank=True, help_text="0-1.")
    valence = models.FloatField(null=True, blank=True, help_text="0-1, sad to happy.")
    arousal = models.FloatField(null=True, blank=True, help_text="0-1, calm to excited.")
    acousticness = models.FloatField(null=True, blank=True, help_text="0-1.")
    speechiness = models.FloatField(null=True, blank=True, help_text="0-1.")
    genre = models.CharField(max_length=32, blank=True, help_text="Top genre in the taxonomy.")
    genre_source = models.CharField(
        max_length=16, choices=GenreSource.choices, default=GenreSource.NONE
    )
    genre_confidence = models.FloatField(null=True, blank=True, help_text="0-1.")
    genres = models.JSONField(default=dict, blank=True, help_text="Weights over the taxonomy.")
    top_mood = models.CharField(max_length=16, blank=True)
    moods = models.JSONField(default=dict, blank=True, help_text="Weights over the moods.")
    popularity_percentile = models.FloatField(
        null=True, blank=True, help_text="0-1 within the catalogue."
    )
    usage_growth_7d = models.FloatField(null=True, blank=True, help_text="ln ratio over 7 days.")
    usage_growth_28d = models.FloatField(null=True, blank=True, help_text="ln ratio, 28 days.")
    trend_acceleration = models.FloatField(null=True, blank=True)
    early_trend = models.BooleanField(default=False, help_text="Rising elsewhere, rare on TikTok.")
    detail = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "music features"
        indexes = [
            models.Index(fields=["genre"]),
            models.Index(fields=["top_mood"]),
            models.Index(fields=["tempo_bpm"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"Features of {self.music}"
