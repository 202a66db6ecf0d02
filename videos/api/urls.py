from django.urls import path

from videos.api import views

urlpatterns = [
    path("videos", views.VideoListApi.as_view(), name="video-list"),
    path("videos/<id:pk>", views.VideoDetailApi.as_view(), name="video-detail"),
    path("videos/<id:pk>/analyze", views.VideoAnalyzeApi.as_view(), name="video-analyze"),
]
