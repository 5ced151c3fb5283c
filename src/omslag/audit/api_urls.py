"""Routes of the audit log API, included in /api/v1 by ``omslag.api_urls``."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "organisations/<slug:slug>/audit-entries",
        api.AuditEntryListApi.as_view(),
        name="audit-entries",
    ),
]
