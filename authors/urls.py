"""Dashboard pages for creators (marketers), mounted at /creators/."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path

from authors import views


def _moved(name: str) -> Callable[..., HttpResponse]:
    """The old British-spelt path of a page: a permanent redirect that keeps the method (308), so
    bookmarks and a form posted from a page loaded before the rename still land."""

    def view(request: HttpRequest, **kwargs: int) -> HttpResponse:
        return redirect(f"authors:{name}", permanent=True, preserve_request=True, **kwargs)

    return view


app_name = "authors"
urlpatterns = [
    path("", views.author_list, name="list"),
    path("export.csv", views.author_export, name="export"),
    path("analyze/", views.author_analyze, name="analyze"),
    path("jobs/<int:job_id>/", views.job_detail, name="job"),
    path("<int:author_id>/", views.author_detail, name="detail"),
    path("<int:author_id>/analyze/", views.author_reanalyze, name="reanalyze"),
    path("analyse/", _moved("analyze")),
    path("<int:author_id>/analyse/", _moved("reanalyze")),
]
