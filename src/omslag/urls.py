from django.urls import include, path
from django.views.i18n import set_language

from omslag.common import health, metrics
from omslag.common import views as common_views
from omslag.leadership import views as leadership_views
from omslag.publication.urls import open_urlpatterns

urlpatterns = [
    path("", leadership_views.home, name="home"),
    path("language", set_language, name="set_language"),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("history/<slug:key>/<int:pk>", common_views.record_history, name="record-history"),
    path(
        "history/<slug:key>/<int:pk>/restore/<int:history_id>",
        common_views.record_restore,
        name="record-restore",
    ),
    path("", include("omslag.accounts.urls")),
    path("", include("omslag.organisations.urls")),
    path("", include("omslag.jobs.urls")),
    path("", include("omslag.exchange.urls")),
    path("", include("omslag.portfolio.urls")),
    path("", include("omslag.projects.urls")),
    path("", include("omslag.innovation.urls")),
    path("", include("omslag.safeguards.urls")),
    path("", include("omslag.algorithms.urls")),
    path("", include("omslag.leadership.urls")),
    path("", include("omslag.maturity.urls")),
    path("", include("omslag.publication.urls")),
    path("", include("omslag.participation.urls")),
    path("", include("omslag.audit.urls")),
    path("open/", include(open_urlpatterns, namespace="open")),
    path("api/v1/", include(("omslag.api_urls", "api"), namespace="api")),
]

handler400 = "omslag.common.views.bad_request"
handler403 = "omslag.common.views.permission_denied"
handler404 = "omslag.common.views.page_not_found"
handler500 = "omslag.common.views.server_error"
