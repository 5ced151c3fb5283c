"""gunicorn settings that follow omslag's: forwarded headers, logs and metrics.

``omslag serve`` and ``omslag demo`` start gunicorn with this module as its config.

- Forwarded headers (``X-Forwarded-Proto``) are only trusted when ``OMSLAG_BEHIND_TLS_PROXY``
  is on. gunicorn by default believes ``X-Forwarded-Proto: https`` from 127.0.0.1, so without
  this a local request with that header would be taken for HTTPS and answered with HSTS, in
  demo mode too.
- The access log and gunicorn's own messages are written like the application's
  (``OMSLAG_LOG_FORMAT=json|text``, see omslag.common.logs), with the request id the
  application returned in ``X-Request-ID``.
- Every worker keeps its Prometheus figures in ``PROMETHEUS_MULTIPROC_DIR`` (a fresh temporary
  folder unless set), so ``/metrics`` adds up all workers whichever one answers the scrape.
"""

import os
import shutil
import tempfile
from pathlib import Path

from omslag.common.logs import logging_config

_truthy = {"1", "true", "yes", "on"}


def _on(name: str) -> bool:
    return os.environ.get(name, "").lower() in _truthy


if not _on("OMSLAG_BEHIND_TLS_PROXY"):
    secure_scheme_headers: dict[str, str] = {}
    forwarded_allow_ips = "127.0.0.1"  # irrelevant without scheme headers; kept narrow

# Logs: the same format and level as the application's settings.LOGGING.
_log_format = os.environ.get(
    "OMSLAG_LOG_FORMAT", "text" if (_on("OMSLAG_DEMO") or _on("OMSLAG_DEBUG")) else "json"
)
logconfig_dict = logging_config(_log_format, os.environ.get("OMSLAG_LOG_LEVEL", "INFO"))
logconfig_dict["loggers"].update(
    {
        name: {"level": "INFO", "handlers": ["console"], "propagate": False}
        for name in ("gunicorn.error", "gunicorn.access")
    }
)
# The text of an access line (the request id comes before it, as on every line); JSON lines
# take every field from gunicorn's atoms instead.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'

# Metrics of all workers together (prometheus_client's multiprocess mode).
_created_metrics_dir = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _created_metrics_dir = tempfile.mkdtemp(prefix="omslag-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _created_metrics_dir


def on_starting(server):
    """Figures of an earlier run are not this run's: empty the folder."""
    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _created_metrics_dir:
        shutil.rmtree(_created_metrics_dir, ignore_errors=True)


# Threads in each worker process (``omslag serve --threads``): a request waiting for the
# database or the network leaves the process to another request, and connections are kept
# alive between requests of one client (the sync worker closes every connection).
worker_class = "gthread"
threads = 4
# A kept-alive connection waits this long for the client's next request: longer than a person
# pauses between clicks, so the server does not close a connection just as the client reuses
# it (the client then sees "connection reset"; in the load test 1 request in 400 did).
keepalive = 20
