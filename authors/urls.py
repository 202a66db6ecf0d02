"""Dashboard pages for creators (marketers), mounted at /creators/."""

from django.urls import path

from authors import views

app_name = "authors"
urlpatterns = [
    path("", views.author_list, name="list"),
    path("export.csv", views.author_export, name="export"),
    path("analyse/", views.author_analyse, name="analyse"),
    path("jobs/<int:job_id>/", views.job_detail, name="job"),
    path("<int:author_id>/", views.author_detail, name="detail"),
    path("<int:author_id>/analyse/", views.author_reanalyse, name="reanalyse"),
]
