"""Fixed-window rate limits kept in Django's cache (the database cache, shared by every
process), so that no third-party service is needed."""

import hashlib
import time

from django.core.cache import cache

WINDOW_SECONDS = 3600


def rate_limit_retry_after(scope: str, value: str, limit: int, *, now: float | None = None):
    """Count one attempt of ``value`` in ``scope``; return the seconds to wait when the
    limit of this hour is already used, else None."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    key = f"participation:{scope}:{digest}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
        used = 1
    if used > limit:
        return max(1, int((window + 1) * WINDOW_SECONDS - now))
    return None
