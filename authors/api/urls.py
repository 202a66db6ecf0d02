from django.urls import path

from authors.api import views

urlpatterns = [
    path("authors", views.AuthorListApi.as_view(), name="author-list"),
    path("authors/<id:pk>", views.AuthorDetailApi.as_view(), name="author-detail"),
    path("authors/<id:pk>/analysis", views.AuthorAnalysisApi.as_view(), name="author-analysis"),
    path("authors/<id:pk>/analyze", views.AuthorAnalyzeApi.as_view(), name="author-analyze"),
]
