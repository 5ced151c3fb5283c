"""Routes of the leadership API under /api/v1 (included by omslag.api_urls)."""

from django.urls import path

from . import api

urlpatterns = [
    path("organisations/<slug:slug>/dashboard", api.DashboardApi.as_view(), name="dashboard"),
]
