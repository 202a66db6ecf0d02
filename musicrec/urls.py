"""URL map: dashboard pages, the admin, the REST API under /api/v1/ and its docs."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from musicrec.core import auth_views as login_views
from musicrec.core import converters
from musicrec.core import views as core_views

# `<id:…>` in the app URLconfs below: row ids within 1..2**63 - 1.
converters.register()

api_v1 = [
    path("", include("musicrec.core.api.urls")),
    path("", include("authors.api.urls")),
    path("", include("videos.api.urls")),
    path("", include("music.api.urls")),
    path("", include("recommendations.api.urls")),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("creators/", include("authors.urls")),
    path("music/", include("music.urls")),
    path("recommendations/", include("recommendations.urls")),
    path("jobs/", include("musicrec.core.urls")),
    path("accounts/login/", login_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api-v1"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline one.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html"),
        name="api-redoc",
    ),
]

# JSON under /api/, Django's pages elsewhere (an unmatched URL never reaches a DRF view).
handler400 = "musicrec.core.handlers.bad_request"
handler404 = "musicrec.core.handlers.page_not_found"
handler500 = "musicrec.core.handlers.server_error"

admin.site.site_header = "musicrec curation"
admin.site.site_title = "musicrec admin"
admin.site.index_title = "Curate creators, videos and music"
