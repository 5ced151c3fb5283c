"""Routes of the portfolio API (applications, dependencies, spend, targets, balance,
legacy risk, scenarios), included in /api/v1 by ``omslag.api_urls``."""

from django.urls import path

from omslag.common.api.history import history_views

from . import access, api

ApplicationHistory, ApplicationRestore = history_views(
    "application",
    lambda person, pk: access.application_get_readable(person, pk, include_deleted=True),
    "applications",
    "pk",
)

urlpatterns = [
    path(
        "organisations/<slug:slug>/applications",
        api.ApplicationListApi.as_view(),
        name="applications",
    ),
    path("applications/<int:pk>", api.ApplicationDetailApi.as_view(), name="application"),
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
        api.ApplicationDependencyListApi.as_view(),
        name="application-dependencies",
    ),
    path("dependencies/<int:pk>", api.DependencyDetailApi.as_view(), name="dependency"),
    path(
        "organisations/<slug:slug>/spend-lines",
        api.SpendLineListApi.as_view(),
        name="spend-lines",
    ),
    path("spend-lines/<int:pk>", api.SpendLineDetailApi.as_view(), name="spend-line"),
    path(
        "organisations/<slug:slug>/spend-targets",
        api.SpendTargetListApi.as_view(),
        name="spend-targets",
    ),
    path("spend-targets/<int:pk>", api.SpendTargetDetailApi.as_view(), name="spend-target"),
    path("organisations/<slug:slug>/balance", api.BalanceApi.as_view(), name="balance"),
    path(
        "organisations/<slug:slug>/legacy-risk",
        api.LegacyRiskApi.as_view(),
        name="legacy-risk",
    ),
    path(
        "organisations/<slug:slug>/scenarios",
        api.ScenarioListApi.as_view(),
        name="scenarios",
    ),
    path(
        "organisations/<slug:slug>/scenario-comparison",
        api.ScenarioComparisonApi.as_view(),
        name="scenario-comparison",
    ),
    path("scenarios/<int:pk>", api.ScenarioDetailApi.as_view(), name="scenario"),
    path(
        "scenarios/<int:pk>/changes",
        api.ScenarioChangeListApi.as_view(),
        name="scenario-changes",
    ),
    path(
        "scenarios/<int:pk>/projection",
        api.ScenarioProjectionApi.as_view(),
        name="scenario-projection",
    ),
    path(
        "scenario-changes/<int:pk>",
        api.ScenarioChangeDetailApi.as_view(),
        name="scenario-change",
    ),
]
