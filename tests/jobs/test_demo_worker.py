"""`make run` (omslag demo) serves with one worker beside the server, and stops it with it."""

import sys
import time

from omslag.demo.management.commands.demo import WORKER_COMMAND, serve_with_worker


def test_the_demo_starts_omslag_worker_beside_the_server():
    assert WORKER_COMMAND[1:] == ["-m", "omslag.cli", "worker"]


def test_the_worker_stops_when_the_server_stops(tmp_path):
    marker = tmp_path / "worker-pid"
    worker = [
        sys.executable,
        "-c",
        f"import os, time; open({str(marker)!r}, 'w').write(str(os.getpid())); time.sleep(120)",
    ]
    server = [sys.executable, "-c", "import time; time.sleep(2)"]
    started = time.monotonic()
    serve_with_worker(server, worker)
    assert time.monotonic() - started < 60  # not the worker's 120 seconds
    pid = int(marker.read_text())
    # The worker process is gone (terminated and waited for).
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        pass
    else:
        raise AssertionError(f"worker {pid} still runs")
