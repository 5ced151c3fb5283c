"""The publications overview of an organisation with many records: a few of each kind with a
link to all of them, and one kind page by page, so the page stays light (issue 13)."""

import re

from omslag.common.pages import PAGE_SIZE
from omslag.projects.models import Project
from omslag.publication.views.manage import OVERVIEW_RECORDS

PROJECTS = 130


def projects(org) -> dict[int, str]:
    Project.objects.bulk_create(
        [
            Project(organisation=org, name=f"Overzichtproject {i:03d}", external_id=f"ov-{i}")
            for i in range(PROJECTS)
        ]
    )
    return dict(Project.objects.filter(organisation=org).values_list("pk", "name"))


def proposable(page: str) -> set[int]:
    """The project ids the page offers to propose (one form per record)."""
    return {
        int(pk)
        for pk in re.findall(
            r'name="kind" value="project"><input type="hidden" name="source_id" value="(\d+)"',
            page,
        )
    }


def test_the_overview_shows_a_few_records_of_a_kind_and_links_all_of_them(client, org, editor):
    projects(org)
    client.force_login(editor)
    response = client.get(f"/organisations/{org.slug}/publications", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert len(proposable(page)) == OVERVIEW_RECORDS == 20
    assert f'href="?kind=project">All {PROJECTS} records of this kind' in page


def test_one_kind_page_by_page_reaches_every_record(client, org, editor):
    names = projects(org)
    client.force_login(editor)
    seen: set[int] = set()
    pages = 0
    address = f"/organisations/{org.slug}/publications?kind=project"
    while address:
        page = client.get(address, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        on_page = proposable(page)
        assert 0 < len(on_page) <= PAGE_SIZE
        seen |= on_page
        pages += 1
        following = re.search(r'<a href="([^"]+)" rel="next">', page)
        address = following and address.split("?")[0] + following.group(1).replace("&amp;", "&")
    assert pages == -(-PROJECTS // PAGE_SIZE) == 3
    assert seen == set(names)
