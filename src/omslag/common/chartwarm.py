"""Charts drawn before anybody asks: after an organisation's stored figures were refreshed, a
task draws the charts of the organisation's chart pages into the cache (``ChartImage.svg``). A
chart's cache key is its ETag, a hash of its data and language only (``common.chartimages``),
so the first visitor after an edit finds it drawn.

The seam is a drawing function per chart page, registered by the app that owns the page:
``chart_page_register("portfolio:balance", balance_charts)``, where ``balance_charts(slug)``
returns the page's charts (``ChartImage``: its SVG and its ETag) for the page's default
selection. The page's view builds its charts with the same function (or the selector behind
it), so a chart drawn ahead is the chart the page serves, byte for byte; no view is called from
the task. Only with a real queue: with the immediate backend the drawing would happen inside
the writing request, which is what this avoids.
"""

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django_tasks import task

from .chartimages import ChartImage

logger = logging.getLogger(__name__)

ChartDrawing = Callable[[str], Iterable[ChartImage]]
"""An organisation's slug → the charts its page shows in the page's default selection."""

_PAGES: dict[str, ChartDrawing] = {}


def chart_page_register(url_name: str, charts: ChartDrawing) -> None:
    """A page of an organisation (a URL name with a ``slug``) whose charts are drawn ahead by
    ``charts`` (the function its view builds them with)."""
    _PAGES[url_name] = charts


def chart_pages() -> list[str]:
    return list(_PAGES)


def chart_page_charts(url_name: str, slug: str) -> list[ChartImage]:
    """The charts of a registered page of this organisation, not yet drawn."""
    return list(_PAGES[url_name](slug))


@dataclass
class WarmResult:
    pages: int = 0
    charts: int = 0
    failed: int = 0
    seconds: float = 0.0
    etags: list[str] = field(default_factory=list)


def charts_warm(slugs, languages=None) -> WarmResult:
    """Draw the charts of the registered pages of these organisations, in each language, into
    the cache. A page whose charts fail is logged and skipped (a chart is then drawn on its
    first request, as without this)."""
    result = WarmResult()
    started = time.perf_counter()
    for language in languages or [code for code, _name in settings.LANGUAGES]:
        with translation.override(language):
            for slug in slugs:
                for url_name, charts in _PAGES.items():
                    try:
                        for image in charts(slug):
                            image.svg  # noqa: B018 (drawn into the cache)
                            result.charts += 1
                            result.etags.append(image.etag)
                        result.pages += 1
                    except Exception:  # never fail the queue for a warm cache
                        logger.exception("Charts of %s for %s not drawn ahead", url_name, slug)
                        result.failed += 1
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
