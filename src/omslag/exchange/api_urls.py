"""Routes of the import and export API, included in /api/v1 by ``omslag.api_urls``."""

from django.urls import path

from . import api

urlpatterns = [
    path("imports", api.ImportListApi.as_view(), name="imports"),
    path("imports/<int:pk>", api.ImportDetailApi.as_view(), name="import"),
    path("imports/<int:pk>/confirm", api.ImportConfirmApi.as_view(), name="import-confirm"),
    path("column-mappings", api.ColumnMappingListApi.as_view(), name="column-mappings"),
    path("column-mappings/<int:pk>", api.ColumnMappingDetailApi.as_view(), name="column-mapping"),
    path("exports/<slug:kind>", api.ExportApi.as_view(), name="export"),
]
