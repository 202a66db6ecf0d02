"""Creators and their profile analysis: list, detail, the stored analysis, and a re-run."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from authors import export, selectors, services
from authors.api.serializers import (
    AuthorAnalysisSerializer,
    AuthorDetailSerializer,
    AuthorNotFoundSerializer,
    AuthorSerializer,
)
from authors.filters import AuthorFilter
from authors.models import Author, AuthorAnalysis
from musicrec.core import roles
from musicrec.core.api.responses import JOB_ACCEPTED, job_accepted
from musicrec.csv_export import CSVRenderer
from musicrec.filters import NullsLastOrderingFilter

CREATORS_CSV = 'attachment; filename="creators.csv"'
NOT_FOUND = OpenApiResponse(AuthorNotFoundSerializer, description="No author with this id.")


def author_not_found(author_id: int) -> NotFound:
    return NotFound(f"No author with id {author_id}.")


class AuthorListApi(generics.ListAPIView):
    """Creators and artists, biggest TikTok audience first.

    Filter by `search` (name or handle), `tier`, `category`, follower bounds and flags; order by
    `followers`, `engagement_rate_by_views`, `videos_per_week`, `name` or `analyzed_at`
    (prefix `-` for descending; unknown values always sort last).
    """

    serializer_class = AuthorSerializer
    required_permissions = {"GET": (roles.VIEW_CREATORS,)}
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]
    filter_backends = [DjangoFilterBackend, NullsLastOrderingFilter]
    filterset_class = AuthorFilter
    ordering_fields = [
        "name",
        "followers",
        "engagement_rate_by_views",
        "videos_per_week",
        "analyzed_at",
    ]
    ordering = list(selectors.DEFAULT_ORDERING)

    def get_queryset(self) -> QuerySet[Author]:
        return selectors.author_list(ordering=None)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """JSON pages, or with `Accept: text/csv` / `?format=csv` every matching row as CSV
        (the same filters and order; needs the export permission)."""
        if request.accepted_renderer.format != "csv":
            return super().list(request, *args, **kwargs)
        table = export.creator_table(self.filter_queryset(self.get_queryset()))
        return Response(table, headers={"Content-Disposition": CREATORS_CSV})


@extend_schema(responses={200: AuthorDetailSerializer, 404: NOT_FOUND})
class AuthorDetailApi(generics.RetrieveAPIView):
    """One author with every platform account and the full stored profile analysis."""

    serializer_class = AuthorDetailSerializer
    required_permissions = {"GET": (roles.VIEW_CREATORS,)}

    def get_queryset(self) -> QuerySet[Author]:
        return selectors.author_detail_list()

    def get_object(self) -> Author:
        author = selectors.author_get(self.kwargs["pk"])
        if author is None:
            raise author_not_found(self.kwargs["pk"])
        self.check_object_permissions(self.request, author)
        return author


@extend_schema(
    responses={
        200: AuthorAnalysisSerializer,
        404: OpenApiResponse(
            AuthorNotFoundSerializer,
            description="No author with this id, or the author has not been analysed yet.",
        ),
    }
)
class AuthorAnalysisApi(generics.RetrieveAPIView):
    """The stored profile analysis of one creator: every metric, its formula, status and notes.

    `status` says how complete it is (ok, partial, empty) and `status_reason` why; `notes`
    explains each empty figure. Run or refresh it with POST /api/v1/authors/{id}/analyze.
    """

    serializer_class = AuthorAnalysisSerializer
    required_permissions = {"GET": (roles.VIEW_CREATORS,)}

    def get_queryset(self) -> QuerySet[AuthorAnalysis]:
        return AuthorAnalysis.objects.select_related("author")

    def get_object(self) -> AuthorAnalysis:
        author_id = self.kwargs["pk"]
        analysis = selectors.author_analysis_get(author_id)
        if analysis is None:
            if not Author.objects.filter(pk=author_id).exists():
                raise author_not_found(author_id)
            path = reverse("api-v1:author-analyze", args=[author_id])
            raise NotFound(
                f"Author {author_id} has not been analysed yet: POST {path} to run the analysis."
            )
        self.check_object_permissions(self.request, analysis)
        return analysis


class AuthorAnalyzeApi(APIView):
    """Run the profile analysis of one creator on a worker; poll the returned Job."""

    required_permissions = {"POST": (roles.RERUN_ANALYSES,)}
    throttle_scope = "analyze"

    @extend_schema(
        request=None,
        responses={
            202: JOB_ACCEPTED,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        if not Author.objects.filter(pk=pk).exists():
            raise author_not_found(pk)
        job = services.author_analysis_job_enqueue(author_ids=[pk], user=request.user)
        return job_accepted(job)
