from django.urls import path

from . import api

urlpatterns = [
    path("open/organisations", api.OpenOrganisationListApi.as_view(), name="open-organisations"),
    path("open/datasets", api.OpenCatalogueApi.as_view(), name="open-datasets"),
    path("open/datasets/dcat", api.OpenCatalogueDcatApi.as_view(), name="open-datasets-dcat"),
    path(
        "open/organisations/<slug:slug>/algorithm-standard",
        api.OpenAlgorithmStandardApi.as_view(),
        name="open-algorithm-standard",
    ),
    path(
        "open/organisations/<slug:slug>/<str:dataset>",
        api.OpenDatasetApi.as_view(),
        name="open-dataset",
    ),
    path(
        "open/organisations/<slug:slug>/<str:dataset>/<int:sourceId>",
        api.OpenRecordApi.as_view(),
        name="open-record",
    ),
]
