"""The document says what the API reads, and the API reads what it says (the root fixes behind
the Schemathesis run): a change requires the `version` it names, bodies are JSON only, an
amount's pattern is exactly what the field accepts, a number is not text, integer fields have
PostgreSQL's bounds on every database, and short names keep the slug rule."""

import re

import pytest

from omslag.innovation.api.experiments import ExperimentIn
from omslag.portfolio.api.spend import SpendLineIn
from omslag.portfolio.models import Scenario


@pytest.fixture
def admin(platform_admin, api_for):
    return api_for(platform_admin)


@pytest.fixture
def document(admin):
    return admin.get("/api/v1/openapi.json").json()


def request_schema(document, path, method, media_type="application/json"):
    content = document["paths"][path][method]["requestBody"]["content"]
    name = content[media_type]["schema"]["$ref"].rsplit("/", 1)[1]
    return document["components"]["schemas"][name]


def invalid_names(response) -> set[str]:
    return {item["name"] for item in response.json().get("invalidParams", [])}


def test_a_change_requires_the_version_as_documented(tree, admin, document):
    assert "version" in request_schema(document, "/organisations/{slug}", "patch")["required"]
    assert "version" in request_schema(document, "/applications/{id}", "patch")["required"]
    response = admin.patch(f"/api/v1/organisations/{tree[0].slug}", {"name": "X"}, format="json")
    assert response.status_code == 400 and invalid_names(response) == {"version"}


def test_bodies_are_json_but_for_the_uploads(tree, admin, document):
    media_types = {
        f"{method.upper()} {path}": set(operation["requestBody"]["content"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    }
    uploads = {name for name, types in media_types.items() if "multipart/form-data" in types}
    assert uploads == {"POST /imports", "POST /experiments/{id}/measurement-uploads"}
    assert all(
        types == {"application/json"} for n, types in media_types.items() if n not in uploads
    )
    form = admin.post(
        f"/api/v1/organisations/{tree[0].slug}/scenarios",
        {"name": "Plan", "baseYear": 2025},
        format="multipart",
    )
    assert form.status_code == 415
    assert not Scenario.objects.filter(name="Plan").exists()


AMOUNTS = ["1234.50", "0.5", ".5", "7", "999999999999.99", "", "-", ".", "-5", "1.234", "1" * 13]


def test_an_amount_pattern_is_exactly_what_the_field_reads(document):
    pattern = request_schema(document, "/organisations/{slug}/spend-lines", "post")["properties"][
        "amount"
    ]["pattern"]
    field = SpendLineIn().fields["amount"]

    def accepted(text):
        try:
            field.run_validation(text)
        except Exception:  # noqa: BLE001 (any refusal)
            return False
        return True

    documented = {text for text in AMOUNTS if re.fullmatch(pattern, text)}
    assert documented == {"1234.50", "0.5", ".5", "7", "999999999999.99"}
    assert documented == {text for text in AMOUNTS if accepted(text)}


def test_a_number_is_not_text(tree, admin):
    response = admin.post(
        f"/api/v1/organisations/{tree[0].slug}/scenarios",
        {"name": 5, "baseYear": 2025},
        format="json",
    )
    assert response.status_code == 400 and invalid_names(response) == {"name"}
    assert not Scenario.objects.exists()


def test_integer_fields_have_postgresql_bounds_on_every_database(document):
    documented = request_schema(document, "/organisations/{slug}/experiments", "post")
    assert documented["properties"]["sampleSizePerGroup"]["maximum"] == 2**31 - 1
    field = ExperimentIn().fields["sampleSizePerGroup"]
    assert field.run_validation(2**31 - 1) == 2**31 - 1
    with pytest.raises(Exception, match="2147483647"):
        field.run_validation(2**31)


def test_a_short_name_keeps_the_slug_rule(admin, document):
    pattern = request_schema(document, "/organisations", "post")["properties"]["slug"]["pattern"]
    assert not re.search(pattern, "Hoofdletters") and re.search(pattern, "gemeente-a")
    response = admin.post(
        "/api/v1/organisations",
        {"slug": "Hoofdletters", "name": "H", "kind": "municipality"},
        format="json",
    )
    assert response.status_code == 400 and invalid_names(response) == {"slug"}
