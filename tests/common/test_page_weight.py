"""Light pages at scale: with thousands of applications, spend lines and projects in one
organisation, every register page stays under 300 KB of HTML, every chart under 100 KB of
SVG, and the full data stays reachable (the next pages, or the download)."""

import csv
import importlib.util
import io
import re
from pathlib import Path

import pytest

from omslag.portfolio.models import Application, SpendLine
from omslag.projects.models import Project

from ..chart_images import chart_urls

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
FACTOR = 0.7  # 2,100 applications, 4,200 dependencies, 14,000 spend lines, 2,100 projects
HTML_LIMIT = 300 * 1024
SVG_LIMIT = 100 * 1024


def bench():
    spec = importlib.util.spec_from_file_location(
        "bench_page_weight", BENCHMARKS / "bench_page_weight.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def national(db):
    module = bench()
    organisation, sizes = module.seed(FACTOR)
    return module, organisation, sizes, module.reader(organisation)


def test_the_seed_holds_thousands_of_rows(national):
    _module, organisation, sizes, _client = national
    assert Application.objects.filter(organisation=organisation).count() == 2_100
    assert SpendLine.objects.filter(organisation=organisation).count() == 14_000
    assert Project.objects.filter(organisation=organisation).count() == 2_100
    assert sizes["applications"] == 2_100


def test_every_register_page_is_light_and_so_are_its_charts(national):
    module, organisation, _sizes, client = national
    for label, pattern in module.PAGES:
        response = client.get(pattern.format(slug=organisation.slug))
        assert response.status_code == 200, label
        assert len(response.content) < HTML_LIMIT, (label, len(response.content))
        page = response.content.decode()
        assert "data:image" not in page, label
        for url in chart_urls(page):
            svg = client.get(url)
            assert svg.status_code == 200, (label, url)
            assert len(svg.content) < SVG_LIMIT, (label, url, len(svg.content))


def walk(client, url: str, item: re.Pattern) -> set[int]:
    """The ids of every item linked from the list, following its "next page" links."""
    seen: set[int] = set()
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200 and len(response.content) < HTML_LIMIT
        page = response.content.decode()
        seen |= {int(pk) for pk in item.findall(page)}
        following = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = following and url.split("?")[0] + following.group(1).replace("&amp;", "&")
        pages += 1
    assert pages > 1  # it was paginated, not rendered whole
    return seen


def test_the_whole_application_register_is_reachable_page_by_page(national):
    _module, organisation, _sizes, client = national
    seen = walk(
        client,
        f"/organisations/{organisation.slug}/applications",
        re.compile(r"/applications/(\d+)"),
    )
    expected = set(
        Application.objects.filter(organisation=organisation).values_list("pk", flat=True)
    )
    assert seen == expected


def test_the_whole_project_register_is_reachable_page_by_page(national):
    _module, organisation, _sizes, client = national
    seen = walk(
        client, f"/organisations/{organisation.slug}/projects", re.compile(r'"/projects/(\d+)"')
    )
    expected = set(Project.objects.filter(organisation=organisation).values_list("pk", flat=True))
    assert seen == expected


def test_every_spend_line_is_in_the_download_the_spend_page_links(national):
    _module, organisation, _sizes, client = national
    page = client.get(f"/organisations/{organisation.slug}/spend").content.decode()
    link = re.search(r'href="([^"]*kind=spend&amp;format=csv)"', page)
    assert link is not None
    address = link.group(1).replace("&amp;", "&")
    offer = client.get(address)
    # Above OMSLAG_EXPORT_INLINE_ROWS the link offers a button that prepares the file as a job
    # (run at once by the tests' immediate backend); its page links the download.
    assert offer.status_code == 200 and 'method="post"' in offer.content.decode()
    path, _, query = address.partition("?")
    queued = client.post(path, dict(part.split("=", 1) for part in query.split("&")))
    assert queued.status_code == 302 and queued["Location"].startswith("/jobs/")
    download = client.get(queued["Location"] + "/download")
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == SpendLine.objects.filter(organisation=organisation).count() == 14_000
