"""Creators and artists: one Author per person, one AuthorSource per platform account."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from musicrec.core.models import AnalysisStatus, Platform


class Author(models.Model):
    """A canonical person or act: a creator who posts videos, an artist who makes music, or both."""

    name = models.CharField(max_length=255, help_text="Display name shown across the product.")
    is_creator = models.BooleanField(default=False, help_text="Posts videos on a platform.")
    is_artist = models.BooleanField(default=False, help_text="Credited on music in the catalogue.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["is_creator", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("authors:detail", args=[self.pk])


class AuthorSource(models.Model):
    """An Author's account on one platform, with the latest counts a scrape reported."""

    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="sources")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    external_id = models.CharField(
        max_length=64, help_text="The platform's id, kept as a string (TikTok ids exceed 2^53)."
    )
    handle = models.CharField(max_length=128, blank=True, help_text="@handle without the @.")
    sec_uid = models.CharField(max_length=255, blank=True)
    display_name = models.CharField(max_length=255, blank=True)
    bio = models.TextField(blank=True)
    avatar_url = models.URLField(max_length=2048, blank=True)
    profile_url = models.URLField(max_length=512, blank=True)
    region = models.CharField(max_length=8, blank=True)
    verified = models.BooleanField(default=False)
    is_private = models.BooleanField(default=False)
    followers = models.BigIntegerField(null=True, blank=True)
    following = models.BigIntegerField(null=True, blank=True)
    likes_total = models.BigIntegerField(
        null=True, blank=True, help_text="Likes received over all videos (TikTok 'heart')."
    )
    video_count = models.BigIntegerField(null=True, blank=True)
    likes_given = models.BigIntegerField(null=True, blank=True, help_text="TikTok 'digg'.")
    raw = models.JSONField(default=dict, blank=True, help_text="The profile as scraped.")
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_scraped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["platform", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], name="authorsource_unique_platform_id"
            ),
            models.CheckConstraint(
                condition=Q(followers__gte=0) | Q(followers__isnull=True),
                name="authorsource_followers_gte_0",
            ),
        ]
        indexes = [
            models.Index(fields=["platform", "handle"]),
            models.Index(fields=["-followers"]),
        ]

    def __str__(self) -> str:
        return (
            f"@{self.handle} ({self.get_platform_display()})" if self.handle else self.external_id
        )


class AuthorSnapshot(models.Model):
    """The counts of one account at one time; two or more give growth."""

    source = models.ForeignKey(AuthorSource, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField(help_text="When the scrape saw these counts.")
    followers = models.BigIntegerField(null=True, blank=True)
    following = models.BigIntegerField(null=True, blank=True)
    likes_total = models.BigIntegerField(null=True, blank=True)
    video_count = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["source", "taken_at"]
        indexes = [models.Index(fields=["source", "taken_at"])]

    def __str__(self) -> str:
        return f"{self.source} @ {self.taken_at:%Y-%m-%d %H:%M}"


class AuthorAnalysis(models.Model):
    """The profile analysis of one creator: the figures a marketer judges them by.

    Typed columns hold what lists sort and filter by; `metrics` holds the full result
    (per-video performance, cadence, hashtags, music habits, lifts) as the API shows it.
    """

    author = models.OneToOneField(Author, on_delete=models.CASCADE, related_name="analysis")
    status = models.CharField(
        max_length=16, choices=AnalysisStatus.choices, default=AnalysisStatus.OK
    )
    version = models.CharField(max_length=16, help_text="Analysis code version that wrote this.")
    analyzed_at = models.DateTimeField()
    tier = models.CharField(max_length=8, blank=True, help_text="nano/micro/mid/macro/mega.")
    followers = models.BigIntegerField(null=True, blank=True)
    videos_analysed = models.PositiveIntegerField(
        default=0, help_text="Videos in the window: the latest N posted in the last D days."
    )
    median_views = models.FloatField(null=True, blank=True)
    engagement_rate_by_views = models.FloatField(
        null=True,
        blank=True,
        help_text="Median over videos of (likes+comments+shares+saves)/views, 0-1.",
    )
    engagement_rate_by_followers = models.FloatField(
        null=True, blank=True, help_text="Mean interactions per video / followers, 0-1+."
    )
    videos_per_week = models.FloatField(null=True, blank=True, help_text="Videos per week.")
    viral_hit_share = models.FloatField(
        null=True, blank=True, help_text="Share of videos with views over 3x the median, 0-1."
    )
    followers_gained_per_day = models.FloatField(
        null=True, blank=True, help_text="Followers per day between the first and last snapshot."
    )
    original_sound_share = models.FloatField(null=True, blank=True, help_text="0-1.")
    top_category = models.CharField(max_length=32, blank=True)
    profile_tempo_bpm = models.FloatField(null=True, blank=True, help_text="BPM.")
    profile_energy = models.FloatField(null=True, blank=True, help_text="0-1.")
    profile_valence = models.FloatField(null=True, blank=True, help_text="0-1, sad to happy.")
    profile_arousal = models.FloatField(null=True, blank=True, help_text="0-1, calm to excited.")
    profile_danceability = models.FloatField(null=True, blank=True, help_text="0-1.")
    metrics = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True, help_text="Why figures are missing.")

    class Meta:
        verbose_name_plural = "author analyses"
        indexes = [
            models.Index(fields=["tier"]),
            models.Index(fields=["-engagement_rate_by_views"]),
            models.Index(fields=["top_category"]),
        ]

    def __str__(self) -> str:
        return f"Analysis of {self.author}"
