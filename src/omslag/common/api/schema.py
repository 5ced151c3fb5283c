"""OpenAPI generation so the document meets the Dutch REST API Design Rules.

The post-processing hook documents, on every operation, the API-Version header and the
application/problem+json error responses that operation can give; the authentication
extension documents the bearer tokens of machine clients. This module is imported by the
API's URL configuration, so the extension is registered before any document is generated.
"""

from django.conf import settings
from django.utils import translation
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.plumbing import get_lib_doc_excludes

from ..amounts import AMOUNT_MAX_DIGITS, EXACT_DIGITS
from .helpers import MoneyField
from .serializers import CamelCaseMixin, CamelModelSerializer, CamelSerializer

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error, as RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Not Found"},
        "status": {"type": "integer", "example": 404},
        "detail": {"type": "string", "example": "No organisation matches the given query."},
        "instance": {"type": "string", "example": "/api/v1/organisations/unknown"},
        "requestId": {
            "type": "string",
            "description": "The id of the request, as in the X-Request-ID response header and "
            "the server's log lines; quote it when reporting the error.",
            "example": "5f0c2a9e3b8d4c1f9a7e6d5c4b3a2918",
        },
        "invalidParams": {
            "type": "array",
            "description": "400 and 422: which field is wrong, and why.",
            "items": {
                "type": "object",
                "required": ["name", "reason"],
                "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
        "currentVersion": {
            "type": "integer",
            "description": "409: the version of the record now stored; read it again.",
        },
        "problems": {
            "type": "array",
            "description": "422 on a stage move: every gate rule not met, as a sentence.",
            "items": {"type": "string"},
        },
        "importId": {
            "type": "integer",
            "description": "422 on an import: the checked file, with its full report.",
        },
        "errors": {
            "type": "array",
            "description": "422 on an import: the problems per row (row 1 is the header).",
            "items": {
                "type": "object",
                "required": ["row", "column", "value", "reason"],
                "properties": {
                    "row": {"type": "integer"},
                    "column": {"type": "string"},
                    "value": {"type": "string"},
                    "reason": {"type": "string"},
                },
            },
        },
    },
}

ERROR_DESCRIPTIONS = {
    "400": "The request is malformed or a field is invalid.",
    "401": "Not signed in: send an Authorization: Bearer token (or a session cookie).",
    "403": "Signed in, but this role may not do this (or the CSRF token is missing).",
    "404": "Not found, or not visible to you.",
    "409": "The record changed since you read it (optimistic locking).",
    "415": "The body has a media type this endpoint does not accept.",
    "422": "Well-formed, but it breaks a rule of the register.",
    "429": "Too many requests; wait and try again (see Retry-After).",
    "500": "Something went wrong on our side.",
}

_WRITE_ERRORS = ("400", "401", "403", "404", "409", "415", "422", "429", "500")
_ERRORS_BY_METHOD = {
    "get": ("401", "403", "404", "429", "500"),
    "delete": ("401", "403", "404", "409", "422", "429", "500"),
    "post": _WRITE_ERRORS,
    "put": _WRITE_ERRORS,
    "patch": _WRITE_ERRORS,
}

_VERSION_HEADER = {
    "description": "The full version of the API that answered.",
    "schema": {"type": "string", "example": settings.API_VERSION},
}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents ``Authorization: Bearer oms_…`` (tokens issued through POST /tokens)."""

    target_class = "omslag.accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from POST /tokens, shown once when it is issued.",
        }


def decimal_pattern(whole_digits: int | None, decimal_places: int, negative: bool) -> str:
    """The strings a DecimalField reads: a sign only where negatives are allowed, at least
    one digit, no more whole digits or decimals than the field keeps."""
    whole = "\\d+" if whole_digits is None else f"\\d{{1,{whole_digits}}}"
    sign = "-?" if negative else ""
    return f"^{sign}(?:{whole}(?:\\.\\d{{0,{decimal_places}}})?|\\.\\d{{1,{decimal_places}}})$"


class DecimalAsStringField(OpenApiSerializerFieldExtension):
    """Decimals sent as strings ("1234.50"): drf-spectacular's pattern allows "", "-" and
    "." and a sign where the field refuses negatives; this one says what is accepted."""

    target_class = "rest_framework.serializers.DecimalField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = auto_schema._map_serializer_field(field, direction, bypass_extensions=True)
        # Answers keep drf-spectacular's looser pattern: a computed total may be wider.
        if direction != "request" or schema.get("type") != "string" or field.decimal_places is None:
            return schema
        digits = field.max_digits
        if isinstance(field, MoneyField):
            digits = min(digits or AMOUNT_MAX_DIGITS, EXACT_DIGITS)
        whole = None if digits is None else digits - field.decimal_places
        negative = field.min_value is None or field.min_value < 0
        schema["pattern"] = decimal_pattern(whole, field.decimal_places, negative)
        if field.min_value is not None and field.min_value > 0:
            # A field that refuses zero: not only zeros (and a point).
            schema["pattern"] = "^(?![0.]*$)" + schema["pattern"][1:]
        return schema


class EnglishSchemaGenerator(SchemaGenerator):
    """Writes the document in English whatever the active language, so the committed file,
    the one served at /api/v1/openapi.json and the one CI generates are the same."""

    def get_schema(self, request=None, public=False):
        with translation.override("en"):
            return super().get_schema(request=request, public=public)


def doc_excludes() -> list[type]:
    """Classes whose docstrings are about the code, not the API: never used as descriptions."""
    return [*get_lib_doc_excludes(), CamelCaseMixin, CamelSerializer, CamelModelSerializer]


def _error_codes(method: str, operation: dict) -> tuple[str, ...]:
    codes = _ERRORS_BY_METHOD[method]
    # A read or delete without parameters has nothing to be malformed (design rules: every
    # GET and DELETE with parameters, and every other write, documents 400).
    if method in {"get", "delete"} and operation.get("parameters"):
        codes = ("400", *codes)
    if not operation.get("security") or {} in operation["security"]:
        codes = tuple(code for code in codes if code not in {"401", "403"})
    return codes


# Django derives the bounds of integer fields from the database backend (64-bit on SQLite,
# 32-bit on PostgreSQL); 64-bit ones say nothing about the API, and would make the document
# depend on where it was generated. They are left out.
# (Model serializers give integer fields PostgreSQL's bounds on both databases, see
# ``common.api.serializers``: those stay.)
_BACKEND_INTEGER_BOUNDS = {9223372036854775807, -9223372036854775808}
_CHOICE_BOUNDS = {*_BACKEND_INTEGER_BOUNDS, 32767, -32768, 2147483647, -2147483648}


def _drop_backend_bounds(node) -> None:
    if isinstance(node, dict):
        # A choice keeps the backend's bounds of its column beside its values: they say nothing.
        bounds = _CHOICE_BOUNDS if ("oneOf" in node or "enum" in node) else _BACKEND_INTEGER_BOUNDS
        for key in ("maximum", "minimum"):
            if node.get(key) in bounds:
                del node[key]
        if node.get("type") == "integer" and node.get("format") == "int64":
            del node["format"]
        for value in node.values():
            _drop_backend_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _drop_backend_bounds(value)


def add_design_rule_responses(result, generator, request, public):
    """Add problem+json error responses and the API-Version header to every operation."""
    _drop_backend_bounds(result.get("components", {}))
    _drop_backend_bounds(result.get("paths", {}))
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components.setdefault("headers", {})["API-Version"] = _VERSION_HEADER
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    header_ref = {"$ref": "#/components/headers/API-Version"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _ERRORS_BY_METHOD:
                continue
            responses = operation.setdefault("responses", {})
            for code in _error_codes(method, operation):
                responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code]})
            for code, response in responses.items():
                response.setdefault("headers", {})["API-Version"] = header_ref
                if code.startswith(("4", "5")):
                    response["content"] = {"application/problem+json": {"schema": problem_ref}}
            operation["responses"] = dict(sorted(responses.items()))
    return result
