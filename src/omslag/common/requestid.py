"""A request id for every request: taken from a well-formed incoming ``X-Request-ID`` (set by
the reverse proxy or the client), otherwise generated; returned in the ``X-Request-ID``
response header, put on every log line written while the request runs
(``omslag.common.logs``) and in every problem+json error body (``requestId``)."""

import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
# Letters, digits and - _ . : only, at most 128 characters: a UUID, a proxy's hex id or a
# trace id fits; anything else (spaces, quotes, control characters that could forge a log
# line) is replaced by a generated id.
_WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{1,128}")

_current: ContextVar[str | None] = ContextVar("omslag_request_id", default=None)


def request_id_current() -> str | None:
    """The id of the request this code runs for, or None outside a request."""
    return _current.get()


def request_id_from(incoming: str | None) -> str:
    """The incoming id when it is well-formed, else a new one (32 hexadecimal digits)."""
    if incoming and _WELL_FORMED.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in the middleware list, so every later middleware and view logs with the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response
