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
