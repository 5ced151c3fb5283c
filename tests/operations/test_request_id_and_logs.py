"""A request id on every response, in problem+json and on every log line; logs as JSON or
text from the environment, the gunicorn access log in the same shape."""

import io
import json
import logging
import re

import pytest

from omslag.common.logs import JsonFormatter, RequestIdFilter, logging_config
from omslag.common.requestid import RequestIdMiddleware

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"[0-9a-f]{32}")


def test_generated_when_absent_and_different_each_time(client):
    first = client.get("/health/live")["X-Request-ID"]
    second = client.get("/health/live")["X-Request-ID"]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second) and first != second


@pytest.mark.parametrize(
    "incoming", ["5f0c2a9e-3b8d-4c1f-9a7e-6d5c4b3a2918", "proxy.42:abc_DEF", "x" * 128]
)
def test_a_well_formed_incoming_id_is_kept(client, incoming):
    response = client.get("/health/live", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming", ["x" * 129, "two words", 'quote"d', "<script>", "new\\nline", "é"]
)
def test_a_malformed_incoming_id_is_replaced(client, incoming):
    response = client.get("/health/live", headers={"X-Request-ID": incoming})
    assert GENERATED.fullmatch(response["X-Request-ID"])


def test_problem_json_carries_the_request_id(client):
    # Outside DRF (no URL matched) and through DRF's exception handler (not signed in).
    for path in ("/api/v1/no-such-endpoint", "/api/v1/organisations"):
        response = client.get(path, headers={"X-Request-ID": "trace-0001"})
        assert response["Content-Type"] == "application/problem+json"
        assert json.loads(response.content)["requestId"] == "trace-0001"
        generated = client.get(path)
        assert json.loads(generated.content)["requestId"] == generated["X-Request-ID"]


@pytest.fixture
def json_lines():
    """Log lines written as the settings configure them: a handler with the request-id filter
    and the JSON formatter on the root logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_log_lines_of_a_request_carry_its_id(rf, json_lines):
    def view(request):
        logging.getLogger("omslag.example").warning("inside the view", extra={"rows": 3})
        from django.http import HttpResponse

        return HttpResponse()

    request = rf.get("/x", headers={"X-Request-ID": "trace-0002"})
    response = RequestIdMiddleware(view)(request)
    logging.getLogger("omslag.example").warning("after the request")
    inside, after = json_lines()
    assert response["X-Request-ID"] == "trace-0002"
    assert inside["request_id"] == "trace-0002"
    assert (inside["level"], inside["logger"], inside["message"]) == (
        "WARNING",
        "omslag.example",
        "inside the view",
    )
    assert inside["rows"] == 3
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", inside["time"])
    assert after["request_id"] == "-"


def test_djangos_own_error_lines_carry_the_id(client, json_lines):
    client.get("/api/v1/no-such-endpoint", headers={"X-Request-ID": "trace-0003"})
    lines = [line for line in json_lines() if line["logger"] == "django.request"]
    assert lines and lines[-1]["request_id"] == "trace-0003"
    assert "/api/v1/no-such-endpoint" in lines[-1]["message"]


def test_tracebacks_stay_inside_one_json_line(json_lines):
    try:
        raise ValueError("broken")
    except ValueError:
        logging.getLogger("omslag.example").exception("it failed")
    (line,) = json_lines()
    assert line["message"] == "it failed"
    assert "ValueError: broken" in line["exception"]


def test_gunicorn_access_lines_become_fields():
    atoms = {
        "h": "10.0.0.5",
        "m": "POST",
        "U": "/api/v1/applications",
        "q": "page=2",
        "s": "201",
        "B": 512,
        "D": 12500,
        "a": "curl/8",
        "{x-request-id}o": "trace-0004",
    }
    record = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, "%(h)s", (atoms,), None)
    line = json.loads(JsonFormatter().format(record))
    assert line["method"] == "POST" and line["path"] == "/api/v1/applications"
    assert (line["status"], line["bytes"], line["duration_ms"]) == (201, 512, 12.5)
    assert line["request_id"] == "trace-0004" and line["remote"] == "10.0.0.5"


def test_text_format_has_the_request_id():
    config = logging_config("text", "debug")
    assert "%(request_id)s" in config["formatters"]["omslag"]["format"]
    assert config["root"]["level"] == "DEBUG"
    with pytest.raises(ValueError):
        logging_config("xml", "INFO")


def test_a_server_error_gives_the_id_to_the_person_and_the_log(client, settings, json_lines):
    settings.ROOT_URLCONF = "tests.operations.urls_failing"
    client.raise_request_exception = False
    api = client.get("/api/v1/failing", headers={"X-Request-ID": "trace-0500"})
    page = client.get("/failing", headers={"X-Request-ID": "trace-0501"})
    assert api.status_code == 500 and page.status_code == 500
    assert json.loads(api.content)["requestId"] == "trace-0500"
    assert api["X-Request-ID"] == "trace-0500"
    assert b"trace-0501" in page.content and page["X-Request-ID"] == "trace-0501"
    errors = {
        line["request_id"]: line
        for line in json_lines()
        if line["logger"] == "django.request" and line["level"] == "ERROR"
    }
    assert set(errors) == {"trace-0500", "trace-0501"}
    assert all("RuntimeError: a bug, on purpose" in line["exception"] for line in errors.values())


def test_gunicorn_access_lines_in_text_carry_the_id_of_the_response():
    atoms = {"h": "10.0.0.5", "{x-request-id}o": "trace-0005"}
    record = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, "%(h)s", (atoms,), None)
    RequestIdFilter().filter(record)
    formatter = logging.Formatter(logging_config("text", "INFO")["formatters"]["omslag"]["format"])
    assert formatter.format(record).endswith("INFO gunicorn.access [trace-0005] 10.0.0.5")
