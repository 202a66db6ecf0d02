"""Videos as the API shows them: list rows, one video with its posts, sound and content analysis.

Every value is read from rows the selectors already loaded (annotations, select_related,
prefetch); nothing here queries.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from musicrec.core.descriptors import CATEGORIES, MOODS
from musicrec.core.models import AnalysisStatus
from musicrec.core.relations import related_or_none
from videos.models import Video, VideoContentAnalysis, VideoMusic, VideoSource
from videos.selectors import COUNTS

ENGAGEMENT_HELP = (
    "(likes + comments + shares + saves) / views of the post; a fraction, 0.0831 = 8.31 %. "
    "Null without views or without any interaction count."
)


class VideoAuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class VideoCategorySerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=list(CATEGORIES.items()), help_text="Category key.")
    label = serializers.CharField(help_text="Readable name.")
    source = serializers.CharField(
        help_text="Where it was read: caption, hashtags, sticker (joined with ' + ')."
    )
    confidence = serializers.FloatField(allow_null=True, help_text="0-1.")


def _category(analysis: VideoContentAnalysis | None) -> dict | None:
    if analysis is None or not analysis.category:
        return None
    return {
        "value": analysis.category,
        "label": CATEGORIES.get(analysis.category, analysis.category),
        "source": analysis.category_source,
        "confidence": analysis.category_confidence,
    }


class VideoSerializer(serializers.ModelSerializer):
    """A list row: the video, its post's latest counts and the key figures of its analysis."""

    author = VideoAuthorSerializer()
    url = serializers.CharField(source="post_url", allow_null=True, help_text="Public page.")
    views = serializers.IntegerField(allow_null=True, help_text="Latest count on the post.")
    likes = serializers.IntegerField(allow_null=True)
    comments = serializers.IntegerField(allow_null=True)
    shares = serializers.IntegerField(allow_null=True)
    saves = serializers.IntegerField(allow_null=True)
    engagement_rate = serializers.FloatField(
        source="engagement", allow_null=True, help_text=ENGAGEMENT_HELP
    )
    category = serializers.SerializerMethodField()
    top_mood = serializers.SerializerMethodField()
    tempo_bpm = serializers.SerializerMethodField()
    analysis_status = serializers.SerializerMethodField()

    class Meta:
        model = Video
        fields = [
            "id",
            "author",
            "caption",
            "hashtags",
            "posted_at",
            "duration_s",
            "url",
            "views",
            "likes",
            "comments",
            "shares",
            "saves",
            "engagement_rate",
            "category",
            "top_mood",
            "tempo_bpm",
            "analysis_status",
        ]

    @extend_schema_field(VideoCategorySerializer(allow_null=True))
    def get_category(self, video: Video) -> dict | None:
        return _category(related_or_none(video, "content_analysis"))

    @extend_schema_field(
        serializers.ChoiceField(choices=list(MOODS.items()), allow_null=True, help_text="Top mood.")
    )
    def get_top_mood(self, video: Video) -> str | None:
        analysis = related_or_none(video, "content_analysis")
        return (analysis.top_mood or None) if analysis else None

    @extend_schema_field(serializers.FloatField(allow_null=True, help_text="BPM."))
    def get_tempo_bpm(self, video: Video) -> float | None:
        analysis = related_or_none(video, "content_analysis")
        return analysis.tempo_bpm if analysis else None

    @extend_schema_field(
        serializers.ChoiceField(
            choices=AnalysisStatus.choices,
            allow_null=True,
            help_text="Content analysis status; null when not analysed yet.",
        )
    )
    def get_analysis_status(self, video: Video) -> str | None:
        analysis = related_or_none(video, "content_analysis")
        return analysis.status if analysis else None


class VideoPostSerializer(serializers.ModelSerializer):
    """One post of the video on a platform, with its latest counts."""

    # A plain string: a blank is stored for "unknown", which a `uri` format would not allow.
    url = serializers.CharField(read_only=True, help_text="An http(s) URL, or empty when unknown.")

    class Meta:
        model = VideoSource
        fields = [
            "platform",
            "external_id",
            "url",
            "views",
            "likes",
            "comments",
            "shares",
            "saves",
            "is_ad",
            "is_pinned",
            "is_slideshow",
            "language",
            "first_seen_at",
            "last_scraped_at",
        ]


class VideoStatsSerializer(serializers.Serializer):
    views = serializers.IntegerField(allow_null=True)
    likes = serializers.IntegerField(allow_null=True)
    comments = serializers.IntegerField(allow_null=True)
    shares = serializers.IntegerField(allow_null=True)
    saves = serializers.IntegerField(allow_null=True)
    engagement_rate = serializers.FloatField(allow_null=True, help_text=ENGAGEMENT_HELP)
    as_of = serializers.DateTimeField(allow_null=True, help_text="When the post was last scraped.")


class VideoMusicUsedSerializer(serializers.ModelSerializer):
    """A track the video uses, with the genre and tempo the music analysis stored for it."""

    music_id = serializers.IntegerField(source="music.id")
    title = serializers.CharField(source="music.title")
    artist = serializers.CharField(source="music.artist_name")
    is_original_sound = serializers.BooleanField(source="music.is_original_sound")
    genre = serializers.SerializerMethodField()
    tempo_bpm = serializers.SerializerMethodField()

    class Meta:
        model = VideoMusic
        fields = [
            "music_id",
            "title",
            "artist",
            "is_primary",
            "is_original_sound",
            "genre",
            "tempo_bpm",
        ]

    @extend_schema_field(
        serializers.CharField(allow_null=True, help_text="Top genre (music analysis).")
    )
    def get_genre(self, link: VideoMusic) -> str | None:
        features = related_or_none(link.music, "features")
        return (features.genre or None) if features else None

    @extend_schema_field(serializers.FloatField(allow_null=True, help_text="BPM."))
    def get_tempo_bpm(self, link: VideoMusic) -> float | None:
        features = related_or_none(link.music, "features")
        return features.tempo_bpm if features else None


class VideoContentAnalysisSerializer(serializers.ModelSerializer):
    """The stored content analysis: typed figures, then every output with its evidence."""

    category = serializers.SerializerMethodField()
    moods = serializers.DictField(
        source="detail.moods",
        child=serializers.FloatField(),
        default=dict,
        help_text="Weight per mood, summing to 1 (empty when nothing gave a mood).",
    )
    genres = serializers.DictField(
        source="detail.genres",
        child=serializers.FloatField(),
        default=dict,
        help_text="The music genre of the sound used (music analysis), weight per genre.",
    )
    evidence = serializers.DictField(
        source="detail.evidence",
        default=dict,
        help_text="Per fused value: the signals, their weights and sources.",
    )
    detail = serializers.JSONField(
        help_text="Every output of the analysis (VideoContent), with evidence and errors."
    )

    class Meta:
        model = VideoContentAnalysis
        fields = [
            "status",
            "version",
            "analyzed_at",
            "category",
            "tempo_bpm",
            "tempo_source",
            "energy",
            "valence",
            "arousal",
            "danceability",
            "top_mood",
            "moods",
            "genres",
            "motion",
            "cuts_per_min",
            "visual_pace",
            "brightness",
            "saturation",
            "colourfulness",
            "speech_ratio",
            "error",
            "evidence",
            "detail",
        ]

    @extend_schema_field(VideoCategorySerializer(allow_null=True))
    def get_category(self, analysis: VideoContentAnalysis) -> dict | None:
        return _category(analysis)


class VideoDetailSerializer(VideoSerializer):
    """One video: its posts, latest stats, the music it uses and its content analysis."""

    posts = VideoPostSerializer(source="sources", many=True)
    stats = serializers.SerializerMethodField()
    music = VideoMusicUsedSerializer(source="music_links", many=True)
    content_analysis = serializers.SerializerMethodField()

    class Meta(VideoSerializer.Meta):
        fields = [*VideoSerializer.Meta.fields, "stats", "posts", "music", "content_analysis"]

    @extend_schema_field(VideoStatsSerializer)
    def get_stats(self, video: Video) -> dict:
        counts = {name: getattr(video, name, None) for name in COUNTS}
        return {
            **counts,
            "engagement_rate": getattr(video, "engagement", None),
            "as_of": getattr(video, "last_scraped_at", None),
        }

    @extend_schema_field(VideoContentAnalysisSerializer(allow_null=True))
    def get_content_analysis(self, video: Video) -> dict | None:
        analysis = related_or_none(video, "content_analysis")
        return VideoContentAnalysisSerializer(analysis).data if analysis else None


class VideoAnalyzeRequestSerializer(serializers.Serializer):
    force = serializers.BooleanField(
        default=True,
        help_text="Run again even when a current analysis exists (default true).",
    )


class VideoErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
