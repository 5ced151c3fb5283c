"""gunicorn settings that follow omslag's: forwarded headers (``X-Forwarded-Proto``) are only
trusted when ``OMSLAG_BEHIND_TLS_PROXY`` is on.

gunicorn by default believes ``X-Forwarded-Proto: https`` from 127.0.0.1, so without this a
local request with that header would be taken for HTTPS and answered with HSTS, in demo mode
too. ``omslag serve`` and ``omslag demo`` start gunicorn with this module as its config.
"""

import os

_truthy = {"1", "true", "yes", "on"}

if os.environ.get("OMSLAG_BEHIND_TLS_PROXY", "").lower() not in _truthy:
    secure_scheme_headers: dict[str, str] = {}
    forwarded_allow_ips = "127.0.0.1"  # irrelevant without scheme headers; kept narrow

# Threads in each worker process (``omslag serve --threads``): a request waiting for the
# database or the network leaves the process to another request, and connections are kept
# alive between requests of one client (the sync worker closes every connection).
worker_class = "gthread"
threads = 4
# A kept-alive connection waits this long for the client's next request: longer than a person
# pauses between clicks, so the server does not close a connection just as the client reuses
# it (the client then sees "connection reset"; in the load test 1 request in 400 did).
keepalive = 20
