from __future__ import annotations

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from musicrec.core.models import Job

# A TikTok handle, "@" optional: letters, digits, "_" and "." (musicrec.platforms.scrapers).
HANDLE_PATTERN = r"^@?\.*[A-Za-z0-9_][A-Za-z0-9_.]*$"


class JobSerializer(serializers.ModelSerializer):
    duration_s = serializers.FloatField(read_only=True, allow_null=True)
    is_finished = serializers.BooleanField(read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "progress",
            "message",
            "target_type",
            "target_id",
            "target_label",
            "counts",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "duration_s",
            "is_finished",
        ]
        read_only_fields = fields


@extend_schema_field(
    {
        "oneOf": [
            {"type": "object"},
            {"type": "array"},
            {"type": "string", "minLength": 1},
        ]
    }
)
class ScrapeField(serializers.JSONField):
    """A decoded scrape (an object or a list), or the text of a creators CSV."""


class AnalyzeTiktokSerializer(serializers.Serializer):
    """Analyse one influencer: give a handle to fetch, or a scrape result you already have."""

    # Exactly one of the two (validate() below says the same to a client that sends both).
    schema_rules = {"minProperties": 1, "maxProperties": 1, "additionalProperties": False}

    handle = serializers.CharField(
        required=False,
        max_length=64,
        validators=[RegexValidator(HANDLE_PATTERN, "not a TikTok handle")],
        help_text="TikTok handle, with or without '@'; fetched from the configured scraper.",
    )
    scrape = ScrapeField(
        required=False,
        help_text=(
            "A scrape result: TikTok web JSON (userInfo / itemList), an Apify tiktok-scraper "
            "dataset (nested or dotted keys), a tiktok-scraper collector file, or the text of a "
            "creators CSV (one row per video) as a string."
        ),
    )

    def validate(self, attrs: dict) -> dict:
        given = [name for name in ("handle", "scrape") if attrs.get(name) not in (None, "")]
        if len(given) != 1:
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        "Give exactly one of 'handle' or 'scrape' (or upload a file)."
                    ]
                }
            )
        return attrs


class AnalyzeTiktokUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A scrape result file (JSON, or a creators CSV), up to SCRAPE_MAX_BYTES."
    )


class AnalyzeTiktokAcceptedSerializer(serializers.Serializer):
    job = JobSerializer()
    status_url = serializers.CharField(help_text="Poll this until the job `is_finished`.")


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
