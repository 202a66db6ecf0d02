"""Music API shapes: a list row, the full track with sources, history, features and trend."""

from __future__ import annotations

from rest_framework import serializers

from music.models import Music, MusicFeatures, MusicSnapshot, MusicSource


class MusicFeaturesBriefSerializer(serializers.ModelSerializer):
    """What a list row shows of a track's features."""

    class Meta:
        model = MusicFeatures
        fields = [
            "status",
            "feature_source",
            "tempo_bpm",
            "key",
            "mode",
            "energy",
            "danceability",
            "valence",
            "genre",
            "genre_source",
            "genre_confidence",
            "top_mood",
            "popularity_percentile",
            "early_trend",
        ]
        read_only_fields = fields


class MusicFeaturesSerializer(serializers.ModelSerializer):
    """Every stored feature with where it came from: `feature_source` for the measured values,
    `genre_source` and `genre_confidence` for the genre, `status`/`error` for the last analysis.
    """

    class Meta:
        model = MusicFeatures
        fields = [
            "status",
            "error",
            "feature_source",
            "version",
            "analyzed_at",
            "tempo_bpm",
            "tempo_confidence",
            "key",
            "mode",
            "loudness_lufs",
            "energy",
            "danceability",
            "valence",
            "arousal",
            "acousticness",
            "speechiness",
            "genre",
            "genre_source",
            "genre_confidence",
            "genres",
            "top_mood",
            "moods",
            "detail",
        ]
        read_only_fields = fields


class MusicTrendSerializer(serializers.Serializer):
    """Popularity and trend figures; each is null when there is too little history."""

    popularity_percentile = serializers.FloatField(
        allow_null=True, help_text="0-1 within the catalogue (Spotify popularity, else TikTok use)."
    )
    usage_growth_7d = serializers.FloatField(allow_null=True, help_text="ln ratio of TikTok use.")
    usage_growth_28d = serializers.FloatField(allow_null=True, help_text="ln ratio of TikTok use.")
    trend_acceleration = serializers.FloatField(
        allow_null=True, help_text="growth_7d - growth_28d / 4: positive when speeding up."
    )
    early_trend = serializers.BooleanField(help_text="Rising on Spotify while rare on TikTok.")
    early_trend_reason = serializers.CharField(
        source="detail.trend.early_trend_reason", allow_null=True, default=None
    )
    tiktok_usage = serializers.IntegerField(
        source="detail.trend.tiktok_usage", allow_null=True, default=None
    )
    tiktok_usage_percentile = serializers.FloatField(
        source="detail.trend.tiktok_usage_percentile", allow_null=True, default=None
    )
    spotify_popularity = serializers.FloatField(
        source="detail.trend.spotify_popularity", allow_null=True, default=None
    )
    pct_7d = serializers.FloatField(
        source="detail.trend.pct_7d", allow_null=True, default=None, help_text="Percent, 7 days."
    )


class MusicSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = MusicSnapshot
        fields = ["taken_at", "popularity", "usage_count", "chart_rank"]
        read_only_fields = fields


class MusicSourceSerializer(serializers.ModelSerializer):
    """A platform's record of the track; signed media URLs are not exposed (they expire)."""

    snapshots = MusicSnapshotSerializer(many=True, read_only=True, help_text="Newest first.")
    # A plain string: a blank is stored for "unknown", which a `uri` format would not allow.
    url = serializers.CharField(read_only=True, help_text="An http(s) URL, or empty when unknown.")

    class Meta:
        model = MusicSource
        fields = [
            "platform",
            "external_id",
            "url",
            "popularity",
            "usage_count",
            "genres",
            "first_seen_at",
            "last_seen_at",
            "snapshots",
        ]
        read_only_fields = fields


class MusicArtistSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MusicSerializer(serializers.ModelSerializer):
    """One track in a list."""

    features = MusicFeaturesBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Music
        fields = [
            "id",
            "title",
            "artist_name",
            "album",
            "isrc",
            "duration_s",
            "release_date",
            "explicit",
            "is_original_sound",
            "commercial_ok",
            "features",
        ]
        read_only_fields = fields


class MusicDetailSerializer(serializers.ModelSerializer):
    artist = MusicArtistSerializer(read_only=True, allow_null=True)
    features = MusicFeaturesSerializer(read_only=True, allow_null=True)
    trend = MusicTrendSerializer(source="features", read_only=True, allow_null=True)
    sources = MusicSourceSerializer(many=True, read_only=True)

    class Meta:
        model = Music
        fields = [
            "id",
            "title",
            "artist_name",
            "artist",
            "album",
            "isrc",
            "duration_s",
            "release_date",
            "explicit",
            "is_original_sound",
            "commercial_ok",
            "created_at",
            "updated_at",
            "features",
            "trend",
            "sources",
        ]
        read_only_fields = fields


class MusicAnalyzeRequestSerializer(serializers.Serializer):
    force = serializers.BooleanField(
        default=True, help_text="Analyse again even if current features exist (default true)."
    )


class MusicErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What was not found, and what to do about it.")
