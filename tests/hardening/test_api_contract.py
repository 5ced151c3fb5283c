"""The API answers as its document says for the operations the independent test named: list
envelopes of /measures and /requirements, the register export's array, missing addresses as
null (never "" where the document says URI), and query parameters held to their enums and
limits. The document is the one the running code generates."""

import pytest

from omslag.common.api.serializers import CamelModelSerializer
from omslag.organisations import services as organisation_services
from omslag.organisations.models import Organisation
from omslag.projects.models import ParliamentaryPaper

from ..api.conftest import OpenApiDocument

PROBLEM_JSON = "application/problem+json"


@pytest.fixture
def document(platform_admin, api_for):
    return OpenApiDocument(api_for(platform_admin).get("/api/v1/openapi.json").json())


@pytest.fixture
def admin(platform_admin, api_for):
    return api_for(platform_admin)


@pytest.mark.parametrize("path", ["/measures", "/requirements"])
def test_framework_lists_are_pages_as_documented(tree, admin, document, path):
    response = admin.get(f"/api/v1{path}")
    assert response.status_code == 200
    assert set(response.json()) >= {"count", "page", "pageSize", "results"}
    document.assert_matches(response, path, "get")


def test_the_register_export_is_the_documented_array(tree, admin, document):
    response = admin.get(f"/api/v1/organisations/{tree[0].slug}/algorithm-register")
    assert response.status_code == 200 and isinstance(response.json(), list)
    document.assert_matches(response, "/organisations/{slug}/algorithm-register", "get")


def test_a_missing_address_is_null_not_an_empty_string(tree, document):
    class PaperOut(CamelModelSerializer):
        class Meta:
            model = ParliamentaryPaper
            fields = ["url"]

    assert PaperOut(ParliamentaryPaper(url="")).data == {"url": None}
    assert PaperOut(ParliamentaryPaper(url="https://x.nl/a")).data == {"url": "https://x.nl/a"}
    written = PaperOut(data={"url": None})
    assert written.is_valid() and written.validated_data == {"url": ""}
    url = document.document["components"]["schemas"]["ParliamentaryPaperOut"]["properties"]["url"]
    assert url.get("nullable") is True
    assert {"type": "string", "format": "uri"} in url.get("oneOf", [url])


@pytest.mark.parametrize(
    "query, name",
    [
        ("/memberships?role=AAA", "role"),
        ("/organisations?kind=spaceship", "kind"),
        ("/organisations?pageSize=0", "pageSize"),
        ("/organisations?pageSize=ten", "pageSize"),
        ("/memberships?page=-1", "page"),
        ("/organisations/{slug}/applications?sort=", "sort"),
    ],
)
def test_query_parameters_outside_the_document_are_400(tree, admin, query, name):
    response = admin.get(f"/api/v1{query}".replace("{slug}", tree[0].slug))
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM_JSON
    assert [p["name"] for p in response.json()["invalidParams"]] == [name]


def test_documented_limits_of_page_size(document):
    parameters = document.operation("/organisations", "get")["parameters"]
    size = next(p for p in parameters if p["name"] == "pageSize")["schema"]
    assert size["minimum"] == 1 and "maximum" not in size  # larger sizes are capped at 500


def test_a_slug_of_a_deleted_organisation_is_422_not_500(tree, admin):
    organisation_services.organisation_delete(
        actor=None, organisation=Organisation.objects.get(slug=tree[2].slug)
    )
    response = admin.post(
        "/api/v1/organisations",
        {"name": "Opnieuw", "slug": tree[2].slug, "kind": "other"},
        format="json",
    )
    assert response.status_code in (400, 422), response.content
    assert response["Content-Type"] == PROBLEM_JSON
    assert "slug" in str(response.json())
