"""Request and response shapes of the recommendation endpoints."""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from musicrec.core.descriptors import GENRE_KEYS, MOOD_KEYS, genre_from_spotify
from musicrec.core.ids import MAX_ID
from recommendations.engine import MAX_LIMIT
from recommendations.models import Feedback, RecommendationItem, RecommendationRun
from recommendations.targets import tempo_range_error
from recommendations.weights import COMPONENTS, MAX_WEIGHT

WEIGHTS_HELP = (
    "Component weights overriding the defaults, as `tempo:0.3,mood:0.2` or a JSON object "
    f'(`{{"tempo": 0.3}}`). Components: {", ".join(COMPONENTS)}. Only the ratios matter.'
)


def parse_weights_text(text: str) -> dict[str, Any]:
    """`tempo:0.3,mood:0.2` (or `=`) or a JSON object into a dict; ValueError says what is wrong.

    Values stay as given; `validate_weights` checks keys and numbers and names the bad one.
    """
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON: {exc.msg}") from None
        if not isinstance(value, dict):
            raise ValueError("JSON weights must be an object")
        return value
    weights: dict[str, Any] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, sep, value = part.replace("=", ":").partition(":")
        if not sep:
            raise ValueError(f"'{part.strip()}' is not name:value")
        weights[key.strip()] = value.strip()
    return weights


_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_PAIR = rf"\s*(?:{'|'.join(map(re.escape, COMPONENTS))})\s*[:=]\s*{_NUMBER}\s*"
# The compact text form, as the schema describes it (the parser also takes JSON text).
WEIGHTS_TEXT_PATTERN = rf"^{_PAIR}(?:,{_PAIR})*$"


@extend_schema_field(
    {
        "oneOf": [
            {
                "type": "object",
                "properties": {
                    name: {"type": "number", "minimum": 0, "maximum": MAX_WEIGHT}
                    for name in COMPONENTS
                },
                "additionalProperties": False,
            },
            {"type": "string", "pattern": WEIGHTS_TEXT_PATTERN, "example": "tempo:0.3,mood:0.2"},
        ],
        "description": WEIGHTS_HELP,
    }
)
class WeightsField(serializers.Field):
    """Weights as an object or as the compact text form of query parameters."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            return data
        if isinstance(data, str):
            try:
                return parse_weights_text(data)
            except ValueError as exc:
                raise serializers.ValidationError(str(exc)) from None
        raise serializers.ValidationError("give an object or name:value pairs")

    def to_representation(self, value: Any) -> Any:
        return value


class _KeyListField(serializers.ListField):
    """Vocabulary keys, repeated (`genre=pop&genre=rock`) or comma-separated (`genre=pop,rock`)."""

    allowed: tuple[str, ...] = ()
    kind = ""

    def to_internal_value(self, data: Any) -> list[str]:
        values = []
        for item in data if isinstance(data, list) else [data]:
            values += [v.strip() for v in str(item).split(",") if v.strip()]
        out = []
        for value in values:
            key = self.normalise(value.lower())
            if key is None:
                raise serializers.ValidationError(
                    f"unknown {self.kind} '{value}'; expected one of {', '.join(self.allowed)}"
                )
            out.append(key)
        return list(dict.fromkeys(out))

    def normalise(self, value: str) -> str | None:
        return value if value in self.allowed else None


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "enum": list(GENRE_KEYS)}, "maxItems": 20}
)
class GenreListField(_KeyListField):
    allowed = GENRE_KEYS
    kind = "genre"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.CharField(), **kwargs)

    def normalise(self, value: str) -> str | None:
        # Spotify's genre names ("dance", "r-n-b") are accepted for our taxonomy's keys.
        return genre_from_spotify(value)


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "enum": list(MOOD_KEYS)}, "maxItems": 20}
)
class MoodListField(_KeyListField):
    allowed = MOOD_KEYS
    kind = "mood"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.CharField(), **kwargs)


def _check_tempo_range(attrs: dict[str, Any]) -> None:
    problem = tempo_range_error(attrs.get("tempo_min"), attrs.get("tempo_max"))
    if problem is not None:
        field, reason = problem
        raise serializers.ValidationError({field: reason})


class BriefSerializer(serializers.Serializer):
    """What the campaign wants; each part overrides the creator's profile for that attribute."""

    moods = MoodListField(required=False, help_text=f"Any of {', '.join(MOOD_KEYS)}.")
    genres = GenreListField(required=False, help_text=f"Any of {', '.join(GENRE_KEYS)}.")
    tempo_min = serializers.FloatField(required=False, allow_null=True, min_value=1, max_value=399)
    tempo_max = serializers.FloatField(required=False, allow_null=True, min_value=1, max_value=399)
    energy = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=1)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text='Free text, e.g. "chill summer vibes around 100 bpm".',
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _check_tempo_range(attrs)
        return attrs


# Our author id, or a TikTok handle with or without "@" (letters, digits, "_" and ".").
AUTHOR_PATTERN = r"^(?:[0-9]+|@?\.*[A-Za-z0-9_][A-Za-z0-9_.]*)$"


class RecommendMusicRequestSerializer(serializers.Serializer):
    # At least one of the three names the target (the schema says so too).
    schema_rules = {
        "anyOf": [{"required": ["author"]}, {"required": ["video"]}, {"required": ["brief"]}]
    }

    author = serializers.CharField(
        required=False,
        max_length=100,
        validators=[RegexValidator(AUTHOR_PATTERN, "give our creator id or a TikTok handle")],
        help_text="The creator: our id, or a handle (with or without @).",
    )
    video = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="One of the creator's videos (implies the creator).",
    )
    brief = BriefSerializer(required=False)
    weights = WeightsField(required=False)
    limit = serializers.IntegerField(default=20, min_value=1, max_value=MAX_LIMIT)
    include_used = serializers.BooleanField(
        default=False, help_text="Also suggest tracks the creator already used."
    )
    business_safe = serializers.BooleanField(
        default=False,
        help_text="Only tracks cleared for business use (brand and business accounts).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not (attrs.get("author") or attrs.get("video") or attrs.get("brief")):
            raise serializers.ValidationError(
                {"author": "give a creator, one of their videos or a brief"}
            )
        return attrs


class AuthorRecommendationsQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(default=20, min_value=1, max_value=MAX_LIMIT)
    genre = GenreListField(required=False, help_text="Only these genres (comma list or repeated).")
    mood = MoodListField(required=False, help_text="Only these moods (comma list or repeated).")
    tempo_min = serializers.FloatField(required=False, min_value=1, max_value=399)
    tempo_max = serializers.FloatField(required=False, min_value=1, max_value=399)
    include_used = serializers.BooleanField(default=False)
    weights = serializers.CharField(required=False, allow_blank=True, help_text=WEIGHTS_HELP)
    business_safe = serializers.BooleanField(default=False)

    def validate_weights(self, value: str) -> dict[str, Any]:
        try:
            return parse_weights_text(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _check_tempo_range(attrs)
        return attrs


class RecommendedMusicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    artist = serializers.SerializerMethodField()
    commercial_ok = serializers.BooleanField(
        allow_null=True, help_text="Cleared for business use; null = unknown."
    )

    def get_artist(self, music: Any) -> str:
        # The selector loads the credited artist with the track.
        return music.artist_name or (music.artist.name if music.artist_id else "")


class RecommendationItemSerializer(serializers.ModelSerializer):
    music = RecommendedMusicSerializer()
    components = serializers.DictField(
        child=serializers.FloatField(), help_text="Component scores, each 0-1."
    )
    reasons = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = RecommendationItem
        fields = ["id", "rank", "music", "score", "components", "reasons"]
        read_only_fields = fields


class RunAuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    handle = serializers.CharField(allow_null=True)


class RecommendationRunSerializer(serializers.ModelSerializer):
    run = serializers.IntegerField(source="pk", help_text="The stored run's id.")
    author = serializers.SerializerMethodField()
    weights = serializers.DictField(
        child=serializers.FloatField(), help_text="The weights asked for, scaled to sum to 1."
    )
    effective_weights = serializers.SerializerMethodField(
        help_text="The weights of the components that applied to this request, summing to 1."
    )
    candidates = serializers.SerializerMethodField(
        help_text="Tracks left after exclusions and filters."
    )
    notices = serializers.ListField(child=serializers.CharField())
    items = RecommendationItemSerializer(many=True)

    class Meta:
        model = RecommendationRun
        fields = [
            "run",
            "target_kind",
            "author",
            "video",
            "brief",
            "params",
            "weights",
            "effective_weights",
            "candidates",
            "notices",
            "engine_version",
            "catalogue_version",
            "duration_ms",
            "created_at",
            "items",
        ]
        read_only_fields = fields

    @extend_schema_field(RunAuthorSerializer(allow_null=True))
    def get_author(self, run: RecommendationRun) -> dict[str, Any] | None:
        if run.author is None:
            return None
        accounts = getattr(run.author, "tiktok_accounts", [])
        return {
            "id": run.author_id,
            "name": run.author.name,
            "handle": accounts[0].handle if accounts else None,
        }

    @extend_schema_field(serializers.DictField(child=serializers.FloatField()))
    def get_effective_weights(self, run: RecommendationRun) -> dict[str, float]:
        return dict(run.params.get("effective_weights") or {})

    @extend_schema_field(OpenApiTypes.INT)
    def get_candidates(self, run: RecommendationRun) -> int | None:
        return run.params.get("candidates")


class FeedbackRequestSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Feedback.Verdict.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Feedback
        fields = ["id", "author", "music", "item", "verdict", "note", "created_at", "updated_at"]
        read_only_fields = fields


# --- Spotify-compatible -------------------------------------------------------------------------


class SpotifySeedSerializer(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.ChoiceField(choices=["TRACK", "ARTIST", "GENRE"])
    href = serializers.CharField(allow_null=True)
    initialPoolSize = serializers.IntegerField()  # noqa: N815 - Spotify's field names
    afterFilteringSize = serializers.IntegerField()  # noqa: N815
    afterRelinkingSize = serializers.IntegerField()  # noqa: N815


class SpotifyArtistSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True, required=False)
    name = serializers.CharField()
    type = serializers.CharField(required=False)


class SpotifyTrackSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Our music id.")
    name = serializers.CharField()
    type = serializers.CharField(required=False)
    artists = SpotifyArtistSerializer(many=True)
    album = serializers.DictField(required=False)
    duration_ms = serializers.IntegerField(allow_null=True, required=False)
    explicit = serializers.BooleanField(allow_null=True, required=False)
    external_ids = serializers.DictField(child=serializers.CharField(), required=False)
    external_urls = serializers.DictField(child=serializers.CharField(), required=False)
    uri = serializers.CharField(allow_null=True, required=False)
    spotify_id = serializers.CharField(allow_null=True, required=False)
    commercial_ok = serializers.BooleanField(allow_null=True, required=False)
    score = serializers.FloatField(help_text="Closeness to the targets, else affinity to seeds.")
    tempo = serializers.FloatField(allow_null=True)
    energy = serializers.FloatField(allow_null=True)
    valence = serializers.FloatField(allow_null=True)
    danceability = serializers.FloatField(allow_null=True)
    acousticness = serializers.FloatField(allow_null=True)
    popularity = serializers.FloatField(allow_null=True)


class SpotifyRecommendationsSerializer(serializers.Serializer):
    tracks = SpotifyTrackSerializer(many=True)
    seeds = SpotifySeedSerializer(many=True)


class SpotifyErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    message = serializers.CharField()
    field = serializers.CharField()
    reason = serializers.CharField()


class SpotifyErrorSerializer(serializers.Serializer):
    error = SpotifyErrorDetailSerializer()


class GenreSeedsSerializer(serializers.Serializer):
    genres = serializers.ListField(child=serializers.CharField())
