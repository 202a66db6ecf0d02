from __future__ import annotations

from rest_framework import serializers

from musicrec.core.models import Job


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
