"""The OpenAPI document: committed, equal to the code, public, clean under the Dutch API
Design Rules linter, and true to what the API really answers."""

import json
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from omslag.organisations.models import Role
from tests.conftest import SHARED_DATA, skip_unless

from .conftest import OPENAPI_FILE, PROBLEM_JSON, load_document

RULESET = SHARED_DATA.parent / "adr" / "ruleset.yaml"


def generated_document(tmp_path) -> dict:
    target = tmp_path / "openapi.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(target), "--validate")
    return json.loads(target.read_text())


def test_committed_document_is_the_one_the_code_generates(tmp_path):
    assert OPENAPI_FILE.exists(), "openapi.json is missing: run make openapi"
    assert load_document() == generated_document(tmp_path), (
        "openapi.json differs from the API in the code: run make openapi and commit the result"
    )


def test_document_is_served_publicly_and_is_the_committed_one(db):
    response = APIClient().get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert json.loads(response.content) == load_document()


def test_document_is_served_in_english_whatever_the_language_asked(db):
    response = APIClient().get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="nl")

    assert json.loads(response.content) == load_document()


def test_document_states_the_design_rules_essentials():
    document = load_document()

    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == "1.0.0"
    assert set(document["info"]["contact"]) >= {"name", "email", "url"}
    assert document["servers"][0]["url"] == "/api/v1"
    assert all(not path.endswith("/") for path in document["paths"])
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from POST /tokens, shown once when it is issued.",
    }
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                assert "API-Version" in response["headers"], f"{method} {path} {status}"
                if status.startswith(("4", "5")):
                    assert list(response["content"]) == [PROBLEM_JSON], f"{method} {path}"


@pytest.mark.network_tool
def test_document_passes_the_dutch_api_design_rules_linter(tmp_path):
    npx = shutil.which("npx")
    skip_unless(npx is not None, "npx (Node.js) is not installed; the linter runs with npx")
    skip_unless(RULESET.exists(), f"the ADR ruleset is missing at {RULESET.resolve()}")
    result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [
            npx,
            "--yes",
            "@stoplight/spectral-cli",
            "lint",
            "--ruleset",
            str(RULESET.resolve()),
            str(OPENAPI_FILE),
            "--format",
            "json",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        check=False,
    )
    start = result.stdout.find("[")
    assert start >= 0, f"spectral gave no report:\n{result.stdout}\n{result.stderr}"
    findings = json.loads(result.stdout[start:])
    errors = [
        f"{f['code']} at {'.'.join(map(str, f['path']))}: {f['message']}"
        for f in findings
        if f["severity"] == 0
    ]
    assert not errors, "the design rules linter found errors:\n" + "\n".join(errors)


# --- real answers against the document --------------------------------------------------


@pytest.fixture
def admin_client(tree, make_member, api_for):
    ministry, _agency, _municipality = tree
    person = make_member(Role.ADMIN, ministry)
    return api_for(person), person


def test_organisation_answers_match_the_document(openapi, admin_client, tree):
    client, _person = admin_client
    ministry, agency, _municipality = tree

    listed = client.get("/api/v1/organisations", {"pageSize": 1})
    openapi.assert_matches(listed, "/organisations", "get")
    assert listed.json()["next"]

    for organisation in (ministry, agency):  # a root, and one with a parent
        openapi.assert_matches(
            client.get(f"/api/v1/organisations/{organisation.slug}"),
            "/organisations/{slug}",
            "get",
        )
    openapi.assert_matches(client.get("/api/v1/organisations"), "/organisations", "get")

    created = client.post(
        "/api/v1/organisations",
        {"slug": "dienst", "name": "Dienst", "kind": "agency", "parent": ministry.slug},
        format="json",
    )
    assert created.status_code == 201, created.content
    openapi.assert_matches(created, "/organisations", "post")

    updated = client.patch(
        "/api/v1/organisations/dienst",
        {"version": created.json()["version"], "description": "Nieuw"},
        format="json",
    )
    assert updated.status_code == 200, updated.content
    openapi.assert_matches(updated, "/organisations/{slug}", "patch")

    history = client.get("/api/v1/organisations/dienst/history")
    assert history.status_code == 200
    openapi.assert_matches(history, "/organisations/{slug}/history", "get")
    first = history.json()["results"][-1]

    restored = client.post(f"/api/v1/organisations/dienst/history/{first['id']}/restore")
    assert restored.status_code == 200, restored.content
    openapi.assert_matches(restored, "/organisations/{slug}/history/{historyId}/restore", "post")

    deleted = client.delete("/api/v1/organisations/dienst", {"version": 3})
    assert deleted.status_code == 204, deleted.content
    openapi.assert_matches(deleted, "/organisations/{slug}", "delete")


def test_membership_answers_match_the_document(openapi, admin_client, tree):
    client, _person = admin_client
    _ministry, agency, _municipality = tree

    created = client.post(
        "/api/v1/memberships",
        {"organisation": agency.slug, "personEmail": "nieuw@omslag.test", "role": "viewer"},
        format="json",
    )
    assert created.status_code == 201, created.content
    openapi.assert_matches(created, "/memberships", "post")
    pk = created.json()["id"]

    openapi.assert_matches(client.get("/api/v1/memberships"), "/memberships", "get")
    openapi.assert_matches(client.get(f"/api/v1/memberships/{pk}"), "/memberships/{id}", "get")
    updated = client.patch(
        f"/api/v1/memberships/{pk}", {"version": 1, "role": "editor"}, format="json"
    )
    assert updated.status_code == 200, updated.content
    openapi.assert_matches(updated, "/memberships/{id}", "patch")
    openapi.assert_matches(
        client.get(f"/api/v1/memberships/{pk}/history"), "/memberships/{id}/history", "get"
    )
    deleted = client.delete(f"/api/v1/memberships/{pk}")
    assert deleted.status_code == 204
    openapi.assert_matches(deleted, "/memberships/{id}", "delete")


def test_account_and_token_answers_match_the_document(openapi, admin_client):
    client, _person = admin_client

    openapi.assert_matches(client.get("/api/v1/me"), "/me", "get")
    created = client.post("/api/v1/tokens", {"name": "script"}, format="json")
    assert created.status_code == 201
    openapi.assert_matches(created, "/tokens", "post")
    openapi.assert_matches(client.get("/api/v1/tokens"), "/tokens", "get")
    revoked = client.delete(f"/api/v1/tokens/{created.json()['id']}")
    openapi.assert_matches(revoked, "/tokens/{id}", "delete")


def test_import_export_and_mapping_answers_match_the_document(openapi, admin_client, tree):
    client, _person = admin_client
    ministry, _agency, _municipality = tree
    csv = "slug,name,kind\nbureau,Bureau,agency\n"

    checked = client.post(
        "/api/v1/imports",
        {
            "organisation": ministry.slug,
            "kind": "organisations",
            "file": _upload("org.csv", csv),
            "dryRun": True,
        },
        format="multipart",
    )
    assert checked.status_code == 201, checked.content
    openapi.assert_matches(checked, "/imports", "post")
    job = checked.json()["id"]
    openapi.assert_matches(client.get(f"/api/v1/imports/{job}"), "/imports/{id}", "get")
    confirmed = client.post(f"/api/v1/imports/{job}/confirm")
    assert confirmed.status_code == 200, confirmed.content
    openapi.assert_matches(confirmed, "/imports/{id}/confirm", "post")

    mapping = client.post(
        "/api/v1/column-mappings",
        {
            "organisation": ministry.slug,
            "kind": "organisations",
            "name": "uit ander systeem",
            "columns": {"Korte naam": "slug", "Opmerking": ""},
        },
        format="json",
    )
    assert mapping.status_code == 201, mapping.content
    openapi.assert_matches(mapping, "/column-mappings", "post")
    openapi.assert_matches(
        client.get("/api/v1/column-mappings", {"organisation": ministry.slug}),
        "/column-mappings",
        "get",
    )

    for fmt in ("csv", "xlsx", "ods", "json"):
        exported = client.get(
            "/api/v1/exports/organisations", {"organisation": ministry.slug, "format": fmt}
        )
        assert exported.status_code == 200, (fmt, exported.content)
        openapi.assert_matches(exported, "/exports/{kind}", "get")


def test_error_answers_match_the_document(openapi, admin_client, tree, make_member, api_for):
    client, _person = admin_client
    ministry, agency, municipality = tree
    viewer = api_for(make_member(Role.VIEWER, agency))

    cases = [
        (client.post("/api/v1/organisations", {"kind": "castle"}, format="json"), 400),
        (APIClient().get("/api/v1/organisations"), 401),
        (viewer.patch(f"/api/v1/organisations/{agency.slug}", {"version": 1}, format="json"), 403),
        (client.get(f"/api/v1/organisations/{municipality.slug}"), 404),
        (client.patch(f"/api/v1/organisations/{agency.slug}", {"version": 9}, format="json"), 409),
        (client.post("/api/v1/organisations", "x", content_type="text/plain"), 415),
        (client.delete(f"/api/v1/organisations/{ministry.slug}"), 422),
    ]
    methods = ["post", "get", "patch", "get", "patch", "post", "delete"]
    paths = ["/organisations", "/organisations"] + ["/organisations/{slug}"] * 3
    paths += ["/organisations", "/organisations/{slug}"]
    for (response, status), method, path in zip(cases, methods, paths, strict=True):
        assert response.status_code == status, (status, response.content)
        assert response["Content-Type"] == PROBLEM_JSON
        openapi.assert_matches(response, path, method)


def _upload(name: str, text: str):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")
