"""The one way the API tests send a request and read its answer: ``call`` checks every answer
against an OpenAPI document generated from the code for this run (the committed openapi.json
is regenerated once for all apps, so it may lag behind the code while work is in progress);
``ok``, ``problem`` and ``invalid`` read the answer."""

import functools
import json
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from django.core.management import call_command

from tests.api.conftest import PROBLEM_JSON, OpenApiDocument, camel_case_violations


@functools.cache
def fresh_document() -> OpenApiDocument:
    """The document the code generates now, made once per test run."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "openapi.json"
        call_command("spectacular", "--format", "openapi-json", "--file", str(target), "--validate")
        return OpenApiDocument(json.loads(target.read_text()))


def call(client, method, template, body=None, query=None, multipart=False, **path):
    """Send a request to ``template`` (a path of the document, filled from ``path``) and check
    the answer against the document, and its keys for camelCase, before returning it."""
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
    fresh_document().assert_matches(response, template, method)
    media_type = response.get("Content-Type", "").split(";")[0]
    # An exported file is data with the register's own column names, not API fields.
    is_file = (
        template.startswith("/exports/") or template.endswith("/file")
    ) and response.status_code == 200
    if getattr(response, "streaming", False):
        return response
    if response.content and media_type in ("application/json", PROBLEM_JSON) and not is_file:
        assert not camel_case_violations(response.json())
    return response


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def problem(response, status) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_JSON
    return response.json()


def invalid(body) -> dict[str, str]:
    """The reason for each bad parameter of a 400 problem, by the parameter's name."""
    return {param["name"]: param["reason"] for param in body["invalidParams"]}
