"""The real URLs plus a page and an API address whose views fail, for the request id of a 500."""

from django.urls import path

from omslag.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def failing_view(request):
    raise RuntimeError("a bug, on purpose")


urlpatterns = [
    path("failing", failing_view),
    path("api/v1/failing", failing_view),
    *urlpatterns,
]
