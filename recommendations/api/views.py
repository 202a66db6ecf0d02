"""Recommendation endpoints: for a creator (GET), for a creator / video / brief (POST), feedback,
and Spotify's recommendations interface served from our catalogue."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from musicrec.api import JSONParser
from musicrec.core import roles
from musicrec.core.descriptors import GENRE_KEYS
from musicrec.core.ids import is_digits, parse_id, parse_whole_number
from musicrec.csv_export import CSVRenderer
from recommendations import export, selectors, services
from recommendations.api import examples
from recommendations.api.serializers import (
    AuthorRecommendationsQuerySerializer,
    FeedbackRequestSerializer,
    FeedbackSerializer,
    GenreSeedsSerializer,
    RecommendationRunSerializer,
    RecommendMusicRequestSerializer,
    SpotifyErrorSerializer,
    SpotifyRecommendationsSerializer,
)
from recommendations.spotify_compat import MAX_LIMIT, MAX_SEEDS, TUNABLES

BAD_REQUEST = OpenApiResponse(description="A parameter is invalid: the body names it and why.")


def _run_response(run_id: int, code: int = status.HTTP_200_OK) -> Response:
    run = selectors.run_get(run_id)
    return Response(RecommendationRunSerializer(run).data, status=code)


class AuthorRecommendationsApi(APIView):
    """Tracks for a creator, ranked by fit with their content profile; stores the run."""

    required_permissions = {"GET": (roles.RECOMMEND,)}
    throttle_scope = "recommend"

    @extend_schema(
        operation_id="author_recommendations",
        examples=examples.AUTHOR_RECOMMENDATIONS,
        parameters=[AuthorRecommendationsQuerySerializer],
        responses={200: RecommendationRunSerializer, 400: BAD_REQUEST, 404: None},
        description=(
            "Rank the catalogue for the creator: items with their score, component scores and "
            "reasons, plus the stored run's id, the weights used and notices (e.g. a cold start "
            "for a creator not analysed yet). `genre`, `mood`, `tempo_min` and `tempo_max` are "
            "hard filters; `business_safe` keeps only tracks cleared for business use."
        ),
    )
    def get(self, request: Request, pk: int) -> Response:
        query = AuthorRecommendationsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        filters = {
            "genres": values.get("genre", []),
            "moods": values.get("mood", []),
            "tempo_min": values.get("tempo_min"),
            "tempo_max": values.get("tempo_max"),
            "commercial_only": values["business_safe"],
        }
        try:
            run = services.recommendation_generate(
                author_id=pk,
                weights=values.get("weights") or None,
                limit=values["limit"],
                include_used=values["include_used"],
                filters=filters,
                user=request.user,
            )
        except services.TargetMissing as exc:
            raise NotFound(exc.message) from None
        return _run_response(run.pk)


class RecommendationRunApi(APIView):
    """A stored run with its ranked items; `Accept: text/csv` or `?format=csv` for a CSV of rank,
    track, score, each component's score and the reasons (needs the export permission)."""

    required_permissions = {"GET": (roles.VIEW_RUNS,)}
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]

    @extend_schema(
        operation_id="recommendation_run",
        responses={
            (200, "application/json"): RecommendationRunSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
            404: None,
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        run = selectors.run_get(pk)
        if run is None:
            raise NotFound(f"No recommendation run with id {pk}.")
        if request.accepted_renderer.format == "csv":
            disposition = f'attachment; filename="recommendation-run-{pk}.csv"'
            return Response(export.run_table(run), headers={"Content-Disposition": disposition})
        return Response(RecommendationRunSerializer(run).data)


class RecommendMusicApi(APIView):
    """Tracks for a creator, one of their videos, or a brief; stores the run."""

    required_permissions = {"POST": (roles.RECOMMEND,)}
    throttle_scope = "recommend"
    # JSON only: a form cannot carry the nested brief or weights.
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="recommend_music",
        examples=examples.RECOMMEND_MUSIC,
        request=RecommendMusicRequestSerializer,
        responses={201: RecommendationRunSerializer, 400: BAD_REQUEST},
        description=(
            "Give `author` (id or handle), `video`, a `brief`, or a combination: a video implies "
            "its creator and the brief overrides the parts of the target it names. The response "
            "is the stored run with its ranked items."
        ),
    )
    def post(self, request: Request) -> Response:
        body = RecommendMusicRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        author_id = None
        if author := values.get("author"):
            author_id = self._author_id(author)
        try:
            run = services.recommendation_generate(
                author_id=author_id,
                video_id=values.get("video"),
                brief=values.get("brief"),
                weights=values.get("weights"),
                limit=values["limit"],
                include_used=values["include_used"],
                filters={"commercial_only": values["business_safe"]},
                user=request.user,
            )
        except services.TargetMissing as exc:
            raise ValidationError({exc.field: [exc.message]}) from None
        return _run_response(run.pk, status.HTTP_201_CREATED)

    @staticmethod
    def _author_id(value: str) -> int:
        if is_digits(value):
            author_id = parse_id(value)
            found = selectors.author_for_recommendation(author_id=author_id) if author_id else None
        else:
            found = selectors.author_for_recommendation(handle=value)
        if found is None:
            raise ValidationError({"author": [f"no creator with id or handle '{value}'"]})
        return found.pk


class RecommendationFeedbackApi(APIView):
    """Keep or reject a recommended track for the run's creator."""

    required_permissions = {"POST": (roles.GIVE_FEEDBACK,)}

    @extend_schema(
        operation_id="recommendation_feedback",
        examples=examples.FEEDBACK,
        request=FeedbackRequestSerializer,
        responses={200: FeedbackSerializer, 201: FeedbackSerializer, 400: BAD_REQUEST, 404: None},
        description=(
            "One verdict per creator and track (201 when new, 200 when it replaces an earlier "
            "one). A rejected track never comes back for that creator; a kept one raises "
            "similar tracks in later runs."
        ),
    )
    def post(self, request: Request, run: int, pk: int) -> Response:
        body = FeedbackRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            feedback, created = services.feedback_record(
                run_id=run,
                item_id=pk,
                verdict=body.validated_data["verdict"],
                note=body.validated_data["note"],
                user=request.user,
            )
        except services.TargetMissing as exc:
            raise NotFound(exc.message) from None
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(FeedbackSerializer(feedback).data, status=code)


def _tunable_parameters() -> list[OpenApiParameter]:
    out = []
    for name, (_, (low, high), _) in TUNABLES.items():
        for kind, what in (
            ("min", "hard floor"),
            ("max", "hard ceiling"),
            ("target", "rank by closeness"),
        ):
            out.append(
                OpenApiParameter(
                    f"{kind}_{name}",
                    {"type": "number", "minimum": low, "maximum": high},
                    description=f"{what}, {low:g}-{high:g}",
                )
            )
    return out


def _seed_parameter(name: str, description: str, items: dict[str, Any]) -> OpenApiParameter:
    """A comma-separated list of seeds (`seed_genres=pop,rock`), at most MAX_SEEDS."""
    return OpenApiParameter(
        name,
        {"type": "array", "items": items, "maxItems": MAX_SEEDS},
        description=description,
        style="form",
        explode=False,
    )


def _spotify_error(field: str, reason: str) -> Response:
    """Spotify's error body, plus the field and reason as separate keys."""
    return Response(
        {
            "error": {
                "status": 400,
                "message": f"{field}: {reason}",
                "field": field,
                "reason": reason,
            }
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


def _comma_list(request: Request, name: str) -> list[str]:
    values = []
    for raw in request.query_params.getlist(name):
        values += [v.strip() for v in raw.split(",") if v.strip()]
    return values


# Accepted and ignored: Spotify's market (no relinking locally) and DRF's format override.
IGNORED_PARAMETERS = {"market", "format"}


class SpotifyRecommendationsApi(APIView):
    """Spotify's `GET /v1/recommendations`, answered from our catalogue."""

    required_permissions = {"GET": (roles.RECOMMEND,)}
    throttle_scope = "recommend"

    @extend_schema(
        operation_id="spotify_compatible_recommendations",
        parameters=[
            _seed_parameter(
                "seed_tracks",
                "Our music ids or Spotify track ids.",
                {"type": "string", "pattern": "^[0-9A-Za-z]{1,22}$"},
            ),
            _seed_parameter(
                "seed_artists",
                "Our artist ids, Spotify artist ids or names.",
                {"type": "string", "pattern": "^[^,]*[^,\\s][^,]*$", "maxLength": 200},
            ),
            _seed_parameter(
                "seed_genres",
                "Genres from available-genre-seeds.",
                {"type": "string", "enum": list(GENRE_KEYS)},
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                description=f"1-{MAX_LIMIT}, default 20.",
            ),
            OpenApiParameter("market", str, description="Accepted and ignored (no relinking)."),
            *_tunable_parameters(),
        ],
        responses={200: SpotifyRecommendationsSerializer, 400: SpotifyErrorSerializer},
        description=(
            "Up to 5 seeds in total (comma lists). `min_*`/`max_*` filter, `target_*` rank by "
            "closeness. Answered in Spotify's shape: `tracks` and `seeds` with pool sizes."
        ),
    )
    def get(self, request: Request) -> Response:
        tunables: dict[str, float] = {}
        limit = 20
        for name, values in request.query_params.lists():
            if any("\x00" in value for value in values):
                # PostgreSQL refuses NUL in text: the seeds are looked up by name.
                return _spotify_error(name, "must not contain NUL characters")
        for name, raw in request.query_params.items():
            if name in ("seed_tracks", "seed_artists", "seed_genres") or name in IGNORED_PARAMETERS:
                continue
            if name == "limit":
                parsed = parse_whole_number(raw.strip())
                if parsed is None:
                    return _spotify_error("limit", f"must be a whole number, got '{raw}'")
                limit = parsed
                continue
            if name.startswith(("min_", "max_", "target_")):
                try:
                    tunables[name] = float(raw)
                except ValueError:
                    return _spotify_error(name, f"must be a number, got '{raw}'")
                continue
            return _spotify_error(name, "unknown parameter")
        try:
            body = services.spotify_recommendations(
                seed_tracks=_comma_list(request, "seed_tracks"),
                seed_artists=_comma_list(request, "seed_artists"),
                seed_genres=_comma_list(request, "seed_genres"),
                limit=limit,
                tunables=tunables,
            )
        except services.SpotifyParamError as exc:
            return _spotify_error(exc.field, exc.reason)
        return Response(body)


class GenreSeedsApi(APIView):
    """The genre seeds the Spotify-compatible endpoint accepts."""

    required_permissions = {"GET": (roles.VIEW_MUSIC,)}

    @extend_schema(operation_id="available_genre_seeds", responses=GenreSeedsSerializer)
    def get(self, request: Request) -> Response:
        data: dict[str, Any] = {"genres": services.genre_seeds()}
        return Response(data)
