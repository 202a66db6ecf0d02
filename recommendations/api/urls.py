from django.urls import path

from recommendations.api import views

urlpatterns = [
    path(
        "authors/<id:pk>/recommendations",
        views.AuthorRecommendationsApi.as_view(),
        name="author-recommendations",
    ),
    path("recommend-music", views.RecommendMusicApi.as_view(), name="recommend-music"),
    path(
        "recommendations/<id:run>/items/<id:pk>/feedback",
        views.RecommendationFeedbackApi.as_view(),
        name="recommendation-feedback",
    ),
    path(
        "recommendations/<id:pk>", views.RecommendationRunApi.as_view(), name="recommendation-run"
    ),
    path(
        "recommendations/available-genre-seeds",
        views.GenreSeedsApi.as_view(),
        name="recommendation-genre-seeds",
    ),
    path("recommendations", views.SpotifyRecommendationsApi.as_view(), name="recommendations"),
]
