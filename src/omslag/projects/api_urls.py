"""Routes of the projects API under /api/v1 (included by omslag.api_urls): kebab-case paths,
no trailing slashes."""

from django.urls import path

from omslag.common.api.history import history_views

from . import access, api

ProjectHistory, ProjectRestore = history_views(
    "project",
    lambda person, pk: access.project_get_readable(person, pk, include_deleted=True),
    "projects",
    "pk",
)
ReportHistory, ReportRestore = history_views(
    "report",
    lambda person, pk: access.report_get_readable(person, pk, include_deleted=True),
    "reports",
    "pk",
)


def _part_routes():
    """/projects/{id}/<parts> to list and add, /<parts>/{id} to read, change and delete."""
    routes = []
    for part in api.PARTS:
        list_view, detail_view = api.part_views(part)
        singular = part.path.removesuffix("s")
        routes += [
            path(
                f"projects/<int:pk>/{part.path}",
                list_view.as_view(),
                name=f"project-{part.path}",
            ),
            path(f"{part.path}/<int:pk>", detail_view.as_view(), name=singular),
        ]
    return routes


urlpatterns = [
    path("organisations/<slug:slug>/projects", api.ProjectListApi.as_view(), name="projects"),
    path("projects/<int:pk>", api.ProjectDetailApi.as_view(), name="project"),
    path("projects/<int:pk>/history", ProjectHistory.as_view(), name="project-history"),
    path(
        "projects/<int:pk>/history/<int:historyId>/restore",
        ProjectRestore.as_view(),
        name="project-restore",
    ),
    path("projects/<int:pk>/reports", api.ProjectReportListApi.as_view(), name="project-reports"),
    path("reports/<int:pk>", api.ReportDetailApi.as_view(), name="report"),
    path("reports/<int:pk>/advance", api.ReportAdvanceApi.as_view(), name="report-advance"),
    path("reports/<int:pk>/correct", api.ReportCorrectApi.as_view(), name="report-correct"),
    path("reports/<int:pk>/history", ReportHistory.as_view(), name="report-history"),
    path(
        "reports/<int:pk>/history/<int:historyId>/restore",
        ReportRestore.as_view(),
        name="report-restore",
    ),
    *_part_routes(),
    path(
        "organisations/<slug:slug>/reference-classes",
        api.ReferenceClassListApi.as_view(),
        name="reference-classes",
    ),
    path(
        "organisations/<slug:slug>/reference-classes/build",
        api.ReferenceClassBuildApi.as_view(),
        name="reference-class-build",
    ),
    path(
        "reference-classes/<int:pk>",
        api.ReferenceClassDetailApi.as_view(),
        name="reference-class",
    ),
    path(
        "organisations/<slug:slug>/forecast",
        api.OrganisationForecastApi.as_view(),
        name="forecast",
    ),
    path(
        "organisations/<slug:slug>/exchange-rates",
        api.ExchangeRateListApi.as_view(),
        name="exchange-rates",
    ),
    path(
        "organisations/<slug:slug>/reporting-currency",
        api.ReportingCurrencyApi.as_view(),
        name="reporting-currency",
    ),
    path("projects/<int:pk>/forecast", api.ProjectForecastApi.as_view(), name="project-forecast"),
]
