"""Dashboard pages for recommendations (marketers)."""

from django.urls import path

from recommendations import views

app_name = "recommendations"
urlpatterns = [
    path("pick/", views.recommendation_pick, name="pick"),
    path("creator/<id:author_id>/", views.recommendation_creator, name="creator"),
    path("runs/<id:run_id>/", views.recommendation_run, name="run"),
    path("runs/<id:run_id>/export.csv", views.recommendation_run_export, name="run-export"),
    path(
        "runs/<id:run_id>/items/<id:item_id>/feedback/",
        views.recommendation_feedback,
        name="feedback",
    ),
]
