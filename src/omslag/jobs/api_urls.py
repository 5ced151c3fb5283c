"""Routes of the jobs API, included in /api/v1 by ``omslag.api_urls``."""

from django.urls import path

from . import api

urlpatterns = [
    path("jobs/<int:pk>", api.JobDetailApi.as_view(), name="job"),
    path("jobs/<int:pk>/cancel", api.JobCancelApi.as_view(), name="job-cancel"),
    path("jobs/<int:pk>/file", api.JobFileApi.as_view(), name="job-file"),
]
