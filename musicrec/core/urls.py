"""Dashboard pages for background jobs, mounted at /jobs/."""

from django.urls import path

from musicrec.core import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<id:job_id>/retry/", views.job_retry, name="retry"),
]
