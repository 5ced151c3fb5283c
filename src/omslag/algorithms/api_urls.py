"""Routes of the algorithms API under /api/v1 (included by omslag.api_urls): kebab-case
paths, no trailing slashes."""

from django.urls import path

from omslag.common.api.history import history_views

from . import access, api

AlgorithmHistory, AlgorithmRestore = history_views(
    "algorithm",
    lambda person, pk: access.algorithm_get_readable(person, pk, include_deleted=True),
    "algorithms",
    "pk",
)

urlpatterns = [
    path(
        "organisations/<slug:slug>/algorithms",
        api.AlgorithmListApi.as_view(),
        name="algorithms",
    ),
    path(
        "organisations/<slug:slug>/algorithm-register",
        api.AlgorithmRegisterExportApi.as_view(),
        name="algorithm-register",
    ),
    path("algorithms/<int:pk>", api.AlgorithmDetailApi.as_view(), name="algorithm"),
    path("algorithms/<int:pk>/history", AlgorithmHistory.as_view(), name="algorithm-history"),
    path(
        "algorithms/<int:pk>/history/<int:historyId>/restore",
        AlgorithmRestore.as_view(),
        name="algorithm-restore",
    ),
    path(
        "algorithms/<int:pk>/measures",
        api.AlgorithmMeasureListApi.as_view(),
        name="algorithm-measures",
    ),
    path(
        "algorithms/<int:pk>/measures/<slug:key>",
        api.AlgorithmMeasureStateApi.as_view(),
        name="algorithm-measure",
    ),
    path("requirements", api.RequirementListApi.as_view(), name="requirements"),
    path("requirements/<str:code>", api.RequirementDetailApi.as_view(), name="requirement"),
    path("measures", api.MeasureListApi.as_view(), name="measures"),
    path("measures/<slug:key>", api.MeasureDetailApi.as_view(), name="measure"),
]
