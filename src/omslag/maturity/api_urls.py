"""Routes of the maturity API under /api/v1 (included by omslag.api_urls): kebab-case paths,
no trailing slashes."""

from django.urls import path

from .api import views

urlpatterns = [
    path("maturity-scan", views.ScanApi.as_view(), name="maturity-scan"),
    path(
        "organisations/<slug:slug>/maturity-rounds",
        views.RoundListApi.as_view(),
        name="maturity-rounds",
    ),
    path(
        "organisations/<slug:slug>/maturity-peers",
        views.PeersApi.as_view(),
        name="maturity-peers",
    ),
    path("maturity-rounds/<int:pk>", views.RoundDetailApi.as_view(), name="maturity-round"),
    path(
        "maturity-rounds/<int:pk>/close",
        views.RoundCloseApi.as_view(),
        name="maturity-round-close",
    ),
    path(
        "maturity-rounds/<int:pk>/answers",
        views.OwnAnswersApi.as_view(),
        name="maturity-answers",
    ),
    path(
        "maturity-rounds/<int:pk>/participants/<int:personId>/answers",
        views.ParticipantAnswersApi.as_view(),
        name="maturity-participant-answers",
    ),
    path(
        "maturity-rounds/<int:pk>/results",
        views.ResultsApi.as_view(),
        name="maturity-results",
    ),
    path(
        "maturity-rounds/<int:pk>/improvement-actions",
        views.ImprovementActionApi.as_view(),
        name="maturity-improvement-actions",
    ),
]
