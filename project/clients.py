"""Who the client is: the peer's address, or what a configured proxy says it is.

``TRUSTED_PROXIES`` (default 0) is how many proxies stand in front of Byeol.
Each appends the address it saw to ``X-Forwarded-For``, so the client is the
entry that many places from the right; anything further left was written by
the client and is ignored. With 0 the header is never read.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from project.asgi_types import Scope, header

# Far more than any real chain of proxies: a longer header is not parsed.
MAX_FORWARDED_CHARS = 1024


def client_address(peer: str, forwarded_for: str | None, *, trusted_proxies: int) -> str:
    """The client's address from the peer and ``X-Forwarded-For``, trusting ``trusted_proxies`` hops."""
    if trusted_proxies <= 0 or not forwarded_for or len(forwarded_for) > MAX_FORWARDED_CHARS:
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",")]
    # The nearest proxy is the peer itself; the ones before it appended their peers.
    if len(hops) < trusted_proxies:
        return hops[0] or peer
    return hops[-trusted_proxies] or peer


def scope_client(scope: Scope) -> str:
    """The client address of an ASGI request."""
    peer = (scope.get("client") or ("",))[0] or ""
    return client_address(peer, header(scope, b"x-forwarded-for"), trusted_proxies=settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str:
    """The client address of a Django request."""
    return client_address(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        trusted_proxies=settings.TRUSTED_PROXIES,
    )
