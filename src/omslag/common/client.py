"""Who is asking: the client's address, the same for every limit that counts per address (the
sign-in lock-out, the API throttles, the proposal form).

Without a proxy in front (``OMSLAG_PROXY_COUNT`` 0, the default unless
``OMSLAG_BEHIND_TLS_PROXY`` is on) the address is the connection's own: an ``X-Forwarded-For``
header is the client's word and is ignored, or anyone could get a fresh counter per request by
changing it. Behind N proxies the address is the N-th from the right in ``X-Forwarded-For``:
the one the outermost trusted proxy saw connect.
"""

from django.conf import settings


def client_address(request) -> str:
    """The client's address as the outermost trusted proxy (or the connection) saw it."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    hops = settings.OMSLAG_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops <= 0 or not forwarded:
        return remote
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    if not addresses:
        return remote
    return addresses[-min(hops, len(addresses))][:64]
