"""Music: the catalogue list, one track with everything known about it, and a re-analysis."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from music import selectors
from music.api.serializers import (
    MusicAnalyzeRequestSerializer,
    MusicDetailSerializer,
    MusicErrorSerializer,
    MusicSerializer,
)
from music.filters import MusicFilter
from music.models import Music
from music.services.features import music_analysis_enqueue
from musicrec.core import roles
from musicrec.core.api.responses import INVALID_BODY, JOB_ACCEPTED, job_accepted
from musicrec.filters import NullsLastOrderingFilter

NOT_FOUND = OpenApiResponse(MusicErrorSerializer, description="No track with this id.")


def music_not_found(music_id: int) -> NotFound:
    return NotFound(f"No track with id {music_id}.")


class MusicListApi(generics.ListAPIView):
    """Catalogue tracks with their features, most popular first.

    Filter by `genre`, `mood`, `tempo_min`/`tempo_max` (BPM), `commercial_ok`, `early_trend`,
    `search` (title, artist, album, ISRC) and `is_original` (true lists creators' original
    sounds instead of the catalogue). Order by `popularity`, `tempo` or `title` (prefix `-` for
    descending; unknown values always sort last).
    """

    serializer_class = MusicSerializer
    required_permissions = {"GET": (roles.VIEW_MUSIC,)}
    filter_backends = [DjangoFilterBackend, NullsLastOrderingFilter]
    filterset_class = MusicFilter
    ordering_fields = ["popularity", "tempo", "title"]
    ordering = list(selectors.DEFAULT_ORDERING)

    def get_queryset(self) -> QuerySet[Music]:
        return selectors.music_list(include_originals=True)


@extend_schema(responses={200: MusicDetailSerializer, 404: NOT_FOUND})
class MusicDetailApi(generics.RetrieveAPIView):
    """One track: its platform sources with usage/popularity history, features with the source
    and confidence of each label, and its popularity and trend figures."""

    serializer_class = MusicDetailSerializer
    required_permissions = {"GET": (roles.VIEW_MUSIC,)}

    def get_queryset(self) -> QuerySet[Music]:
        return selectors.music_detail_list()

    def get_object(self) -> Music:
        music = selectors.music_get(self.kwargs["pk"])
        if music is None:
            raise music_not_found(self.kwargs["pk"])
        self.check_object_permissions(self.request, music)
        return music


class MusicAnalyzeApi(APIView):
    """Analyse one track's audio again on a worker (features, genre, moods); poll the Job."""

    required_permissions = {"POST": (roles.RERUN_ANALYSES,)}
    throttle_scope = "analyze"

    @extend_schema(
        request=MusicAnalyzeRequestSerializer,
        responses={
            202: JOB_ACCEPTED,
            400: INVALID_BODY,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        body = MusicAnalyzeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not Music.objects.filter(pk=pk).exists():
            raise music_not_found(pk)
        job = music_analysis_enqueue(
            music_ids=[pk], force=body.validated_data["force"], user=request.user
        )
        return job_accepted(job)
