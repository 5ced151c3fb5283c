"""Charts drawn ahead: after an organisation's stored figures are refreshed, a task draws the
charts of its chart pages (balance, project portfolio, board dashboard) into the cache with the
drawing function each app registers for its page (the function the page's view builds its
charts with; no view is called), so the first visitor after an edit finds each chart drawn."""

import re

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from omslag.common import chartimages
from omslag.common.chartwarm import (
    chart_page_charts,
    chart_pages,
    charts_warm,
    charts_warm_task,
)
from omslag.projects import services as project_services
from omslag.projects import tasks as project_tasks

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PAGES = [
    "/organisations/ministerie/balance",
    "/organisations/ministerie/project-portfolio",
    "/organisations/ministerie/dashboard",
]
URL_NAMES = {
    "portfolio:balance": PAGES[0],
    "projects:portfolio": PAGES[1],
    "leadership:dashboard": PAGES[2],
}


def chart_tags(client, path) -> list[str]:
    page = client.get(path)
    assert page.status_code == 200
    return re.findall(r"[?&]amp;v=([0-9a-f]{32})|[?&]v=([0-9a-f]{32})", page.content.decode())


def tags_of(client) -> set[str]:
    found = set()
    for path in PAGES:
        for first, second in chart_tags(client, path):
            found.add(first or second)
    return found


def drawn(tag) -> bool:
    return cache.get("chart-svg-" + tag) is not None


def forget_drawings():
    cache.clear()
    chartimages._local.clear()


def test_the_pages_are_registered():
    assert {"portfolio:balance", "projects:portfolio", "leadership:dashboard"} <= set(chart_pages())


def test_after_drawing_ahead_every_chart_of_the_pages_is_in_the_cache(world):
    client = Client()  # Dutch, as a first visitor
    client.force_login(world["board"])
    forget_drawings()
    tags = tags_of(client)
    assert len(tags) >= 4  # balance, TIME, scenarios, the fan chart, the tiles ...
    assert not any(drawn(tag) for tag in tags)  # a page draws nothing itself
    outcome = charts_warm(["ministerie"])
    assert outcome.failed == 0 and outcome.pages == len(chart_pages()) * 2  # nl and en
    assert all(drawn(tag) for tag in tags), "a chart of the page was not drawn ahead"
    # The chart the visitor's browser asks for is then answered from the cache.
    chartimages._local.clear()
    drawings = []
    real_svg = chartimages.ChartImage.svg.fget

    def counting(image):
        if cache.get("chart-svg-" + image.etag) is None:
            drawings.append(image.name)
        return real_svg(image)

    chartimages.ChartImage.svg = property(counting)
    try:
        page = client.get(PAGES[0]).content.decode()
        addresses = re.findall(r'src="(/organisations/ministerie/balance\?[^"]+)"', page)
        assert len(addresses) >= 2
        for address in addresses:
            answer = client.get(address.replace("&amp;", "&"))
            assert answer.status_code == 200 and answer["Content-Type"].startswith("image/svg")
    finally:
        chartimages.ChartImage.svg = property(real_svg)
    assert drawings == []


@override_settings(TASKS=DATABASE_BACKEND)
def test_a_refresh_queues_the_drawing_of_the_organisation_and_those_above_it(world):
    agency = world["agencies"][0]
    project_services.project_create(actor=None, organisation=agency, name="Nieuw")
    # The worker's refresh of the figures queues the drawing (coalesced, like the refresh).
    project_tasks.project_stored_figures_refresh.call([agency.pk])
    project_tasks.project_stored_figures_refresh.call([agency.pk])
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=charts_warm_task.module_path
    )
    assert [r.args_kwargs["args"][0] for r in waiting] == [[agency.slug, "ministerie"]]


def test_with_the_immediate_backend_nothing_is_drawn_ahead(world, monkeypatch):
    """Drawing ahead with a backend that runs at once would put it back in the request."""
    called = []
    monkeypatch.setattr("omslag.common.chartwarm.charts_warm", lambda *a, **k: called.append(a))
    project_services.project_create(actor=None, organisation=world["ministry"], name="Nieuw")
    assert called == []


def chart_addresses(client, path) -> list[str]:
    page = client.get(path)
    assert page.status_code == 200
    return [
        address.replace("&amp;", "&")
        for address in re.findall(r'src="(' + re.escape(path) + r'\?[^"]+)"', page.content.decode())
    ]


@pytest.mark.parametrize("url_name", sorted(URL_NAMES))
def test_a_chart_drawn_ahead_is_byte_identical_to_the_one_its_page_serves(world, url_name):
    """For each page: the charts the registered drawing function draws ahead are the charts the
    page shows (the same ETags) and the SVG in the cache is, byte for byte, what the page's
    address answers when drawn afresh by the page itself."""
    path = URL_NAMES[url_name]
    client = Client()  # Dutch, as a first visitor
    client.force_login(world["board"])
    forget_drawings()
    with translation.override("nl"):
        outcome = charts_warm(["ministerie"], languages=["nl"])
        images = chart_page_charts(url_name, "ministerie")
        warmed = {image.etag: cache.get("chart-svg-" + image.etag) for image in images}
    assert outcome.failed == 0
    assert images and all(svg for svg in warmed.values())
    assert set(warmed) <= set(outcome.etags)

    addresses = chart_addresses(client, path)
    served_tags = [re.search(r"[?&]v=([0-9a-f]{32})", a).group(1) for a in addresses]
    assert sorted(served_tags) == sorted(warmed), "the page shows other charts than drawn ahead"
    forget_drawings()  # the page draws each chart itself now
    for address, tag in zip(addresses, served_tags, strict=True):
        answer = client.get(address)
        assert answer.status_code == 200
        assert answer["ETag"] == f'"{tag}"'
        assert answer.content == warmed[tag].encode(), f"{address} differs from the drawing ahead"


def test_drawing_ahead_calls_no_view(world, monkeypatch):
    """The task draws with the registered functions only: resolving a URL to a view, or
    rendering a template, fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a view was called while drawing ahead")

    monkeypatch.setattr("django.urls.resolve", refuse)
    monkeypatch.setattr("django.shortcuts.render", refuse)
    monkeypatch.setattr("django.template.loader.render_to_string", refuse)
    forget_drawings()
    outcome = charts_warm(["ministerie"], languages=["nl"])
    assert outcome.failed == 0 and outcome.pages == len(chart_pages())
    assert outcome.charts == len(outcome.etags) >= 4
