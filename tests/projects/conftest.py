"""Helpers for the projects API tests: every answer is checked against an OpenAPI document
generated from the code at the start of the session (the committed openapi.json is
regenerated once for all apps, so it may lag behind the code while work is in progress)."""

import json
from urllib.parse import urlencode

import pytest
from django.core.management import call_command

from omslag.organisations.models import Role
from tests.api.conftest import PROBLEM_JSON, OpenApiDocument, camel_case_violations


@pytest.fixture(scope="session")
def fresh_openapi(tmp_path_factory) -> OpenApiDocument:
    target = tmp_path_factory.mktemp("openapi") / "openapi.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(target), "--validate")
    return OpenApiDocument(json.loads(target.read_text()))


@pytest.fixture
def call(fresh_openapi):
    """Send a request to ``template`` (a path of the document) and check the answer against
    the document before returning it."""

    def send(client, method, template, body=None, query=None, multipart=False, **path):
        url = "/api/v1" + template.format(**path)
        if query:
            url += "?" + urlencode(query, doseq=True)
        request = getattr(client, method)
        if multipart:
            response = request(url, body, format="multipart")
        elif body is not None:
            response = request(url, body, format="json")
        else:
            response = request(url)
        fresh_openapi.assert_matches(response, template, method)
        media_type = response.get("Content-Type", "").split(";")[0]
        # An exported file is data with the register's own column names, not API fields.
        is_file = template.startswith("/exports/") and response.status_code == 200
        if response.content and media_type in ("application/json", PROBLEM_JSON) and not is_file:
            assert not camel_case_violations(response.json())
        return response

    return send


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def problem(response, status) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_JSON
    return response.json()


def invalid(body) -> dict[str, str]:
    return {param["name"]: param["reason"] for param in body["invalidParams"]}


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
