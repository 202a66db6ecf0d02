"""Creators and their profile analysis as the API shows them.

The analysis is served grouped exactly as `AuthorMetrics.to_dict()` groups it (docs/metrics.md,
"API shape"), each field typed and described by its formula from `METRIC_FORMULAS`, so the
OpenAPI schema documents how every figure is computed; `formulas` repeats them in the body.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from authors.analysis import METRIC_FORMULAS, STATUS_LABELS, TIERS
from authors.models import Author, AuthorAnalysis, AuthorSource
from musicrec.core.models import AnalysisStatus

FRACTION = "Fraction: 0.0831 = 8.31 %."
PERCENT = "Percent: 7.5 = 7.5 %."


def _help(name: str, unit: str = "") -> str:
    formula = METRIC_FORMULAS[name]
    return " ".join(part for part in (formula[:1].upper() + formula[1:] + ".", unit) if part)


def _int(name: str, unit: str = "", *, nullable: bool = True) -> serializers.IntegerField:
    return serializers.IntegerField(allow_null=nullable, help_text=_help(name, unit))


def _float(name: str, unit: str = "") -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=_help(name, unit))


def _rate(name: str) -> serializers.FloatField:
    return _float(name, FRACTION)


def _weights(help_text: str) -> serializers.DictField:
    return serializers.DictField(child=serializers.FloatField(), help_text=help_text)


# --- the groups of AuthorMetrics.to_dict() ---------------------------------------------------


class AuthorAnalysisWindowSerializer(serializers.Serializer):
    video_limit = serializers.IntegerField(
        allow_null=True, help_text="At most this many latest videos (null: no limit)."
    )
    day_limit = serializers.IntegerField(
        allow_null=True, help_text="Only videos posted in this many days (null: no limit)."
    )
    videos_analysed = _int("videos_analysed", "Videos.", nullable=False)
    window_start = serializers.DateTimeField(
        allow_null=True, help_text="Where the posting-rate span begins."
    )
    window_start_basis = serializers.ChoiceField(
        choices=["day_limit", "oldest_video"],
        allow_null=True,
        help_text="day_limit: the day cut-off; oldest_video: the oldest analysed video.",
    )
    window_end = serializers.DateTimeField(help_text="The analysis time (now).")


class AuthorReachSerializer(serializers.Serializer):
    followers = _int("followers", "Followers.")
    following = _int("following", "Accounts.")
    likes_total = _int("likes_total", "Likes.")
    video_count = _int("video_count", "Videos.")
    tier = serializers.ChoiceField(
        choices=[name for name, _ in TIERS],
        allow_null=True,
        help_text=_help("tier"),
    )


class AuthorPerformanceSerializer(serializers.Serializer):
    videos_with_views = _int("videos_with_views", "Videos.", nullable=False)
    mean_views = _float("mean_views", "Views.")
    median_views = _float("median_views", "Views.")
    mean_likes = _float("mean_likes", "Likes.")
    median_likes = _float("median_likes", "Likes.")
    mean_comments = _float("mean_comments", "Comments.")
    median_comments = _float("median_comments", "Comments.")
    mean_shares = _float("mean_shares", "Shares.")
    median_shares = _float("median_shares", "Shares.")
    mean_saves = _float("mean_saves", "Saves.")
    median_saves = _float("median_saves", "Saves.")


class AuthorEngagementSerializer(serializers.Serializer):
    engagement_rate_by_views = _rate("engagement_rate_by_views")
    engagement_rate_by_followers = _rate("engagement_rate_by_followers")
    like_rate_by_views = _rate("like_rate_by_views")
    comment_rate_by_views = _rate("comment_rate_by_views")
    share_rate_by_views = _rate("share_rate_by_views")
    save_rate_by_views = _rate("save_rate_by_views")
    views_to_followers = _float("views_to_followers", "Ratio: 1.0 = as many views as followers.")
    mean_interactions_per_video = _float("mean_interactions_per_video", "Interactions.")


class AuthorCadenceSerializer(serializers.Serializer):
    videos_per_week = _float("videos_per_week", "Videos per week.")
    median_gap_days = _float("median_gap_days", "Days.")
    gap_cv = _float("gap_cv", "Ratio.")
    regularity = _float("regularity", "0-1.")
    viral_threshold_views = _float("viral_threshold_views", "Views.")
    viral_hits = _int("viral_hits", "Videos.")
    viral_hit_share = _rate("viral_hit_share")
    views_trend_log_slope_per_week = _float("views_trend_log_slope_per_week", "ln views per week.")
    views_trend_pct_per_week = _float("views_trend_pct_per_week", "Percent per week.")


class AuthorGrowthSerializer(serializers.Serializer):
    snapshot_count = _int("snapshot_count", "Snapshots.", nullable=False)
    growth_span_days = _float("growth_span_days", "Days.")
    followers_gained = _int("followers_gained", "Followers.")
    followers_gained_per_day = _float("followers_gained_per_day", "Followers per day.")
    followers_growth_pct = _float("followers_growth_pct", PERCENT)
    likes_gained = _int("likes_gained", "Likes.")
    likes_gained_per_day = _float("likes_gained_per_day", "Likes per day.")
    likes_growth_pct = _float("likes_growth_pct", PERCENT)


class AuthorHashtagSerializer(serializers.Serializer):
    tag = serializers.CharField(help_text="Lower-case, without '#'.")
    videos = serializers.IntegerField(help_text="Window videos using it.")
    share = serializers.FloatField(allow_null=True, help_text=f"Videos / window videos. {FRACTION}")


class AuthorCategorySerializer(serializers.Serializer):
    category = serializers.CharField()
    videos = serializers.IntegerField(help_text="Window videos with this label.")
    share = serializers.FloatField(
        allow_null=True, help_text=f"Confidence-weighted share. {FRACTION}"
    )
    mean_confidence = serializers.FloatField(allow_null=True, help_text="0-1.")


class AuthorContentSignalsSerializer(serializers.Serializer):
    top_hashtags = AuthorHashtagSerializer(many=True, help_text=_help("top_hashtags"))
    reach_tag_video_share = _rate("reach_tag_video_share")
    top_categories = AuthorCategorySerializer(many=True, help_text=_help("top_categories"))
    videos_with_category = _int("videos_with_category", "Videos.", nullable=False)


class AuthorTrackUseSerializer(serializers.Serializer):
    music_id = serializers.CharField(help_text="TikTok music id.")
    title = serializers.CharField(allow_blank=True)
    artist = serializers.CharField(allow_blank=True)
    videos = serializers.IntegerField()


class AuthorArtistUseSerializer(serializers.Serializer):
    artist = serializers.CharField()
    videos = serializers.IntegerField()


class AuthorAttributeLiftSerializer(serializers.Serializer):
    attribute = serializers.ChoiceField(choices=["tempo_band", "mood", "genre"])
    value = serializers.CharField()
    videos = serializers.IntegerField()
    median_engagement_rate = serializers.FloatField(allow_null=True, help_text=FRACTION)
    lift = serializers.FloatField(
        allow_null=True, help_text="Ratio to the creator's median: 1.25 = 25 % more engaging."
    )
    note = serializers.CharField(allow_null=True, help_text="Why lift is null.")


class AuthorMusicHabitsSerializer(serializers.Serializer):
    videos_with_music = _int("videos_with_music", "Videos.", nullable=False)
    original_sound_share = _rate("original_sound_share")
    catalogue_share = _rate("catalogue_share")
    top_tracks = AuthorTrackUseSerializer(many=True, help_text=_help("top_tracks"))
    top_artists = AuthorArtistUseSerializer(many=True, help_text=_help("top_artists"))
    videos_with_music_descriptor = _int("videos_with_music_descriptor", "Videos.", nullable=False)
    genre_mix = _weights(_help("genre_mix", "Fractions summing to 1."))
    mood_mix = _weights(_help("mood_mix", "Fractions summing to 1."))
    tempo_band_mix = _weights(_help("tempo_band_mix", "Fractions summing to 1."))
    attribute_lift = AuthorAttributeLiftSerializer(many=True, help_text=_help("attribute_lift"))


class AuthorContentProfileSerializer(serializers.Serializer):
    tempo_bpm = serializers.FloatField(allow_null=True, help_text="BPM, octave-aware blend.")
    energy = serializers.FloatField(allow_null=True, help_text="0-1.")
    valence = serializers.FloatField(allow_null=True, help_text="0-1, sad to happy.")
    arousal = serializers.FloatField(allow_null=True, help_text="0-1, calm to excited.")
    danceability = serializers.FloatField(allow_null=True, help_text="0-1.")
    genres = _weights("Genre weights over the taxonomy, summing to 1.")
    moods = _weights("Mood weights, summing to 1.")
    consistency = serializers.DictField(
        child=serializers.FloatField(allow_null=True), help_text=_help("consistency")
    )
    profile_videos = serializers.IntegerField(help_text="Videos that contributed evidence.")
    content_analyses = serializers.IntegerField(help_text="Video content analyses used.")
    music_descriptors = serializers.IntegerField(help_text="Music descriptors used.")


# --- the stored analysis --------------------------------------------------------------------


def _group(serializer: type[serializers.Serializer], name: str) -> serializers.Serializer:
    # allow_null: a row written before a group existed reads as null rather than failing
    return serializer(source=f"metrics.{name}", allow_null=True, read_only=True)


class AuthorAnalysisSerializer(serializers.ModelSerializer):
    """One creator's stored profile analysis: every metric, grouped as the analysis groups
    them, with the status, the notes on what is missing, and the formula of each figure."""

    author = serializers.IntegerField(source="author_id", read_only=True)
    author_name = serializers.CharField(source="author.name", read_only=True)
    status = serializers.ChoiceField(
        choices=AnalysisStatus.choices,
        read_only=True,
        help_text="ok: complete; partial: some figures only; empty: nothing to analyse.",
    )
    status_reason = serializers.ChoiceField(
        choices=list(STATUS_LABELS),
        source="metrics.status",
        read_only=True,
        allow_null=True,
        help_text="Why: ok, private_account, no_videos, no_recent_videos or no_views.",
    )
    status_label = serializers.CharField(
        source="metrics.status_label", read_only=True, allow_null=True
    )
    notes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Plain sentences: why a figure is empty, what was left out.",
    )
    window = _group(AuthorAnalysisWindowSerializer, "window")
    reach = _group(AuthorReachSerializer, "reach")
    performance = _group(AuthorPerformanceSerializer, "performance")
    engagement = _group(AuthorEngagementSerializer, "engagement")
    cadence = _group(AuthorCadenceSerializer, "cadence")
    growth = _group(AuthorGrowthSerializer, "growth")
    content = _group(AuthorContentSignalsSerializer, "content")
    music = _group(AuthorMusicHabitsSerializer, "music")
    content_profile = _group(AuthorContentProfileSerializer, "content_profile")
    formulas = serializers.SerializerMethodField()

    class Meta:
        model = AuthorAnalysis
        fields = [
            "author",
            "author_name",
            "status",
            "status_reason",
            "status_label",
            "version",
            "analyzed_at",
            "notes",
            "window",
            "reach",
            "performance",
            "engagement",
            "cadence",
            "growth",
            "content",
            "music",
            "content_profile",
            "formulas",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.DictField(
            child=serializers.CharField(), help_text="The formula behind each field, by name."
        )
    )
    def get_formulas(self, obj: AuthorAnalysis) -> dict[str, str]:
        return dict(METRIC_FORMULAS)


# --- creators -----------------------------------------------------------------------------


class AuthorSourceSerializer(serializers.ModelSerializer):
    # Plain strings: a blank is stored for "unknown", which a `uri` format would not allow.
    avatar_url = serializers.CharField(
        read_only=True, help_text="An http(s) URL, or empty when unknown."
    )
    profile_url = serializers.CharField(
        read_only=True, help_text="An http(s) URL, or empty when unknown."
    )

    class Meta:
        model = AuthorSource
        fields = [
            "platform",
            "external_id",
            "handle",
            "display_name",
            "bio",
            "avatar_url",
            "profile_url",
            "region",
            "verified",
            "is_private",
            "followers",
            "following",
            "likes_total",
            "video_count",
            "last_scraped_at",
        ]
        read_only_fields = fields


class AuthorSerializer(serializers.ModelSerializer):
    """A creator or artist on a list: TikTok reach and the stored analysis's key figures
    (null where there is no TikTok account or no analysis yet)."""

    handle = serializers.CharField(read_only=True, allow_null=True, help_text="TikTok @handle.")
    followers = serializers.IntegerField(read_only=True, allow_null=True)
    verified = serializers.BooleanField(read_only=True, allow_null=True)
    tier = serializers.CharField(read_only=True, allow_null=True, help_text=_help("tier"))
    engagement_rate_by_views = serializers.FloatField(
        read_only=True, allow_null=True, help_text=_help("engagement_rate_by_views", FRACTION)
    )
    videos_per_week = serializers.FloatField(
        read_only=True, allow_null=True, help_text=_help("videos_per_week", "Videos per week.")
    )
    top_category = serializers.CharField(
        read_only=True, allow_null=True, help_text="Main content category."
    )
    analysis_status = serializers.ChoiceField(
        choices=AnalysisStatus.choices, read_only=True, allow_null=True
    )
    analyzed_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Author
        fields = [
            "id",
            "name",
            "is_creator",
            "is_artist",
            "handle",
            "followers",
            "verified",
            "tier",
            "engagement_rate_by_views",
            "videos_per_week",
            "top_category",
            "analysis_status",
            "analyzed_at",
        ]
        read_only_fields = fields


class AuthorDetailSerializer(AuthorSerializer):
    sources = AuthorSourceSerializer(many=True, read_only=True)
    analysis = AuthorAnalysisSerializer(read_only=True, allow_null=True)

    class Meta(AuthorSerializer.Meta):
        fields = [*AuthorSerializer.Meta.fields, "created_at", "updated_at", "sources", "analysis"]
        read_only_fields = fields


class AuthorNotFoundSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What was not found, and what to do about it.")
