"""Routes of the REST API under /api/v1: kebab-case paths, no trailing slashes."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

# Registers the bearer-token scheme with drf-spectacular before a document is generated.
import omslag.common.api.schema  # noqa: F401
from omslag.accounts import api as accounts_api
from omslag.algorithms import api_urls as algorithms_api_urls
from omslag.common.api.history import history_views
from omslag.exchange import api as exchange_api
from omslag.innovation import api_urls as innovation_api_urls
from omslag.leadership import api_urls as leadership_api_urls
from omslag.maturity import api_urls as maturity_api_urls
from omslag.organisations import access as organisation_access
from omslag.organisations import api as organisations_api
from omslag.portfolio import access as portfolio_access
from omslag.portfolio import api as portfolio_api
from omslag.projects import api_urls as projects_api_urls
from omslag.publication import api_urls as publication_api_urls
from omslag.safeguards import api_urls as safeguards_api_urls

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
ApplicationHistory, ApplicationRestore = history_views(
    "application",
    lambda person, pk: portfolio_access.application_get_readable(person, pk, include_deleted=True),
    "applications",
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
    # --- the application register, spend and scenarios (portfolio)
    path(
        "organisations/<slug:slug>/applications",
        portfolio_api.ApplicationListApi.as_view(),
        name="applications",
    ),
    path("applications/<int:pk>", portfolio_api.ApplicationDetailApi.as_view(), name="application"),
    path(
        "applications/<int:pk>/history",
        ApplicationHistory.as_view(),
        name="application-history",
    ),
    path(
        "applications/<int:pk>/history/<int:historyId>/restore",
        ApplicationRestore.as_view(),
        name="application-restore",
    ),
    path(
        "applications/<int:pk>/dependencies",
        portfolio_api.ApplicationDependencyListApi.as_view(),
        name="application-dependencies",
    ),
    path("dependencies/<int:pk>", portfolio_api.DependencyDetailApi.as_view(), name="dependency"),
    path(
        "organisations/<slug:slug>/spend-lines",
        portfolio_api.SpendLineListApi.as_view(),
        name="spend-lines",
    ),
    path("spend-lines/<int:pk>", portfolio_api.SpendLineDetailApi.as_view(), name="spend-line"),
    path(
        "organisations/<slug:slug>/spend-targets",
        portfolio_api.SpendTargetListApi.as_view(),
        name="spend-targets",
    ),
    path(
        "spend-targets/<int:pk>", portfolio_api.SpendTargetDetailApi.as_view(), name="spend-target"
    ),
    path("organisations/<slug:slug>/balance", portfolio_api.BalanceApi.as_view(), name="balance"),
    path(
        "organisations/<slug:slug>/legacy-risk",
        portfolio_api.LegacyRiskApi.as_view(),
        name="legacy-risk",
    ),
    path(
        "organisations/<slug:slug>/scenarios",
        portfolio_api.ScenarioListApi.as_view(),
        name="scenarios",
    ),
    path(
        "organisations/<slug:slug>/scenario-comparison",
        portfolio_api.ScenarioComparisonApi.as_view(),
        name="scenario-comparison",
    ),
    path("scenarios/<int:pk>", portfolio_api.ScenarioDetailApi.as_view(), name="scenario"),
    path(
        "scenarios/<int:pk>/changes",
        portfolio_api.ScenarioChangeListApi.as_view(),
        name="scenario-changes",
    ),
    path(
        "scenarios/<int:pk>/projection",
        portfolio_api.ScenarioProjectionApi.as_view(),
        name="scenario-projection",
    ),
    path(
        "scenario-changes/<int:pk>",
        portfolio_api.ScenarioChangeDetailApi.as_view(),
        name="scenario-change",
    ),
    path("imports", exchange_api.ImportListApi.as_view(), name="imports"),
    path("imports/<int:pk>", exchange_api.ImportDetailApi.as_view(), name="import"),
    path(
        "imports/<int:pk>/confirm", exchange_api.ImportConfirmApi.as_view(), name="import-confirm"
    ),
    path("column-mappings", exchange_api.ColumnMappingListApi.as_view(), name="column-mappings"),
    path("exports/<slug:kind>", exchange_api.ExportApi.as_view(), name="export"),
    *projects_api_urls.urlpatterns,
    *innovation_api_urls.urlpatterns,
    *algorithms_api_urls.urlpatterns,
    *safeguards_api_urls.urlpatterns,
    *leadership_api_urls.urlpatterns,
    *maturity_api_urls.urlpatterns,
    *publication_api_urls.urlpatterns,
]
