"""Bad input that used to end in a 500: OPTIONS on any API operation, a NUL character in a
query string (PostgreSQL), measurement summaries whose squares overflow."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from omslag.innovation.models import MeasurementSummary, Stage

from ..innovation.test_core import experiment

PROBLEM_JSON = "application/problem+json"


def _api_routes(patterns=None, prefix=""):
    """Every route under /api/v1 as a path template with Django's converters."""
    if patterns is None:
        resolver = next(
            p for p in get_resolver().url_patterns if str(p.pattern).startswith("api/v1")
        )
        yield from _api_routes(resolver.url_patterns, "/" + str(resolver.pattern))
        return
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _filled(route, slug):
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"<slug:slug>", slug, route)
    route = re.sub(r"<int:[a-z_]+>", "1", route)
    return re.sub(r"<(?:slug|str):[a-z_]+>", "organisations", route)


def test_options_never_fails_on_any_api_route(tree, platform_admin, api_for):
    client = api_for(platform_admin)
    routes = sorted(set(_api_routes()))
    assert len(routes) > 50 and any("gate-requirements" in r for r in routes)
    failures = []
    for route in routes:
        response = client.options(_filled(route, tree[0].slug))
        if response.status_code >= 500:
            failures.append(route)
        elif response.status_code == 200:
            assert "Allow" in response, route
    assert failures == []


def test_options_on_gate_requirements_lists_the_methods(tree, platform_admin, api_for):
    response = api_for(platform_admin).options(
        f"/api/v1/organisations/{tree[0].slug}/gate-requirements"
    )
    assert response.status_code == 200
    assert {m.strip() for m in response["Allow"].split(",")} >= {"GET", "PUT", "OPTIONS"}


@pytest.mark.parametrize(
    "path, name",
    [
        ("/api/v1/organisations?search=a%00b", "search"),
        ("/api/v1/memberships?role=%00", "role"),
        ("/api/v1/organisations?x%00y=1", "x\\0y"),
    ],
)
def test_nul_in_a_query_string_is_400_naming_the_parameter(
    tree, platform_admin, api_for, path, name
):
    response = api_for(platform_admin).get(path)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM_JSON
    assert response.json()["invalidParams"][0]["name"] == name


def test_nul_in_a_page_query_string_is_400(tree, platform_admin):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(platform_admin)
    response = client.get(f"/organisations/{tree[0].slug}?q=%00")
    assert response.status_code == 400
    assert "The query parameter q contains a NUL character" in response.content.decode()


def summary(**changes):
    return {"metric": "m", "group": "control", "count": 10, "sum": 1, "sumOfSquares": 1} | changes


@pytest.mark.parametrize(
    "item, column",
    [
        (summary(sum=1e200, sumOfSquares=1e300), "sum"),  # sum² overflows a double
        (summary(sum=1, sumOfSquares=1e300), "sumOfSquares"),
        (summary(count=2**40), "count"),  # wider than the count column
        (summary(count=3, successes=2**40), "successes"),
    ],
)
def test_overflowing_summaries_are_422_per_row(tree, make_member, api_for, item, column):
    org = tree[2]
    client = api_for(make_member("editor", org))
    running = experiment(org, stage=Stage.RUNNING)
    response = client.post(
        f"/api/v1/experiments/{running.pk}/measurements", [summary(), item], format="json"
    )
    assert response.status_code in (400, 422), response.content
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    named = {(e["row"], e["column"]) for e in body.get("errors", [])} | {
        p["name"] for p in body.get("invalidParams", [])
    }
    # Row 2 of the upload is item [1]: named by the import check or by the serializer.
    assert (2, column) in named or {f"[1].{column}", f"1.{column}"} & named, body
    assert not MeasurementSummary.objects.filter(experiment=running).exists()
