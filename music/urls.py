"""Dashboard pages for the music catalogue (marketers)."""

from django.urls import path  # noqa: F401

app_name = "music"
urlpatterns: list = []
