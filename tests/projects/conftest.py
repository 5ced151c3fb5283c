"""Fixtures for the projects tests: the organisations and API clients by role (requests go
through ``tests.api.calls``)."""

import pytest

from omslag.organisations.models import Role


@pytest.fixture
def orgs(tree):
    """ministry > agency, and an unrelated municipality."""
    return tree


@pytest.fixture
def client_as(make_member, api_for):
    def make(role, organisation):
        client = api_for(make_member(role, organisation))
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # reasons are asserted in English
        return client

    return make


@pytest.fixture
def editor(orgs, client_as):
    return client_as(Role.EDITOR, orgs[1])


@pytest.fixture
def viewer(orgs, client_as):
    return client_as(Role.VIEWER, orgs[1])


@pytest.fixture
def outsider(orgs, client_as):
    """An administrator of the municipality: the agency's records are not found for them."""
    return client_as(Role.ADMIN, orgs[2])
