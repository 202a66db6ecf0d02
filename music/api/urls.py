from django.urls import path

from music.api import views

urlpatterns = [
    path("music", views.MusicListApi.as_view(), name="music-list"),
    path("music/<id:pk>", views.MusicDetailApi.as_view(), name="music-detail"),
    path("music/<id:pk>/analyze", views.MusicAnalyzeApi.as_view(), name="music-analyze"),
]
