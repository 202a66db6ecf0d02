"""Pages that belong to no single app: the home page and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from musicrec.core import selectors


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"counts": selectors.catalogue_counts()})


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
