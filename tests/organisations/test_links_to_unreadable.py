"""A viewer of an agency sees the ministry above it by name, without a link that would answer
404; a person who may read the ministry gets the link."""

import re

import pytest
from django.test import Client

from omslag.organisations.models import Role


def client_for(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


PAGES = [
    "/organisations/{slug}",
    "/organisations/{slug}/balance",
    "/organisations/{slug}/projects",
    "/organisations/{slug}/experiments",
    "/organisations/{slug}/assessments",
    "/organisations/{slug}/algorithms",
]


@pytest.mark.django_db
def test_the_ministry_is_named_but_not_linked_for_a_viewer_of_the_agency(tree, make_member):
    ministry, agency, _ = tree
    viewer = client_for(make_member(Role.VIEWER, agency))
    assert viewer.get(f"/organisations/{ministry.slug}").status_code == 404
    for page in PAGES:
        url = page.format(slug=agency.slug)
        response = viewer.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert ministry.name in body, url
        assert f'href="/organisations/{ministry.slug}"' not in body, url
        assert f'href="/organisations/{agency.slug}"' in body, url  # its own page is linked


@pytest.mark.django_db
def test_the_ministry_is_linked_for_someone_who_may_read_it(tree, make_member):
    ministry, agency, _ = tree
    reader = client_for(make_member(Role.VIEWER, ministry))
    body = reader.get(f"/organisations/{agency.slug}").content.decode()
    assert len(re.findall(rf'href="/organisations/{ministry.slug}"', body)) == 2  # crumb, part of
