"""Charts as separate SVG resources at the address of their page: no data: images, an ETag
and cache headers, 304 on a match, drawn once per data, and exactly the page's rights."""

import re

import pytest
from django.test import Client
from django.utils import translation

from omslag.common import chartimages, charts

from ..chart_images import chart_svgs, chart_urls
from ..factories import member
from ..portfolio.factories import application, spend


def client_for(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


@pytest.fixture
def org(tree):
    return tree[2]


@pytest.fixture
def balance(org):
    spend(org, 2024, 700_000, "run")
    spend(org, 2024, 300_000, "change")
    spend(org, 2025, 650_000, "run")
    spend(org, 2025, 350_000, "innovate")
    application(org, "Zaaksysteem", value=4, condition=2)
    return f"/organisations/{org.slug}/balance"


@pytest.fixture
def viewer(org):
    return client_for(member("viewer", org))


def test_the_page_links_its_charts_and_carries_no_data_images(balance, viewer):
    response = viewer.get(balance)
    page = response.content.decode()
    assert "data:image" not in page
    urls = chart_urls(page)
    assert [re.search(r"chart=([^&]+)", url).group(1) for url in urls] == ["balance", "time"]
    assert all(url.startswith(balance + "?chart=") and "&v=" in url for url in urls)
    assert "data:" not in response["Content-Security-Policy"].split("img-src")[1].split(";")[0]


def test_a_chart_is_svg_with_a_strong_etag_and_private_caching(balance, viewer):
    url = chart_urls(viewer.get(balance).content.decode())[0]
    answer = viewer.get(url)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/svg+xml; charset=utf-8"
    etag = answer["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)  # strong: no W/
    assert etag.strip('"') in url  # the address names the version it shows
    assert answer["Cache-Control"] == f"private, max-age={chartimages.MAX_AGE}"
    assert answer.content.decode().lstrip().startswith("<?xml")
    again = viewer.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    other = viewer.get(url, HTTP_IF_NONE_MATCH='"0123"')
    assert other.status_code == 200


def test_new_data_gives_a_new_tag_and_the_same_data_the_same(
    transactional_db, org, balance, viewer
):
    # Real commits: a change refreshes the stored figures by the task it enqueues on commit.
    first = chart_urls(viewer.get(balance).content.decode())
    assert chart_urls(viewer.get(balance).content.decode()) == first
    spend(org, 2025, 100_000, "change")
    second = chart_urls(viewer.get(balance).content.decode())
    assert second[0] != first[0]  # the balance changed
    assert second[1] == first[1]  # the applications did not


def test_a_chart_is_drawn_once_per_data(balance, viewer, monkeypatch):
    url = chart_urls(viewer.get(balance).content.decode())[1]
    svg = viewer.get(url).content
    chartimages._local.clear()  # another process: only the shared cache has it
    monkeypatch.setattr(charts, "_svg", lambda figure: pytest.fail("drawn again"))
    assert viewer.get(url).content == svg


def test_a_chart_has_exactly_the_rights_of_its_page(tree, org, balance, viewer):
    urls = chart_urls(viewer.get(balance).content.decode())
    stranger = client_for(member("viewer", tree[0]))  # a member elsewhere only
    for url in urls:
        assert stranger.get(url).status_code == 404
        assert stranger.get(url, HTTP_IF_NONE_MATCH="*").status_code == 404
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login?next=")


def test_a_chart_name_the_page_does_not_draw_is_not_found(balance, viewer):
    assert viewer.get(balance, {"chart": "nothing"}).status_code == 404
    # a page without charts never answers a chart address with itself
    assert viewer.get("/", {"chart": "balance"}).status_code == 404


def test_svgs_fetched_as_a_browser_would(balance, viewer):
    svgs = chart_svgs(viewer, viewer.get(balance))
    assert len(svgs) == 2 and all("<svg" in svg for svg in svgs)


def test_the_tag_does_not_depend_on_the_process():
    """Functions are hashed by name and captured values, never by their address."""

    def formatter(unit):
        return lambda value: f"{value} {unit}"

    def tag(unit):
        return charts.histogram(
            name="h", edges=[0, 1, 2], counts=[1, 2], x_label="x", y_label="y",
            x_format=formatter(unit),
        ).etag  # fmt: skip

    assert tag("m") == tag("m")
    assert tag("m") != tag("km")


def test_the_tag_depends_on_the_language():
    """A chart drawn for a Dutch reader is never served to an English one from the cache."""

    def tag(language):
        with translation.override(language):
            return charts.funnel_bars(
                name="b", labels=["a"], values=[1], notes=[""], x_label="n"
            ).etag

    assert tag("nl") == tag("nl") and tag("nl") != tag("en")
