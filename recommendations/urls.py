"""Dashboard pages for recommendations (marketers)."""

from django.urls import path

from recommendations import views

app_name = "recommendations"
urlpatterns = [
    path("pick/", views.recommendation_pick, name="pick"),
    path("creator/<int:author_id>/", views.recommendation_creator, name="creator"),
    path("runs/<int:run_id>/", views.recommendation_run, name="run"),
    path("runs/<int:run_id>/export.csv", views.recommendation_run_export, name="run-export"),
    path(
        "runs/<int:run_id>/items/<int:item_id>/feedback/",
        views.recommendation_feedback,
        name="feedback",
    ),
]
