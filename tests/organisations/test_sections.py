"""The organisation page lists every app's registers from the registrations the apps make, so
a new app plugs in without editing the organisations template."""

import re

import pytest

from omslag.common import sections
from omslag.common.sections import RegisterLink, organisation_link_register

# What the page must offer, written out here rather than read from the registrations: the
# section anchors in page order, and each section's links in order.
EXPECTED = {
    "board": ["/organisations/{slug}/dashboard"],
    "legacy-and-spend": [
        "/organisations/{slug}/applications",
        "/organisations/{slug}/spend",
        "/organisations/{slug}/balance",
        "/organisations/{slug}/scenarios",
    ],
    "large-ict-projects": [
        "/organisations/{slug}/projects",
        "/organisations/{slug}/project-portfolio",
        "/organisations/{slug}/reference-classes",
    ],
    "innovation": [
        "/organisations/{slug}/experiments",
        "/organisations/{slug}/funnel",
        "/organisations/{slug}/challenges",
        "/organisations/{slug}/ideas",
    ],
    "safeguards": [
        "/organisations/{slug}/assessments",
        "/organisations/{slug}/safeguard-coverage",
        "/organisations/{slug}/gate-requirements",
        "/organisations/{slug}/algorithms",
        "/assessment-templates",
    ],
    "digital-maturity": [
        "/organisations/{slug}/maturity",
        "/organisations/{slug}/maturity/peers",
    ],
    "open-government": ["/organisations/{slug}/publications", "/open/"],
    "oversight": ["/organisations/{slug}/audit"],
}


def section_links(html: str) -> dict[str, list[str]]:
    found = {}
    for key, body in re.findall(
        r'<h2 id="([a-z-]+)">.*?</h2>\s*<ul class="section-links">(.*?)</ul>', html, re.S
    ):
        found[key] = re.findall(r'<li><a href="([^"]+)">', body)
    return found


@pytest.fixture
def page(client, tree, make_member):
    agency = tree[1]
    client.force_login(make_member("viewer", agency))

    def get():
        response = client.get(f"/organisations/{agency.slug}", HTTP_ACCEPT_LANGUAGE="nl")
        assert response.status_code == 200
        return response.content.decode()

    return agency, get


def test_every_app_s_registers_are_linked_in_order(page):
    agency, get = page
    expected = {
        key: [link.format(slug=agency.slug) for link in links] for key, links in EXPECTED.items()
    }
    links = section_links(get())
    assert links == expected
    assert list(links) == list(expected)


def test_the_headings_and_descriptions_are_in_dutch(page):
    _agency, get = page
    html = get()
    assert '<h2 id="legacy-and-spend">Legacy en uitgaven</h2>' in html
    assert '<h2 id="large-ict-projects">Grote ICT-projecten</h2>' in html
    assert ">Experimenten</a>" in html and ">Toetsen</a>" in html


def test_a_newly_registered_register_appears_without_editing_the_template(page):
    agency, get = page
    saved = {key: list(section.links) for key, section in sections._SECTIONS.items()}
    try:
        sections.organisation_section_register("new-app", "New app", 1)
        organisation_link_register(
            RegisterLink(
                section="new-app",
                url_name="organisations:people",
                label="A new register",
                description="What the new app keeps.",
                order=10,
            )
        )
        links = section_links(get())
        assert list(links)[0] == "new-app"
        assert links["new-app"] == [f"/organisations/{agency.slug}/people"]
    finally:
        sections._SECTIONS.pop("new-app", None)
        for key, links in saved.items():
            sections._SECTIONS[key].links[:] = links
