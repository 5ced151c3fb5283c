"""OpenAPI post-processing so the document meets the Dutch REST API Design Rules."""

from django.conf import settings

_PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Not Found"},
        "status": {"type": "integer", "example": 404},
        "detail": {"type": "string", "example": "No organisation matches the given query."},
        "instance": {"type": "string", "example": "/api/v1/organisations/unknown"},
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
    },
}

_ERRORS = {
    "400": "The request is malformed or a field is invalid.",
    "401": "Not signed in: send a session cookie or an Authorization: Bearer token.",
    "403": "Signed in, but this role may not do this.",
    "404": "Not found, or not visible to you.",
    "405": "This method is not allowed here.",
    "409": "The record changed since you read it (optimistic locking).",
    "415": "The body has a media type this endpoint does not accept.",
    "422": "Well-formed, but it breaks a rule of the register.",
    "429": "Too many requests; wait and try again.",
    "500": "Something went wrong on our side.",
}

_VERSION_HEADER = {
    "API-Version": {
        "description": "The full version of the API that answered.",
        "schema": {"type": "string", "example": settings.API_VERSION},
    }
}


def add_design_rule_responses(result, generator, request, public):
    """Add problem+json error responses and the API-Version header to every operation."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = _PROBLEM
    components.setdefault("headers", {})["API-Version"] = _VERSION_HEADER["API-Version"]
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                if code.startswith(("2", "3")):
                    response.setdefault("headers", {})["API-Version"] = {
                        "$ref": "#/components/headers/API-Version"
                    }
            for code, description in _ERRORS.items():
                response = responses.setdefault(code, {"description": description})
                response["content"] = {"application/problem+json": {"schema": problem_ref}}
                response.setdefault("headers", {})["API-Version"] = {
                    "$ref": "#/components/headers/API-Version"
                }
    return result
