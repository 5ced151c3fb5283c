"""The real server (`omslag serve`, gunicorn with two workers): JSON access lines with the
request id, and /metrics adding up every worker's figures."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

OMSLAG = str(Path(sys.executable).with_name("omslag"))
TOKEN = "scrape-token-for-the-test-0123456789"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (http://127.0.0.1)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_access_log_and_metrics_of_all_workers(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(
        OMSLAG_DATA_DIR=str(tmp_path),
        OMSLAG_LOG_FORMAT="json",
        OMSLAG_METRICS_TOKEN=TOKEN,
        OMSLAG_ALLOWED_HOSTS="127.0.0.1",
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out, err = tmp_path / "out.log", tmp_path / "err.log"
    with out.open("w") as stdout, err.open("w") as stderr:
        server = subprocess.Popen(
            [OMSLAG, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:  # wait with requests that are not counted below
            try:
                if _get(f"{base}/metrics")[0] == 403:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, err.read_text()
            time.sleep(0.3)
        ids = [f"served-{n}" for n in range(6)]
        for request_id in ids:
            status, headers, _ = _get(f"{base}/health/live", **{"X-Request-ID": request_id})
            assert status == 200 and headers["X-Request-ID"] == request_id
        status, _, body = _get(f"{base}/metrics", Authorization=f"Bearer {TOKEN}")
        assert status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
    line = 'omslag_http_responses_total{method="GET",status="200",view="health-live"} 6.0'
    assert line in body.decode()

    logged = [
        json.loads(text)
        for text in (out.read_text() + err.read_text()).splitlines()
        if text.startswith("{")
    ]
    access = [entry for entry in logged if entry["logger"] == "gunicorn.access"]
    live = [entry for entry in access if entry["path"] == "/health/live"]
    assert sorted(entry["request_id"] for entry in live) == ids
    assert all(entry["status"] == 200 and entry["method"] == "GET" for entry in live)
    assert any(entry["logger"] == "gunicorn.error" for entry in logged)


def test_an_unknown_log_format_is_named(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(OMSLAG_DATA_DIR=str(tmp_path), OMSLAG_LOG_FORMAT="xml")
    result = subprocess.run(
        [OMSLAG, "check"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2
    assert "OMSLAG_LOG_FORMAT must be json or text" in result.stderr
