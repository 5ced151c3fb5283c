"""Routes of the REST API under /api/v1: kebab-case paths, no trailing slashes. Each app
keeps its own routes in its ``api_urls.py``; this file only puts them together."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

# Registers the bearer-token scheme with drf-spectacular before a document is generated.
import omslag.common.api.schema  # noqa: F401
from omslag.accounts import api_urls as accounts_api_urls
from omslag.algorithms import api_urls as algorithms_api_urls
from omslag.audit import api_urls as audit_api_urls
from omslag.exchange import api_urls as exchange_api_urls
from omslag.innovation import api_urls as innovation_api_urls
from omslag.jobs import api_urls as jobs_api_urls
from omslag.leadership import api_urls as leadership_api_urls
from omslag.maturity import api_urls as maturity_api_urls
from omslag.organisations import api_urls as organisations_api_urls
from omslag.portfolio import api_urls as portfolio_api_urls
from omslag.projects import api_urls as projects_api_urls
from omslag.publication import api_urls as publication_api_urls
from omslag.safeguards import api_urls as safeguards_api_urls


class OpenApiView(SpectacularJSONAPIView):
    authentication_classes = []
    permission_classes = []


urlpatterns = [
    path("openapi.json", OpenApiView.as_view(), name="openapi"),
    *accounts_api_urls.urlpatterns,
    *organisations_api_urls.urlpatterns,
    *portfolio_api_urls.urlpatterns,
    *exchange_api_urls.urlpatterns,
    *jobs_api_urls.urlpatterns,
    *projects_api_urls.urlpatterns,
    *innovation_api_urls.urlpatterns,
    *algorithms_api_urls.urlpatterns,
    *safeguards_api_urls.urlpatterns,
    *leadership_api_urls.urlpatterns,
    *maturity_api_urls.urlpatterns,
    *publication_api_urls.urlpatterns,
    *audit_api_urls.urlpatterns,
]
