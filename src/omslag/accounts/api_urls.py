"""Routes of the accounts API (who am I, API tokens), included in /api/v1 by
``omslag.api_urls``."""

from django.urls import path

from . import api

urlpatterns = [
    path("me", api.MeApi.as_view(), name="me"),
    path("tokens", api.TokenListApi.as_view(), name="tokens"),
    path("tokens/<int:pk>", api.TokenDetailApi.as_view(), name="token"),
]
