"""The public API and the catalogue: no token, camelCase, pagination, 304 with ETag and
Last-Modified, 429 with Retry-After, CORS, the algorithm standard, and the catalogue against
its own JSON Schema with every distribution answering with its media type."""

import json
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from jsonschema import Draft202012Validator, FormatChecker

from omslag.publication import services
from omslag.publication.models import Kind
from tests.algorithms.conftest import SHARED
from tests.api.conftest import camel_case_violations
from tests.conftest import skip_unless

from .conftest import build_registers

pytestmark = pytest.mark.django_db
SCHEMA = Path(__file__).resolve().parents[2] / "src/omslag/publication/catalogue.schema.json"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def publish_all(org, registers):
    for kind, source_id in registers.items():
        services.publication_publish_now(organisation=org, kind=kind, source_id=source_id)


@pytest.fixture
def published(org, registers):
    publish_all(org, registers)
    return registers


def test_the_public_api_needs_no_token_and_answers_camel_case(client, org, published):
    response = client.get(f"/api/v1/open/organisations/{org.slug}/projects")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    record = body["results"][0]
    assert record["data"]["name"] == "Nieuw zaaksysteem"
    assert record["data"]["costBucket"] == record["data"]["costBucket"]
    assert "originalEstimate" in record["data"]
    assert not camel_case_violations(body)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["API-Version"]


def test_a_bad_token_changes_nothing(client, org, published):
    response = client.get(
        f"/api/v1/open/organisations/{org.slug}/projects", HTTP_AUTHORIZATION="Bearer nonsense"
    )
    assert response.status_code == 200


def test_pagination_walks_every_record(client, org, published):
    from omslag.projects import services as project_services
    from omslag.publication.services import publication_publish_now

    for number in range(4):
        project = project_services.project_create(
            actor=None, organisation=org, name=f"Project {number}"
        )
        publication_publish_now(organisation=org, kind=Kind.PROJECT, source_id=project.pk)
    seen, url = [], f"/api/v1/open/organisations/{org.slug}/projects?pageSize=2"
    while url:
        body = client.get(url).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert len(seen) == 5 == len(set(seen))


def test_304_with_etag_and_last_modified_until_something_changes(client, org, published):
    url = f"/api/v1/open/organisations/{org.slug}/projects"
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    services.publication_withdraw(
        actor=None,
        organisation=org,
        kind=Kind.PROJECT,
        source_id=published[Kind.PROJECT],
        reason="Fout",
    )
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert again.json()["count"] == 0
    assert again["ETag"] != etag


def test_429_with_retry_after_per_client_address(client, org, published, monkeypatch):
    from omslag.publication.api import OpenThrottle

    monkeypatch.setattr(OpenThrottle, "THROTTLE_RATES", {"open": "3/minute"})
    url = "/api/v1/open/organisations"
    answers = [client.get(url, REMOTE_ADDR="10.0.0.1").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get(url, REMOTE_ADDR="10.0.0.1")
    assert refused["Content-Type"].startswith("application/problem+json")
    assert int(refused["Retry-After"]) > 0
    assert client.get(url, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_cors_preflight_for_reading(client):
    response = client.options(
        "/api/v1/open/datasets",
        HTTP_ORIGIN="https://data.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "POST" not in response["Access-Control-Allow-Methods"]


def test_a_record_with_its_versions(client, org, published):
    response = client.get(
        f"/api/v1/open/organisations/{org.slug}/challenges/{published[Kind.CHALLENGE]}"
    )
    body = response.json()
    assert body["current"]["data"]["problemStatement"] == "Hoe krijgen we de stranden schoon?"
    assert [v["version"] for v in body["versions"]] == [1]


def test_the_algorithms_in_the_national_publication_standard(client, org, published):
    response = client.get(f"/api/v1/open/organisations/{org.slug}/algorithm-standard")
    records = response.json()
    assert records[0]["name"] == "Routeplanning afvalinzameling"
    assert records[0]["organization"] == "Gemeente Wadderveen"
    assert records[0]["status"] == "In gebruik"


def test_the_published_algorithms_validate_against_the_real_standard(client, org, published):
    # The shared data sit beside the repository; OMSLAG_SHARED_DATA points elsewhere.
    shared = Path(os.environ.get("OMSLAG_SHARED_DATA") or SHARED)
    schema_file = shared / "algoritmeregister" / "publicatiestandaard-schema.json"
    skip_unless(schema_file.is_file(), f"the standard's JSON Schema is not at {schema_file}")
    import jsonschema

    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    records = client.get(f"/api/v1/open/organisations/{org.slug}/algorithm-standard").json()
    assert records
    for record in records:
        assert not list(validator.iter_errors(record))


def test_the_catalogue_follows_its_schema_and_every_distribution_answers(
    client, org, published, settings
):
    other = __import__("tests.factories", fromlist=["organisation"]).organisation(
        "tweede", kind="municipality", name="Gemeente Tweede"
    )
    publish_all(other, build_registers(other, marker="ANDERMERK"))
    services.publication_settings_set(
        actor=None, organisation=other, kinds=list(Kind.values), licence="cc-by-4.0"
    )
    catalogue = client.get("/api/v1/open/datasets").json()
    schema = json.loads(SCHEMA.read_text())
    Draft202012Validator.check_schema(schema)
    errors = list(
        Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(catalogue)
    )
    assert not errors, errors
    assert len(catalogue["datasets"]) == 2 * len(Kind.values)
    licences = {d["identifier"].split("/")[0]: d["license"] for d in catalogue["datasets"]}
    assert licences == {
        "wadderveen": "https://creativecommons.org/publicdomain/zero/1.0/",
        "tweede": "https://creativecommons.org/licenses/by/4.0/",
    }
    checked = 0
    for dataset in catalogue["datasets"]:
        for distribution in dataset["distributions"]:
            url = distribution.get("downloadURL") or distribution["accessURL"]
            response = client.get(url.removeprefix("http://testserver"))
            assert response.status_code == 200, url
            assert response["Content-Type"].split(";")[0] == distribution["mediaType"], url
            checked += 1
    assert checked == 2 * len(Kind.values) * 5


def test_the_catalogue_as_dcat_json_ld(client, org, published):
    response = client.get("/api/v1/open/datasets/dcat")
    assert response["Content-Type"].startswith("application/ld+json")
    body = response.json()
    assert body["@type"] == "dcat:Catalog"
    assert body["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    dataset = body["dcat:dataset"][0]
    assert dataset["@type"] == "dcat:Dataset"
    assert {d["dct:format"] for d in dataset["dcat:distribution"]} == {
        "CSV",
        "XLSX",
        "ODS",
        "JSON",
        "API",
    }


def test_the_answers_match_the_openapi_document(client, org, published, tmp_path):
    from django.core.management import call_command

    from tests.api.conftest import OpenApiDocument

    target = tmp_path / "openapi.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(target), "--validate")
    document = OpenApiDocument(json.loads(target.read_text()))
    answers = {
        "/open/organisations": "/api/v1/open/organisations",
        "/open/organisations/{slug}/{dataset}": f"/api/v1/open/organisations/{org.slug}/projects",
        "/open/organisations/{slug}/{dataset}/{sourceId}": (
            f"/api/v1/open/organisations/{org.slug}/lessons/{published[Kind.LESSON]}"
        ),
    }
    for template, url in answers.items():
        response = client.get(url)
        assert response.status_code == 200, url
        document.assert_matches(response, template, "get")
        assert not camel_case_violations(response.json())
    missing = client.get(f"/api/v1/open/organisations/{org.slug}/projects/99999")
    document.assert_matches(missing, "/open/organisations/{slug}/{dataset}/{sourceId}", "get")
