from django.urls import path

from musicrec.core.api import views

urlpatterns = [
    path("jobs", views.JobListApi.as_view(), name="job-list"),
    path("jobs/<id:pk>", views.JobDetailApi.as_view(), name="job-detail"),
    path("analyze-tiktok", views.AnalyzeTiktokApi.as_view(), name="analyze-tiktok"),
    path("auth/token", views.TokenObtainApi.as_view(), name="auth-token"),
]
