"""Prometheus metrics at ``/metrics``: request latency per view, responses per status code,
database queries per request, and whatever other apps register (``metrics_register``).

prometheus-client directly with our own middleware (docs/decisions.md): the view is named by
its URL name (``api:application-list``), never by the raw path, so the number of series stays
bounded; queries are counted with ``connection.execute_wrapper``, so the database engine stays
Django's own. Under gunicorn with several workers each worker writes its figures to
``PROMETHEUS_MULTIPROC_DIR`` (gunicorn_conf sets it up) and a scrape adds them together.

The page is off unless ``OMSLAG_METRICS_ALLOW`` (client addresses or networks) or
``OMSLAG_METRICS_TOKEN`` (a bearer token) is set.
"""

import hmac
import ipaddress
import os
import time
from collections.abc import Iterable
from contextlib import ExitStack
from typing import Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.http import Http404, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.metrics_core import Metric

REGISTRY = CollectorRegistry(auto_describe=True)

REQUEST_SECONDS = Histogram(
    "omslag_http_request_duration_seconds",
    "Time from the request entering Django to the response leaving it, per view.",
    ["view", "method"],
    registry=REGISTRY,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
RESPONSES = Counter(
    "omslag_http_responses",
    "Responses per view, method and status code.",
    ["view", "method", "status"],
    registry=REGISTRY,
)
QUERIES = Histogram(
    "omslag_db_queries_per_request",
    "Database queries one request made, per view.",
    ["view"],
    registry=REGISTRY,
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
)

_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNRESOLVED = "<unresolved>"


class Collector(Protocol):
    def collect(self) -> Iterable[Metric]: ...


_collectors: dict[str, Collector] = {}


def metrics_register(name: str, collector: Collector) -> None:
    """Add a collector whose ``collect()`` yields prometheus_client metric families (e.g.
    ``GaugeMetricFamily``) read at each scrape, such as the task queue's depth and the age of
    its oldest job. It runs in the process that answers the scrape, so it should read shared
    state (the database), not process memory. Registering a name again replaces it."""
    _collectors[name] = collector


def metrics_unregister(name: str) -> None:
    _collectors.pop(name, None)


def view_label(request) -> str:
    """The URL name of the view that answered (namespaced), its route when it has no name,
    or ``<unresolved>`` when no URL matched."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNRESOLVED
    return match.view_name or match.route or UNRESOLVED


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class MetricsMiddleware:
    """Times every request and counts its database queries (second in the middleware list,
    right after the request id)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _QueryCounter()
        started = time.perf_counter()
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counter))
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        view = view_label(request)
        method = request.method if request.method in _METHODS else "other"
        REQUEST_SECONDS.labels(view, method).observe(elapsed)
        RESPONSES.labels(view, method, str(response.status_code)).inc()
        QUERIES.labels(view).observe(counter.count)
        return response


class _Together:
    """Several collectors seen as one registry by ``generate_latest``."""

    def __init__(self, parts: list) -> None:
        self.parts = parts

    def collect(self):
        for part in self.parts:
            yield from part.collect()


def metrics_text() -> bytes:
    """The exposition text: this process's figures, or all workers' in multiprocess mode,
    followed by every registered collector's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        base = CollectorRegistry()
        multiprocess.MultiProcessCollector(base)
    else:
        base = REGISTRY
    return generate_latest(_Together([base, *_collectors.values()]))  # type: ignore[arg-type]


def _address_allowed(request) -> bool:
    """The client's address is in ``OMSLAG_METRICS_ALLOW``, and the request did not come
    through a proxy: behind one every request comes from the proxy's address (127.0.0.1), so
    a forwarded request is only let in by the token."""
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False
    address = request.META.get("REMOTE_ADDR", "")
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    for allowed in settings.METRICS_ALLOW:
        try:
            if client in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


def _token_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.encode(), token.encode())
    )


def metrics_view(request):
    """404 while metrics are off; 403 for a client neither allowed by address nor by token."""
    if not settings.METRICS_ALLOW and not settings.METRICS_TOKEN:
        raise Http404
    if not (_address_allowed(request) or _token_allowed(request)):
        raise PermissionDenied
    response = HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
