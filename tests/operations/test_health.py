"""/health/live and /health/ready: JSON, 200 or 503, no sign-in, no session, and a registry
other apps add probes to (the task queue's worker heartbeat)."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from omslag.common import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _migrations_checked_again():
    health.probe_migrations_forget()
    yield
    health.probe_migrations_forget()


def test_live_answers_without_database_or_session(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok"}
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert "no-store" in response["Cache-Control"]


def test_ready_reports_each_check(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert {"database", "migrations", "cache"} <= set(body["checks"])
    assert all(check["ok"] for check in body["checks"].values())
    assert not response.cookies


def test_ready_is_503_when_a_migration_is_missing(client):
    # The app's latest migration: Django plans from the leaves, so an earlier one recorded as
    # missing under an applied later one would not count as pending.
    latest = max(
        name for app, name in MigrationLoader(connection).disk_migrations if app == "common"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = %s AND name = %s", ["common", latest]
        )
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "unavailable"
    assert body["checks"]["migrations"] == {
        "ok": False,
        "detail": "1 migration(s) not applied",
        "ms": body["checks"]["migrations"]["ms"],
    }
    assert body["checks"]["database"]["ok"] is True


def test_a_registered_probe_decides_readiness(client):
    def workers_alive():
        raise health.ProbeFailed("no worker seen for 120 seconds")

    # A name of its own: unregistering "workers" would take the task queue's probe away from
    # the tests that run after this one in the same process (tests/jobs/test_monitoring.py).
    health.health_register("test-workers", workers_alive)
    try:
        response = client.get("/health/ready")
    finally:
        health.health_unregister("test-workers")
    assert response.status_code == 503
    check = json.loads(response.content)["checks"]["test-workers"]
    assert (check["ok"], check["detail"]) == (False, "no worker seen for 120 seconds")
    assert client.get("/health/ready").status_code == 200


def test_a_failing_probe_does_not_show_its_error(client):
    def leaky():
        raise RuntimeError("could not connect to db-internal.example:5432 as admin")

    health.health_register("leaky", leaky)
    try:
        response = client.get("/health/ready")
    finally:
        health.health_unregister("leaky")
    assert response.status_code == 503
    assert b"db-internal" not in response.content
    assert json.loads(response.content)["checks"]["leaky"]["detail"] == "failed (RuntimeError)"


def test_health_takes_only_get_and_head(client):
    assert client.head("/health/live").status_code == 200
    assert client.post("/health/live").status_code == 405


ASK = """
from django.test import Client
import django, json
django.setup()
client = Client(HTTP_HOST="localhost")
for path in ("/health/live", "/health/ready"):
    response = client.get(path)
    print(json.dumps({"path": path, "status": response.status_code,
                      "body": json.loads(response.content)}))
"""


def test_ready_is_503_when_the_database_cannot_be_reached(tmp_path):
    # A separate process whose database is a PostgreSQL server that is not there (port 1).
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="omslag.settings",
        OMSLAG_DATA_DIR=str(tmp_path),
        DATABASE_URL="postgres://omslag:wrong@127.0.0.1:1/nothing",
        OMSLAG_LOG_FORMAT="json",
    )
    result = subprocess.run(
        [sys.executable, "-c", ASK], env=env, capture_output=True, text=True, timeout=120
    )
    answers = {
        line["path"]: line for line in map(json.loads, result.stdout.splitlines()) if "path" in line
    }
    assert answers["/health/live"]["status"] == 200
    ready = answers["/health/ready"]
    assert ready["status"] == 503
    assert ready["body"]["checks"]["database"]["ok"] is False
    assert ready["body"]["checks"]["database"]["detail"] == "failed (OperationalError)"
    assert "127.0.0.1" not in result.stdout  # the address is logged, not answered
    assert "Readiness probe database failed" in result.stderr
