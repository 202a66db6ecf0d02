"""Dashboard pages for creators (marketers)."""

from django.urls import path  # noqa: F401

app_name = "authors"
urlpatterns: list = []
