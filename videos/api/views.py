"""Videos: the list with filters, one video with everything known about it, and a re-analysis."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from musicrec.core import roles
from musicrec.core.api.responses import INVALID_BODY, JOB_ACCEPTED, job_accepted
from musicrec.filters import NullsLastOrderingFilter
from videos import selectors, services
from videos.api.serializers import (
    VideoAnalyzeRequestSerializer,
    VideoDetailSerializer,
    VideoErrorSerializer,
    VideoSerializer,
)
from videos.filters import VideoFilter
from videos.models import Video

NOT_FOUND = OpenApiResponse(VideoErrorSerializer, description="No video with this id.")


def video_not_found(video_id: int) -> NotFound:
    return NotFound(f"No video with id {video_id}.")


class VideoListApi(generics.ListAPIView):
    """Videos with their latest counts and content analysis, newest first.

    Filter by `author` (id), `category` and `mood` (from the content analysis) and
    `posted_after`/`posted_before` (ISO 8601). Order by `views`, `posted_at` or `engagement`
    (the engagement rate by views; prefix `-` for descending; unknown values always sort last).
    """

    serializer_class = VideoSerializer
    required_permissions = {"GET": (roles.VIEW_VIDEOS,)}
    filter_backends = [DjangoFilterBackend, NullsLastOrderingFilter]
    filterset_class = VideoFilter
    ordering_fields = ["views", "posted_at", "engagement"]
    ordering = list(selectors.DEFAULT_ORDERING)

    def get_queryset(self) -> QuerySet[Video]:
        return selectors.video_list(ordering=None)


@extend_schema(responses={200: VideoDetailSerializer, 404: NOT_FOUND})
class VideoDetailApi(generics.RetrieveAPIView):
    """One video: its posts with the latest counts, the music it uses (with genre and tempo from
    the music analysis) and its content analysis with the evidence behind every value."""

    serializer_class = VideoDetailSerializer
    required_permissions = {"GET": (roles.VIEW_VIDEOS,)}

    def get_queryset(self) -> QuerySet[Video]:
        return selectors.video_detail_list()

    def get_object(self) -> Video:
        video = selectors.video_get(self.kwargs["pk"])
        if video is None:
            raise video_not_found(self.kwargs["pk"])
        self.check_object_permissions(self.request, video)
        return video


class VideoAnalyzeApi(APIView):
    """Analyse one video's content again on a worker (picture, soundtrack, text); poll the Job."""

    required_permissions = {"POST": (roles.RERUN_ANALYSES,)}
    throttle_scope = "analyze"

    @extend_schema(
        request=VideoAnalyzeRequestSerializer,
        responses={
            202: JOB_ACCEPTED,
            400: INVALID_BODY,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        body = VideoAnalyzeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not Video.objects.filter(pk=pk).exists():
            raise video_not_found(pk)
        job = services.video_analysis_enqueue(
            video_ids=[pk], user=request.user, force=body.validated_data["force"]
        )
        return job_accepted(job)
