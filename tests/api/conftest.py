"""Helpers for the API tests: the committed OpenAPI document, and checking a real response
against the schema the document gives for it."""

import copy
import json
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator, FormatChecker

REPO = Path(__file__).resolve().parents[2]
OPENAPI_FILE = REPO / "openapi.json"
PROBLEM_JSON = "application/problem+json"
CAMEL_CASE = re.compile(r"^[a-z][a-zA-Z0-9]*$")


FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    # The design rules want a time zone on every date-time.
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("uri", raises=ValueError)
def _is_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


def load_document() -> dict:
    return json.loads(OPENAPI_FILE.read_text())


def _as_json_schema(node, *, strict: bool):
    """OpenAPI 3.0 schema objects → JSON Schema 2020-12.

    ``nullable: true`` becomes a type list (or an anyOf with null around a $ref); with
    ``strict``, objects that list their properties may not carry undocumented ones, so a field
    the API sends but the document does not mention fails the test.
    """
    if isinstance(node, list):
        return [_as_json_schema(item, strict=strict) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_json_schema(value, strict=strict) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    if strict and "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    return node


class OpenApiDocument:
    def __init__(self, document: dict):
        self.document = document
        self.components = _as_json_schema(
            copy.deepcopy(document.get("components", {})), strict=True
        )

    def operation(self, path: str, method: str) -> dict:
        try:
            return self.document["paths"][path][method.lower()]
        except KeyError:
            raise AssertionError(f"{method.upper()} {path} is not in openapi.json") from None

    def response_schema(self, path: str, method: str, status: int, media_type: str) -> dict:
        responses = self.operation(path, method)["responses"]
        assert str(status) in responses, (
            f"{method.upper()} {path} answered {status}, which openapi.json does not document "
            f"(documented: {', '.join(responses)})"
        )
        content = responses[str(status)].get("content", {})
        assert media_type in content, (
            f"{method.upper()} {path} {status} answered {media_type}; documented: {list(content)}"
        )
        return content[media_type]["schema"]

    def assert_matches(self, response, path: str, method: str) -> None:
        """The response's status, headers and body are what the document promises."""
        responses = self.operation(path, method)["responses"]
        assert str(response.status_code) in responses, (
            f"{method.upper()} {path} answered {response.status_code}, not documented "
            f"(documented: {', '.join(responses)})"
        )
        documented = responses[str(response.status_code)]
        for header in documented.get("headers", {}):
            assert response.has_header(header), f"header {header} is documented but missing"
        if not documented.get("content"):
            assert not response.content, "a body was sent where none is documented"
            return
        media_type = response["Content-Type"].split(";")[0].strip()
        schema = self.response_schema(path, method, response.status_code, media_type)
        if schema.get("format") == "binary":
            return  # a file: the media type is all the document says about it
        schema = _as_json_schema(schema, strict=True)
        validator = Draft202012Validator(
            {**schema, "components": self.components},
            format_checker=FORMATS,
        )
        if getattr(response, "streaming", False):  # a streamed export: read, then put back
            content = b"".join(response.streaming_content)
            response.streaming_content = [content]
        else:
            content = response.content
        body = json.loads(content)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
        assert not errors, (
            f"{method.upper()} {path} {response.status_code} does not match openapi.json:\n"
            + "\n".join(f"  at {list(e.path)}: {e.message}" for e in errors[:10])
        )


@pytest.fixture(scope="session")
def openapi():
    return OpenApiDocument(load_document())


def camel_case_violations(
    body, path: str = "", *, value_keys=("columns", "conversion")
) -> list[str]:
    """Keys in a JSON body that are not lower camelCase. The keys inside ``value_keys`` dicts
    are data (a column mapping's file headers; a conversion, a document of its own format as
    the import files are), not field names, and are not checked."""
    found = []
    if isinstance(body, dict):
        for key, value in body.items():
            if not CAMEL_CASE.match(key):
                found.append(f"{path}.{key}")
            if key in value_keys and isinstance(value, dict):
                continue
            found.extend(camel_case_violations(value, f"{path}.{key}", value_keys=value_keys))
    elif isinstance(body, list):
        for index, item in enumerate(body):
            found.extend(camel_case_violations(item, f"{path}[{index}]", value_keys=value_keys))
    return found
