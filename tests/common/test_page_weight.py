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


# --- the seeded mode's list of pages (derived from the URL configuration) ---------------------


def test_the_seeded_mode_finds_every_register_page_from_the_url_configuration():
    module = bench()
    addresses = module.starting_addresses(module.url_routes(), ["org-a", "org-b"])
    # Every register linked from an organisation's page (the sections' registry) is among them,
    # for each organisation, without being named in the benchmark.
    from django.urls import reverse

    from omslag.common.sections import _SECTIONS

    links = [link for section in _SECTIONS.values() for link in section.links]
    assert len(links) > 10
    for link in links:
        for slug in ("org-a", "org-b"):
            address = reverse(link.url_name, args=[slug] if link.per_organisation else [])
            assert address in addresses, address
    # Pages without arguments (the public start page), but nothing that is not a page to open.
    assert "/open/" in addresses and "/organisations" in addresses
    assert not [a for a in addresses if "logout" in a or a.startswith("/api/")]
    assert not [a for a in addresses if "<" in a]


def test_the_seeded_mode_reads_the_choices_of_a_pages_filters_not_of_its_other_forms():
    module = bench()
    parsed = module.parse_page(
        '<a href="/projects/7">p</a><a href="https://elsewhere.example/">x</a>'
        '<form method="get"><select name="status"><option value="">all</option>'
        '<option value="open">open</option><option value="closed">closed</option></select>'
        '<input type="checkbox" name="below" value="1"><input name="q"></form>'
        '<form method="post"><select name="application"><option value="3">a</option></select>'
        "</form>"
    )
    assert parsed.links == ["/projects/7"]
    assert parsed.choices == [("status", "open"), ("status", "closed"), ("below", "1")]
    assert module.filter_addresses("/x", parsed.choices, limit=1) == [
        "/x?status=open",
        "/x?below=1",
    ]


def test_a_kind_of_page_is_its_route_with_the_arguments_that_choose_a_page():
    module = bench()
    assert module.route_of("/projects/7") == module.route_of("/projects/8?page=2")
    assert module.route_of("/open/org-a/projects") != module.route_of("/open/org-a/applications")
    assert module.route_of("/nowhere/at/all") is None
