"""Recommendation runs, their ranked items and marketers' feedback on them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RecommendationRun(models.Model):
    """One call of the engine: its target, the weights used and what it returned."""

    class TargetKind(models.TextChoices):
        AUTHOR = "author", "Creator profile"
        VIDEO = "video", "One video"
        BRIEF = "brief", "Brief"
        SEEDS = "seeds", "Seed tracks/artists/genres"

    author = models.ForeignKey(
        "authors.Author",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="recommendation_runs",
    )
    video = models.ForeignKey(
        "videos.Video", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_kind = models.CharField(max_length=16, choices=TargetKind.choices)
    brief = models.JSONField(default=dict, blank=True)
    params = models.JSONField(default=dict, blank=True, help_text="Filters and limits asked for.")
    weights = models.JSONField(default=dict, help_text="Component weights used.")
    engine_version = models.CharField(max_length=16)
    catalogue_version = models.CharField(max_length=64, blank=True)
    notices = models.JSONField(default=list, blank=True)
    duration_ms = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["author", "-created_at"])]

    def __str__(self) -> str:
        return f"Run {self.pk} for {self.author or self.get_target_kind_display()}"


class RecommendationItem(models.Model):
    run = models.ForeignKey(RecommendationRun, on_delete=models.CASCADE, related_name="items")
    rank = models.PositiveSmallIntegerField(help_text="1 = best.")
    # PROTECT: a recommended track stays in the run's history; curators merge, not delete.
    music = models.ForeignKey(
        "music.Music", on_delete=models.PROTECT, related_name="recommendation_items"
    )
    score = models.FloatField(help_text="Weighted sum of the components, 0-1.")
    components = models.JSONField(default=dict, help_text="Component scores, each 0-1.")
    reasons = models.JSONField(default=list, help_text="Plain-language reasons.")

    class Meta:
        ordering = ["run", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["run", "rank"], name="recitem_unique_rank"),
            models.UniqueConstraint(fields=["run", "music"], name="recitem_unique_music"),
        ]

    def __str__(self) -> str:
        return f"#{self.rank} {self.music}"


class Feedback(models.Model):
    """A marketer's verdict on a track for an author: rejected tracks never come back."""

    class Verdict(models.TextChoices):
        KEEP = "keep", "Keep"
        REJECT = "reject", "Reject"

    author = models.ForeignKey(
        "authors.Author", on_delete=models.CASCADE, related_name="music_feedback"
    )
    music = models.ForeignKey("music.Music", on_delete=models.CASCADE, related_name="feedback")
    item = models.ForeignKey(
        RecommendationItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name_plural = "feedback"
        constraints = [
            models.UniqueConstraint(
                fields=["author", "music"], name="feedback_unique_author_music"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}: {self.music} for {self.author}"
