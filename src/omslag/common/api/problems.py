"""Every API error as application/problem+json (RFC 9457) with status, title and detail."""

import logging

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ..errors import ConflictError, RuleViolation
from ..requestid import request_id_current
from .serializers import camel

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def problem_body(status_code: int, detail: str, *, instance: str = "", **extra) -> dict:
    body = {
        "type": "about:blank",
        "title": _TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    request_id = request_id_current()
    if request_id:
        # The same id as the X-Request-ID header and the log lines of this request, so a
        # person reporting the error gives the operator the way to its traceback.
        body["requestId"] = request_id
    body.update(extra)
    return body


def problem_response(request, status_code: int, detail: str, **extra) -> Response:
    return Response(
        problem_body(status_code, detail, instance=request.path if request else "", **extra),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _invalid_params(detail, prefix: str = "") -> list[dict]:
    """Flatten DRF's nested error detail into [{name, reason}] (ADR problem extension)."""
    params = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors":
                name = prefix or "body"
            params.extend(_invalid_params(value, name))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list) and not isinstance(value, str):
                params.extend(_invalid_params(value, f"{prefix}[{index}]"))
            else:
                params.append({"name": prefix or "body", "reason": str(value)})
    else:
        params.append({"name": prefix or "body", "reason": str(detail)})
    return params


def _model_errors_by_api_name(exc: DjangoValidationError) -> dict:
    """A model's full_clean() errors keyed by the camelCase name the API gives each field
    (models say ``end_of_support``, clients send ``endOfSupport``); errors of the record as a
    whole (a unique constraint across fields) are named ``body``."""
    if not hasattr(exc, "error_dict"):
        return {"body": exc.messages}
    return {
        ("body" if field == NON_FIELD_ERRORS else camel(field)): messages
        for field, messages in exc.message_dict.items()
    }


def problem_exception_handler(exc, context):
    request = context.get("request")
    if isinstance(exc, ConflictError):
        extra = {}
        if exc.current is not None and hasattr(exc.current, "version"):
            extra["currentVersion"] = exc.current.version
        return problem_response(request, status.HTTP_409_CONFLICT, exc.message, **extra)
    if isinstance(exc, RuleViolation):
        return problem_response(request, 422, exc.message)
    if isinstance(exc, DjangoValidationError):
        detail = _model_errors_by_api_name(exc)
        return problem_response(
            request,
            422,
            _("The request breaks a rule of the register."),
            invalidParams=_invalid_params(detail),
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return problem_response(request, 500, _("Something went wrong on our side."))

    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        detail = _("The request is not valid; see invalidParams.")
        extra["invalidParams"] = _invalid_params(exc.detail)
    elif isinstance(exc, exceptions.APIException):
        detail = str(exc.detail) if not isinstance(exc.detail, dict | list) else str(exc)
    else:
        detail = str(exc)
    problem = problem_response(request, response.status_code, detail, **extra)
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            problem[header] = response[header]
    return problem


def problem_json_response(request, status_code: int, detail: str, **extra) -> JsonResponse:
    """A problem+json response outside DRF (URL resolver 404, 500, CSRF failures)."""
    return JsonResponse(
        problem_body(status_code, detail, instance=request.path, **extra),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )
