"""/metrics: off by default, only for allowed addresses or a bearer token; request latency
and status per view (by URL name, never the raw path), queries per request, and collectors
other apps register (the task queue's depth and age)."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import ResolverMatch
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.parser import text_string_to_metric_families

from omslag.common import metrics

pytestmark = pytest.mark.django_db


def samples(text: str) -> dict:
    """{(sample name, frozenset of labels): value} of an exposition text."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def scrape(client, **headers) -> dict:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return samples(response.content.decode())


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def test_off_by_default(client, settings):
    settings.METRICS_ALLOW = []
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404


def test_only_allowed_addresses_or_the_token(client, settings):
    settings.METRICS_ALLOW = ["10.0.0.0/8"]
    settings.METRICS_TOKEN = "scrape-secret-0123456789"
    assert client.get("/metrics").status_code == 403  # the test client is 127.0.0.1
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer ünïcode"}).status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="11.1.2.3").status_code == 403
    assert (
        client.get(
            "/metrics", headers={"Authorization": "Bearer scrape-secret-0123456789"}
        ).status_code
        == 200
    )
    settings.METRICS_ALLOW = ["127.0.0.1"]
    assert client.get("/metrics").status_code == 200


def test_a_request_through_the_proxy_needs_the_token(client, settings):
    # Behind nginx or Caddy every request comes from 127.0.0.1; the proxy says so in a header.
    settings.METRICS_ALLOW = ["127.0.0.1"]
    settings.METRICS_TOKEN = "scrape-secret-0123456789"
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    assert client.get("/metrics", headers=forwarded).status_code == 403
    assert client.get("/metrics", headers={"Forwarded": "for=203.0.113.9"}).status_code == 403
    with_token = {**forwarded, "Authorization": "Bearer scrape-secret-0123456789"}
    assert client.get("/metrics", headers=with_token).status_code == 200


def test_responses_and_latency_per_view_name(client, settings):
    settings.METRICS_ALLOW = ["127.0.0.1"]
    before = scrape(client)
    for _ in range(3):
        assert client.get("/health/live?from=test").status_code == 200
    assert client.get("/api/v1/organisations/no-such-thing-here").status_code in {401, 403}
    assert client.get("/no/such/page/at/all").status_code == 404
    after = scrape(client)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    live = {"view": "health-live", "method": "GET"}
    assert delta("omslag_http_responses_total", status="200", **live) == 3
    assert delta("omslag_http_request_duration_seconds_count", **live) == 3
    assert delta("omslag_http_request_duration_seconds_sum", **live) > 0
    assert delta("omslag_http_responses_total", view="<unresolved>", method="GET", status="404")
    assert delta("omslag_db_queries_per_request_count", view="health-live") == 3
    # Views are named by their URL name, so no path (or slug in it) becomes a label.
    labels = {dict(key[1]).get("view") for key in after if key[0].startswith("omslag_http")}
    assert not any("/" in label or "no-such-thing" in label for label in labels if label)


def test_queries_per_request_are_counted(settings):
    def view(request):
        with connection.cursor() as cursor:
            for _ in range(4):
                cursor.execute("SELECT 1")
        return HttpResponse("done")

    request = RequestFactory().get("/anything/42")

    def answer(request):
        request.resolver_match = ResolverMatch(view, (), {}, url_name="four-queries")
        return view(request)

    before = samples(metrics.metrics_text().decode())
    metrics.MetricsMiddleware(answer)(request)
    after = samples(metrics.metrics_text().decode())

    def delta(name, **labels):
        return value(after, name, view="four-queries", **labels) - value(
            before, name, view="four-queries", **labels
        )

    assert delta("omslag_db_queries_per_request_sum") == 4
    assert delta("omslag_db_queries_per_request_count") == 1
    assert delta("omslag_db_queries_per_request_bucket", le="5.0") == 1
    assert delta("omslag_db_queries_per_request_bucket", le="2.0") == 0


class QueueCollector:
    def collect(self):
        depth = GaugeMetricFamily("omslag_jobs_queued", "Jobs waiting.", labels=["queue"])
        depth.add_metric(["default"], 7)
        yield depth


def test_other_apps_add_collectors(client, settings):
    settings.METRICS_ALLOW = ["127.0.0.1"]
    # A name of its own: unregistering "jobs" would take the task queue's collector away from
    # the tests that run after this one in the same process (tests/jobs/test_monitoring.py).
    metrics.metrics_register("test-jobs", QueueCollector())
    try:
        found = scrape(client)
    finally:
        metrics.metrics_unregister("test-jobs")
    assert value(found, "omslag_jobs_queued", queue="default") == 7
    assert ("omslag_jobs_queued", frozenset({("queue", "default")})) not in scrape(client)
