"""Charts drawn before anybody asks: after an organisation's stored figures were refreshed, a
task renders the organisation's chart pages once, as the installation's reader, and draws every
chart they show into the cache (``ChartImage.svg``). A chart's cache key is a hash of its data
and language only (``common.chartimages``), so the first visitor after an edit finds it drawn.

Apps register their pages with charts (``chart_page_register("portfolio:balance")``, a URL
name that takes the organisation's slug). Only with a real queue: with the immediate backend
the drawing would happen inside the writing request, which is what this avoids.
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation
from django_tasks import task

from .chartimages import chart_request_begin, chart_request_end, charts_collected

logger = logging.getLogger(__name__)

_PAGES: list[str] = []


def chart_page_register(url_name: str) -> None:
    """A page of an organisation (a URL name with a ``slug``) whose charts are drawn ahead."""
    if url_name not in _PAGES:
        _PAGES.append(url_name)


def chart_pages() -> list[str]:
    return list(_PAGES)


class PageReader:
    """Who renders the pages ahead: reads everything, is nobody. Its pages go nowhere; only
    their charts, which depend on the data and the language alone, are kept."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = False
    is_anonymous = False
    pk = id = None
    email = full_name = ""

    def get_username(self) -> str:
        return ""


@dataclass
class WarmResult:
    pages: int = 0
    charts: int = 0
    failed: int = 0
    seconds: float = 0.0


def charts_warm(slugs, languages=None) -> WarmResult:
    """Render the registered pages of these organisations in each language and draw their
    charts into the cache. A page that fails is logged and skipped (a chart is then drawn on
    its first request, as without this)."""
    result = WarmResult()
    started = time.perf_counter()
    factory = RequestFactory()
    for language in languages or [code for code, _name in settings.LANGUAGES]:
        with translation.override(language):
            for slug in slugs:
                for url_name in _PAGES:
                    path = reverse(url_name, kwargs={"slug": slug})
                    request = factory.get(path, HTTP_ACCEPT_LANGUAGE=language)
                    request.user = PageReader()
                    request.session = {}
                    request._messages = FallbackStorage(request)
                    request.LANGUAGE_CODE = language
                    token = chart_request_begin(request)
                    try:
                        with charts_collected() as images:
                            match = resolve(path)
                            response = match.func(request, *match.args, **match.kwargs)
                            if getattr(response, "status_code", 500) != 200:
                                raise RuntimeError(f"status {response.status_code}")
                        for image in images:
                            image.svg  # noqa: B018 (drawn into the cache)
                            result.charts += 1
                        result.pages += 1
                    except Exception:  # never fail the queue for a warm cache
                        logger.exception("Charts of %s not drawn ahead", path)
                        result.failed += 1
                    finally:
                        chart_request_end(token)
    result.seconds = time.perf_counter() - started
    return result


@task()
def charts_warm_task(slugs: list[str], changed_at: str | None = None) -> dict:
    """The task: draw the charts of these organisations' pages (queued after a refresh)."""
    outcome = charts_warm(slugs)
    return {"pages": outcome.pages, "charts": outcome.charts, "failed": outcome.failed}


def charts_warm_later(slugs) -> str:
    """Queue the drawing of these organisations' charts, coalesced with a waiting one; nothing
    with a backend that would run it at once (the request would pay for it)."""
    from .stored_figures import refresh_enqueue_coalesced

    if not charts_warm_task.get_backend().supports_defer or not _PAGES:
        return "skipped"
    return refresh_enqueue_coalesced(charts_warm_task, sorted(set(slugs)))
