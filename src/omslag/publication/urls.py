from django.urls import path, register_converter

from .views import manage, open

app_name = "publication"


class SegmentConverter:
    regex = "projects|experiments|lessons|algorithms|challenges|balance-years"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SegmentConverter, "segment")

urlpatterns = [
    path("organisations/<slug:slug>/publications", manage.overview, name="overview"),
    path("organisations/<slug:slug>/publications/propose", manage.propose, name="propose"),
    path("organisations/<slug:slug>/publications/settings", manage.settings_save, name="settings"),
    path(
        "organisations/<slug:slug>/publications/<str:kind>/<int:source_id>/withdraw",
        manage.withdraw,
        name="withdraw",
    ),
    path("publications/<int:pk>/preview", manage.preview, name="preview"),
    path("publications/<int:pk>/approve", manage.approve, name="approve"),
    path("publications/<int:pk>/reject", manage.reject, name="reject"),
]

open_urlpatterns = (
    [
        path("", open.start, name="start"),
        path("datasets", open.catalogue_page, name="catalogue"),
        path("<slug:slug>", open.organisation_page, name="organisation"),
        path("<slug:slug>/<segment:segment>", open.dataset_list, name="list"),
        path("<slug:slug>/<segment:segment>/download/<str:fmt>", open.download, name="download"),
        path("<slug:slug>/<segment:segment>/<int:source_id>", open.record, name="record"),
        path("<slug:slug>/<segment:segment>/<int:source_id>/notice", open.notice, name="notice"),
    ],
    "open",
)
