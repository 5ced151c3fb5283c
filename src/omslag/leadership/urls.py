from django.urls import path

from . import views

app_name = "leadership"
urlpatterns = [
    path("organisations/<slug:slug>/dashboard", views.dashboard, name="dashboard"),
    path(
        "organisations/<slug:slug>/dashboard/decisions",
        views.decisions,
        name="decisions",
    ),
    path(
        "organisations/<slug:slug>/dashboard/report.<str:fmt>",
        views.dashboard_report,
        name="report",
    ),
]
