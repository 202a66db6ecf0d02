"""Dashboard pages for the music catalogue (marketers)."""

from django.urls import path

from music import views

app_name = "music"
urlpatterns = [
    path("", views.music_list, name="list"),
    path("trending/", views.music_trending, name="trending"),
    path("<id:music_id>/", views.music_detail, name="detail"),
    path("<id:music_id>/audio/", views.music_audio, name="audio"),
]
