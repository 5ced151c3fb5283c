"""The API's conventions (Dutch REST API Design Rules), through real requests: every error as
application/problem+json, the API-Version header, no trailing slashes, camelCase fields,
pagination, token and session authentication."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from omslag.accounts.models import ApiToken
from omslag.organisations.models import Organisation, Role
from tests.factories import organisation

from .conftest import PROBLEM_JSON, camel_case_violations

API_VERSION = "1.0.0"


def assert_problem(response, status: int) -> dict:
    """The response is RFC 9457 problem details with this status, and has API-Version."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_JSON
    assert response["API-Version"] == API_VERSION
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert not camel_case_violations(body)
    return body


@pytest.fixture
def admin(tree, make_member):
    ministry, _agency, _municipality = tree
    return make_member(Role.ADMIN, ministry)


@pytest.fixture
def admin_api(admin, api_for):
    return api_for(admin)


# --- 400 -----------------------------------------------------------------------------------


def test_bad_field_is_400_naming_the_field_in_camel_case(admin_api, tree):
    ministry, _agency, _municipality = tree

    response = admin_api.post(
        "/api/v1/memberships",
        {"organisation": ministry.slug, "personEmail": "not an address", "role": "king"},
        format="json",
    )

    body = assert_problem(response, 400)
    assert {param["name"] for param in body["invalidParams"]} == {"personEmail", "role"}
    assert all(param["reason"] for param in body["invalidParams"])


def test_malformed_json_is_400(admin_api):
    response = admin_api.post("/api/v1/organisations", "{not json", content_type="application/json")

    assert_problem(response, 400)


# --- 401 and tokens ------------------------------------------------------------------------


def test_no_credentials_is_401_asking_for_a_bearer_token(db):
    response = APIClient().get("/api/v1/organisations")

    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_unknown_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer oms_thisisnotarealtokenatall")

    assert_problem(client.get("/api/v1/me"), 401)


def test_token_is_shown_once_stored_hashed_and_revocable(admin, admin_api):
    issued = admin_api.post("/api/v1/tokens", {"name": "nightly script"}, format="json")
    assert issued.status_code == 201
    secret = issued.json()["token"]

    stored = ApiToken.objects.get(pk=issued.json()["id"])
    assert secret not in str(list(ApiToken.objects.values()))
    assert stored.secret_hash and stored.secret_hash != secret
    listed = admin_api.get("/api/v1/tokens").json()["results"]
    assert "token" not in {key for token in listed for key in token}

    machine = APIClient()
    machine.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert machine.get("/api/v1/me").json()["email"] == admin.email

    assert admin_api.delete(f"/api/v1/tokens/{stored.pk}").status_code == 204
    assert_problem(machine.get("/api/v1/me"), 401)


def test_somebody_elses_token_cannot_be_revoked(admin_api, make_member, tree, api_for):
    _ministry, agency, _municipality = tree
    other = api_for(make_member(Role.VIEWER, agency))
    token = other.post("/api/v1/tokens", {"name": "mine"}, format="json").json()

    assert_problem(admin_api.delete(f"/api/v1/tokens/{token['id']}"), 404)


# --- 403 and CSRF --------------------------------------------------------------------------


def test_viewer_changing_an_organisation_is_403(tree, make_member, api_for):
    _ministry, agency, _municipality = tree
    viewer = api_for(make_member(Role.VIEWER, agency))

    response = viewer.patch(
        f"/api/v1/organisations/{agency.slug}", {"version": 1, "name": "Mine"}, format="json"
    )

    assert_problem(response, 403)
    agency.refresh_from_db()
    assert agency.name != "Mine"


def test_session_write_without_csrf_token_is_refused(admin, tree):
    ministry, _agency, _municipality = tree
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(admin)

    assert client.get(f"/api/v1/organisations/{ministry.slug}").status_code == 200
    response = client.patch(
        f"/api/v1/organisations/{ministry.slug}", {"version": 1, "name": "X"}, format="json"
    )

    body = assert_problem(response, 403)
    assert "CSRF" in body["detail"]
    ministry.refresh_from_db()
    assert ministry.name != "X"


def test_session_write_with_csrf_token_is_accepted(admin, tree):
    ministry, _agency, _municipality = tree
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(admin)
    client.get("/")
    token = client.cookies["csrftoken"].value

    response = client.patch(
        f"/api/v1/organisations/{ministry.slug}",
        {"version": 1, "name": "Ministerie van Omslag"},
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 200, response.content


# --- 404: unknown, foreign, no such address, trailing slash --------------------------------


def test_unknown_organisation_is_404(admin_api):
    assert_problem(admin_api.get("/api/v1/organisations/does-not-exist"), 404)


def test_organisation_of_another_tenant_is_404_not_403(admin_api, tree):
    _ministry, _agency, municipality = tree

    assert_problem(admin_api.get(f"/api/v1/organisations/{municipality.slug}"), 404)
    assert_problem(admin_api.get(f"/api/v1/organisations/{municipality.slug}/history"), 404)


def test_unknown_address_under_the_api_is_404(admin_api):
    assert_problem(admin_api.get("/api/v1/no-such-thing"), 404)


@pytest.mark.parametrize(
    "path", ["/api/v1/organisations/", "/api/v1/organisations/ministerie/", "/api/v1/me/"]
)
def test_trailing_slash_is_404_never_a_redirect(admin_api, path):
    response = admin_api.get(path)

    assert_problem(response, 404)
    assert not response.has_header("Location")


def test_page_beyond_the_last_is_404(admin_api):
    assert_problem(admin_api.get("/api/v1/organisations", {"page": 99}), 404)


# --- 405 -----------------------------------------------------------------------------------


def test_put_on_a_list_is_405_with_the_allowed_methods(admin_api):
    response = admin_api.put("/api/v1/organisations", {}, format="json")

    assert_problem(response, 405)
    assert {m.strip() for m in response["Allow"].split(",")} >= {"GET", "POST"}


# --- 409 -----------------------------------------------------------------------------------


def test_stale_version_is_409_and_the_other_change_is_kept(tree, make_member, api_for):
    _ministry, agency, _municipality = tree
    first = api_for(make_member(Role.EDITOR, agency))
    second = api_for(make_member(Role.EDITOR, agency))
    read_version = first.get(f"/api/v1/organisations/{agency.slug}").json()["version"]

    saved = second.patch(
        f"/api/v1/organisations/{agency.slug}",
        {"version": read_version, "name": "Saved first"},
        format="json",
    )
    assert saved.status_code == 200
    refused = first.patch(
        f"/api/v1/organisations/{agency.slug}",
        {"version": read_version, "name": "Saved second"},
        format="json",
    )

    body = assert_problem(refused, 409)
    assert body["currentVersion"] == saved.json()["version"] == read_version + 1
    assert first.get(f"/api/v1/organisations/{agency.slug}").json()["name"] == "Saved first"


# --- 415 -----------------------------------------------------------------------------------


def test_import_sent_as_json_is_415(admin_api, tree):
    ministry, _agency, _municipality = tree

    response = admin_api.post(
        "/api/v1/imports", {"organisation": ministry.slug, "kind": "organisations"}, format="json"
    )

    assert_problem(response, 415)


def test_organisation_sent_as_plain_text_is_415(admin_api):
    response = admin_api.post("/api/v1/organisations", "slug=x", content_type="text/plain")

    assert_problem(response, 415)


# --- 422 -----------------------------------------------------------------------------------


def test_deleting_an_organisation_with_children_is_422(admin_api, tree):
    ministry, _agency, _municipality = tree

    body = assert_problem(admin_api.delete(f"/api/v1/organisations/{ministry.slug}"), 422)

    assert ministry.name in body["detail"]
    assert Organisation.objects.filter(pk=ministry.pk).exists()


def test_import_with_bad_rows_is_422_with_a_report_and_saves_nothing(admin_api, tree):
    ministry, _agency, _municipality = tree
    before = Organisation.objects.count()
    rows = "slug,name,kind\ngoed,Goed,agency\nslecht,Slecht,castle\nleeg,,agency\n"

    response = admin_api.post(
        "/api/v1/imports",
        {
            "organisation": ministry.slug,
            "kind": "organisations",
            "file": SimpleUploadedFile("orgs.csv", rows.encode(), content_type="text/csv"),
        },
        format="multipart",
    )

    body = assert_problem(response, 422)
    assert {(e["row"], e["column"]) for e in body["errors"]} == {(3, "kind"), (4, "name")}
    assert all(e["reason"] for e in body["errors"])
    assert admin_api.get(f"/api/v1/imports/{body['importId']}").json()["status"] == "problems"
    assert Organisation.objects.count() == before


def test_restoring_a_version_of_another_record_is_422(admin_api, tree):
    ministry, agency, _municipality = tree
    foreign = admin_api.get(f"/api/v1/organisations/{agency.slug}/history").json()["results"]

    response = admin_api.post(
        f"/api/v1/organisations/{ministry.slug}/history/{foreign[0]['id']}/restore"
    )

    assert_problem(response, 422)


# --- 429 -----------------------------------------------------------------------------------


@pytest.fixture
def tight_throttle(settings, monkeypatch):
    rates = {"anon": "2/minute", "user": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    # DRF reads the rates once, onto the throttle class.
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", rates)
    cache.clear()
    yield
    cache.clear()


def test_too_many_requests_is_429_with_retry_after(admin_api, tight_throttle):
    assert admin_api.get("/api/v1/me").status_code == 200
    assert admin_api.get("/api/v1/me").status_code == 200

    response = admin_api.get("/api/v1/me")

    assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0


# --- 500 -----------------------------------------------------------------------------------


def test_failure_in_an_api_view_is_500_without_internals(admin, monkeypatch, api_for):
    def broken(person):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr("omslag.organisations.selectors.organisations_readable", broken)
    client = api_for(admin)
    client.raise_request_exception = False

    body = assert_problem(client.get("/api/v1/organisations"), 500)

    assert "hunter2" not in str(body)


def test_failure_outside_drf_under_the_api_is_500_problem_json(settings, db):
    settings.ROOT_URLCONF = "tests.api.urls_failing"
    client = Client(raise_request_exception=False)

    body = assert_problem(client.get("/api/v1/failing"), 500)

    assert "on purpose" not in str(body)


# --- API-Version, camelCase, pagination ----------------------------------------------------


def test_every_answer_has_api_version_and_camel_case_keys(admin, admin_api, tree):
    ministry, agency, _municipality = tree
    created = admin_api.post(
        "/api/v1/memberships",
        {"organisation": agency.slug, "personEmail": "nieuw@omslag.test", "role": "viewer"},
        format="json",
    )
    mapping = admin_api.post(
        "/api/v1/column-mappings",
        {
            "organisation": ministry.slug,
            "kind": "organisations",
            "name": "ander systeem",
            "columns": {"Korte_naam": "slug", "Full Name": "name"},
        },
        format="json",
    )
    checked = admin_api.post(
        "/api/v1/imports",
        {
            "organisation": ministry.slug,
            "kind": "organisations",
            "file": SimpleUploadedFile("o.csv", b"slug,name,kind\nbureau,Bureau,agency\n"),
            "dryRun": True,
        },
        format="multipart",
    )
    responses = [
        created,
        mapping,
        checked,
        admin_api.get(f"/api/v1/imports/{checked.json()['id']}"),
        admin_api.post("/api/v1/tokens", {"name": "t"}, format="json"),
        admin_api.get("/api/v1/me"),
        admin_api.get("/api/v1/tokens"),
        admin_api.get("/api/v1/organisations"),
        admin_api.get(f"/api/v1/organisations/{agency.slug}"),
        admin_api.get(f"/api/v1/organisations/{agency.slug}/history"),
        admin_api.get("/api/v1/memberships"),
        admin_api.get(f"/api/v1/memberships/{created.json()['id']}/history"),
        admin_api.get("/api/v1/column-mappings", {"organisation": ministry.slug}),
        admin_api.post("/api/v1/organisations", {"parent": 5}, format="json"),
    ]
    for response in responses:
        assert response["API-Version"] == API_VERSION, response.content
        assert response.status_code < 500
        assert not camel_case_violations(response.json()), response.content
    assert mapping.json()["columns"] == {"Korte_naam": "slug", "Full Name": "name"}


def test_list_is_paginated_with_page_size_and_links(platform_admin, api_for, tree):
    for number in range(3):
        organisation(f"extra-{number}", kind="other")
    client = api_for(platform_admin)

    first = client.get("/api/v1/organisations", {"pageSize": 2}).json()
    assert (first["count"], first["page"], first["pageSize"]) == (6, 1, 2)
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"] and "pageSize=2" in first["next"]

    second = client.get(first["next"]).json()
    assert second["page"] == 2
    assert second["previous"] and second["next"]
    last = client.get("/api/v1/organisations", {"pageSize": 2, "page": 3}).json()
    assert last["next"] is None
    slugs = [o["slug"] for page in (first, second, last) for o in page["results"]]
    assert len(set(slugs)) == 6


def test_page_size_is_capped(platform_admin, api_for, tree):
    body = api_for(platform_admin).get("/api/v1/organisations", {"pageSize": 100000}).json()

    assert body["pageSize"] == 500
