"""``/health/live`` and ``/health/ready`` for load balancers, systemd and monitoring.

live: the process answers (touches nothing else). ready: every registered probe passes; the
database answers, every migration is applied, the cache works, and whatever other apps add
with ``health_register`` (the task queue adds its workers' heartbeat). Both answer JSON, 200
or 503, without sign-in or session, and are cheap enough to poll every few seconds.
"""

import logging
import secrets
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# A probe returns nothing (or a short, public note) when all is well and raises when not;
# the exception's text is logged, never shown (it can name hosts or paths).
Probe = Callable[[], str | None]

_probes: dict[str, Probe] = {}


class ProbeFailed(Exception):
    """Raised by a probe with a message that is safe to show in the answer."""


def health_register(name: str, probe: Probe) -> None:
    """Add (or replace) a readiness probe, e.g. ``health_register("workers", check)`` where
    ``check`` raises ``ProbeFailed("no worker seen for 2 minutes")`` when no worker is alive."""
    _probes[name] = probe


def health_unregister(name: str) -> None:
    _probes.pop(name, None)


def probe_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


_migrations_complete = False


def probe_migrations() -> str | None:
    """Every migration of the code is applied. Loading the migration graph costs tens of
    milliseconds, so once all are applied this process remembers it (new code, with new
    migrations, means a restart)."""
    global _migrations_complete
    if _migrations_complete:
        return None
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise ProbeFailed(f"{len(pending)} migration(s) not applied")
    _migrations_complete = True
    return None


def probe_migrations_forget() -> None:
    """Check the migrations again at the next probe (tests, after a restore)."""
    global _migrations_complete
    _migrations_complete = False


def probe_cache() -> None:
    value = secrets.token_hex(8)
    cache.set("omslag:health", value, 60)
    if cache.get("omslag:health") != value:
        raise ProbeFailed("the cache does not return what was stored")


health_register("database", probe_database)
health_register("migrations", probe_migrations)
health_register("cache", probe_cache)


def health_checks() -> tuple[bool, dict]:
    """Run every probe; (all passed, {name: {"ok", "ms", and "detail" when there is one}})."""
    results = {}
    healthy = True
    for name, probe in list(_probes.items()):
        started = time.perf_counter()
        result: dict = {}
        try:
            note = probe()
            result["ok"] = True
            if note:
                result["detail"] = str(note)
        except ProbeFailed as failure:
            result = {"ok": False, "detail": str(failure)}
        except Exception as error:
            logger.warning("Readiness probe %s failed: %r", name, error)
            result = {"ok": False, "detail": f"failed ({type(error).__name__})"}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        healthy = healthy and result["ok"]
        results[name] = result
    return healthy, results


@never_cache
@require_safe
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def ready(request):
    healthy, checks = health_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
