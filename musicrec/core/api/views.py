from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from musicrec import pipeline
from musicrec.api import JSONParser, LoginGuard
from musicrec.core import job_selectors, roles
from musicrec.core.api import examples
from musicrec.core.api.serializers import (
    AnalyzeTiktokAcceptedSerializer,
    AnalyzeTiktokSerializer,
    AnalyzeTiktokUploadSerializer,
    JobSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from musicrec.core.models import Job
from musicrec.core.openapi import DETAIL
from musicrec.core.sizes import human_size
from musicrec.platforms.tiktok import (
    ScrapeError,
    ScrapeResult,
    parse_scrape,
    read_scrape_upload,
)

# Multipart framing around an uploaded file: boundaries and part headers, a few hundred bytes.
_MULTIPART_OVERHEAD = 64 * 1024


class JobListApi(generics.ListAPIView):
    """Background jobs, newest first: ingests, analyses, imports."""

    serializer_class = JobSerializer
    required_permissions = {"GET": (roles.VIEW_JOBS,)}
    filterset_fields = ["status", "kind"]
    ordering_fields = ["created_at", "finished_at"]

    def get_queryset(self) -> QuerySet[Job]:
        return job_selectors.job_list()


@extend_schema(examples=examples.JOB)
class JobDetailApi(generics.RetrieveAPIView):
    """One job's status and progress (0-100); poll until `is_finished`."""

    serializer_class = JobSerializer
    required_permissions = {"GET": (roles.VIEW_JOBS,)}

    def get_queryset(self) -> QuerySet[Job]:
        return job_selectors.job_list()


class AnalyzeTiktokApi(APIView):
    """Analyse a TikTok influencer on a worker: fetch by handle, or store a scrape you send.

    The scrape (JSON body `scrape`, or an uploaded `file`: JSON or a creators CSV, told apart by
    content) is read and stored before anything is queued, so a bad one is answered 400 naming
    the field, the JSON path or CSV line and column, and the reason, and writes nothing. Then
    the answer is 202 with the Job to poll; the worker fetches (by handle) and runs the analyses.
    """

    parser_classes = [JSONParser, MultiPartParser, FormParser]
    required_permissions = {"POST": (roles.ANALYZE_CREATORS,)}
    throttle_scope = "analyze-tiktok"

    @extend_schema(
        request={
            "application/json": AnalyzeTiktokSerializer,
            "multipart/form-data": AnalyzeTiktokUploadSerializer,
        },
        responses={
            202: OpenApiResponse(AnalyzeTiktokAcceptedSerializer, description="Queued."),
            400: OpenApiResponse(description="Bad handle or scrape: field, JSON path, reason."),
        },
        examples=examples.ANALYZE_TIKTOK,
    )
    def post(self, request: Request) -> Response:
        upload = request.content_type.startswith("multipart/")
        field = "file" if upload else "scrape"
        limit = int(settings.SCRAPE_MAX_BYTES)
        size = int(request.META.get("CONTENT_LENGTH") or 0)
        if size > limit + (_MULTIPART_OVERHEAD if upload else 0):
            raise ValidationError(
                {field: [f"the request is {human_size(size)}, over the {human_size(limit)} limit"]}
            )
        try:
            job = self._upload(request, limit) if upload else self._json(request)
        except ScrapeError as error:
            raise ValidationError({field: [str(error)]}) from None
        status_url = reverse("api-v1:job-detail", args=[job.pk])
        body = {"job": JobSerializer(job).data, "status_url": status_url}
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": status_url})

    def _json(self, request: Request) -> Job:
        data = AnalyzeTiktokSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if handle := data.validated_data.get("handle"):
            return pipeline.analyze_influencer_enqueue(handle=handle, user=request.user)
        result = parse_scrape(data.validated_data["scrape"], source_name="scrape")
        return self._submit(result, request)

    def _upload(self, request: Request, limit: int) -> Job:
        form = AnalyzeTiktokUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        name = upload.name or "upload.json"
        result = read_scrape_upload(upload, source_name=name, size=upload.size, max_bytes=limit)
        try:
            return self._submit(result, request)
        except ScrapeError as error:
            raise ScrapeError(error.reason, path=name, json_path=error.json_path) from None

    @staticmethod
    def _submit(result: ScrapeResult, request: Request) -> Job:
        submitted = pipeline.scrape_submit(result, user=request.user)
        assert submitted.job is not None  # analyze=True always queues one
        return submitted.job


@extend_schema(tags=["auth"])
class TokenObtainApi(APIView):
    """Exchange a username and password for the user's API token (created on first use).

    Wrong passwords are limited per user name and per client address (LOGIN_THROTTLE_*): past
    the limit the answer is 429 with Retry-After, and the password is not checked.
    """

    # The credentials are the authentication: no session or token is needed to ask for one.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    # The failed-log-in limits, not the per-user action rates (there is no user yet).
    throttle_classes: list = []
    login_throttled = True

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            401: OpenApiResponse(DETAIL, description="Wrong user name or password."),
        },
        examples=examples.TOKEN,
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        guard = LoginGuard(request, data.get("username"))
        wait = guard.refused()
        if wait is not None:
            raise Throttled(wait, detail="Too many failed log-ins; try again later.")
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticate(
            request=request._request,
            username=body.validated_data["username"],
            password=body.validated_data["password"],
        )
        if user is None:
            guard.failed()
            # 401, as for any other failed authentication (the body is valid, the login not).
            return Response(
                {"detail": "Unable to log in with the provided credentials."},
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": 'Token realm="api"'},
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
