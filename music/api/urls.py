from django.urls import path

from music.api import views

urlpatterns = [
    path("music", views.MusicListApi.as_view(), name="music-list"),
    path("music/<int:pk>", views.MusicDetailApi.as_view(), name="music-detail"),
    path("music/<int:pk>/analyze", views.MusicAnalyzeApi.as_view(), name="music-analyze"),
]
