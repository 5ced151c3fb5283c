"""Routes of the REST API under /api/v1: kebab-case paths, no trailing slashes."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

# Registers the bearer-token scheme with drf-spectacular before a document is generated.
import omslag.common.api.schema  # noqa: F401
from omslag.accounts import api as accounts_api
from omslag.common.api.history import history_views
from omslag.exchange import api as exchange_api
from omslag.organisations import access as organisation_access
from omslag.organisations import api as organisations_api

OrganisationHistory, OrganisationRestore = history_views(
    "organisation",
    lambda person, slug: organisation_access.organisation_get_readable(
        person, slug, include_deleted=True
    ),
    "organisations",
    "slug",
)
MembershipHistory, MembershipRestore = history_views(
    "membership",
    lambda person, pk: organisation_access.membership_get_readable(
        person, pk, include_deleted=True
    ),
    "memberships",
    "pk",
)


class OpenApiView(SpectacularJSONAPIView):
    authentication_classes = []
    permission_classes = []


urlpatterns = [
    path("openapi.json", OpenApiView.as_view(), name="openapi"),
    path("me", accounts_api.MeApi.as_view(), name="me"),
    path("tokens", accounts_api.TokenListApi.as_view(), name="tokens"),
    path("tokens/<int:pk>", accounts_api.TokenDetailApi.as_view(), name="token"),
    path("organisations", organisations_api.OrganisationListApi.as_view(), name="organisations"),
    path(
        "organisations/<slug:slug>",
        organisations_api.OrganisationDetailApi.as_view(),
        name="organisation",
    ),
    path(
        "organisations/<slug:slug>/history",
        OrganisationHistory.as_view(),
        name="organisation-history",
    ),
    path(
        "organisations/<slug:slug>/history/<int:historyId>/restore",
        OrganisationRestore.as_view(),
        name="organisation-restore",
    ),
    path("memberships", organisations_api.MembershipListApi.as_view(), name="memberships"),
    path(
        "memberships/<int:pk>", organisations_api.MembershipDetailApi.as_view(), name="membership"
    ),
    path("memberships/<int:pk>/history", MembershipHistory.as_view(), name="membership-history"),
    path(
        "memberships/<int:pk>/history/<int:historyId>/restore",
        MembershipRestore.as_view(),
        name="membership-restore",
    ),
    path("imports", exchange_api.ImportListApi.as_view(), name="imports"),
    path("imports/<int:pk>", exchange_api.ImportDetailApi.as_view(), name="import"),
    path(
        "imports/<int:pk>/confirm", exchange_api.ImportConfirmApi.as_view(), name="import-confirm"
    ),
    path("column-mappings", exchange_api.ColumnMappingListApi.as_view(), name="column-mappings"),
    path("exports/<slug:kind>", exchange_api.ExportApi.as_view(), name="export"),
]
