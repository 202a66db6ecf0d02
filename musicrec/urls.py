"""URL map: dashboard pages, the admin, the REST API under /api/v1/ and its docs."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from musicrec.core import views as core_views

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
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api-v1"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]

admin.site.site_header = "musicrec curation"
admin.site.site_title = "musicrec admin"
admin.site.index_title = "Curate creators, videos and music"
