from django.urls import path

from videos.api import views

urlpatterns = [
    path("videos", views.VideoListApi.as_view(), name="video-list"),
    path("videos/<int:pk>", views.VideoDetailApi.as_view(), name="video-detail"),
    path("videos/<int:pk>/analyze", views.VideoAnalyzeApi.as_view(), name="video-analyze"),
]
