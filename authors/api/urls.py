from django.urls import path

from authors.api import views

urlpatterns = [
    path("authors", views.AuthorListApi.as_view(), name="author-list"),
    path("authors/<int:pk>", views.AuthorDetailApi.as_view(), name="author-detail"),
    path("authors/<int:pk>/analysis", views.AuthorAnalysisApi.as_view(), name="author-analysis"),
    path("authors/<int:pk>/analyze", views.AuthorAnalyzeApi.as_view(), name="author-analyze"),
]
