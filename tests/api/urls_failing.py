"""A URL configuration for tests: the real one plus an API address whose view fails outside
DRF, to show that even such a failure answers problem+json."""

from django.urls import path

from omslag.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def failing_view(request):
    raise RuntimeError("a bug, on purpose")


urlpatterns = [path("api/v1/failing", failing_view), *urlpatterns]
