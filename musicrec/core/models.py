"""Cross-cutting tables: platform choices and the Job progress record workers write."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from musicrec.core.roles import JOB_PERMISSIONS


class Platform(models.TextChoices):
    TIKTOK = "tiktok", "TikTok"
    SPOTIFY = "spotify", "Spotify"
    YOUTUBE = "youtube", "YouTube"
    INSTAGRAM = "instagram", "Instagram"
    APPLE_MUSIC = "apple_music", "Apple Music"
    CATALOGUE = "catalogue", "Imported catalogue"


class AnalysisStatus(models.TextChoices):
    """Status shared by the per-entity analysis tables."""

    OK = "ok", "Complete"
    PARTIAL = "partial", "Partial"
    EMPTY = "empty", "Nothing to analyse"
    UNAVAILABLE = "unavailable", "Media unavailable"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """One unit of background work as the dashboard and API show it while workers run."""

    class Kind(models.TextChoices):
        ANALYZE_INFLUENCER = "analyze_influencer", "Analyse a creator"  # as the dashboard says
        IMPORT_SCRAPE = "import_scrape", "Import scrape"
        MUSIC_FEATURES = "music_features", "Music features"
        VIDEO_ANALYSIS = "video_analysis", "Video content analysis"
        AUTHOR_ANALYSIS = "author_analysis", "Profile analysis"
        CATALOGUE_IMPORT = "catalogue_import", "Catalogue import"
        SPOTIFY_MATCH = "spotify_match", "Spotify matching"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        PARTIAL = "partial", "Finished with problems"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    target_type = models.CharField(
        max_length=32, blank=True, help_text="What the job works on, e.g. 'author' or 'handle'."
    )
    target_id = models.CharField(max_length=128, blank=True)
    target_label = models.CharField(max_length=255, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0-100.")
    message = models.CharField(max_length=255, blank=True, help_text="The current step.")
    counts = models.JSONField(default=dict, blank=True, help_text="Rows created/updated, etc.")
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True, help_text="django-q2 task id.")
    task = models.JSONField(
        default=dict,
        blank=True,
        help_text="What was queued (function and arguments), so a failed job can be retried.",
    )
    retry_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="retries",
        help_text="The failed job this one retries.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_lte_100"),
        ]
        # Team actions that belong to no single model (musicrec.core.roles hands them out).
        permissions = JOB_PERMISSIONS

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target_label or self.target_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.PARTIAL, self.Status.FAILED}

    @property
    def can_retry(self) -> bool:
        """Failed, and what was queued is known (a scrape sent with the request is not kept)."""
        return self.status == self.Status.FAILED and bool((self.task or {}).get("func"))

    @property
    def duration_s(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class DataVersion(models.Model):
    """A counter per kind of data that per-process caches are built from.

    Every service that writes such data bumps its counter in the same transaction
    (`musicrec.core.versions.data_changed`), so a cache keyed by the counter can never serve
    arrays older than what is committed, whatever changed (a same-length title, swapped genre
    weights): an explicit version, where fingerprints of the data could miss a change.
    """

    CATALOGUE = "catalogue"  # everything the recommender's catalogue arrays read
    USAGE = "usage"  # who used which track, when, with which words (the crowd components)

    name = models.CharField(max_length=32, unique=True)
    number = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"
