"""Failed logins are limited per client address (Django's cache: per process unless CACHES is shared).

After ``SUBSONIC_AUTH_FAILURES`` failures within ``SUBSONIC_AUTH_WINDOW_S`` an
address gets code 40 without its credentials being checked, until the window
that counted them ends.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from project.clients import client_ip


def client_address(request: HttpRequest) -> str:
    """Who is trying: the trusted-proxy-aware client address."""
    return client_ip(request)


def _key(address: str) -> str:
    # Hashed: an address is not always a safe cache key (IPv6 zones, a long forwarded value).
    return "subsonic-auth-failures:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def blocked(address: str) -> bool:
    return (cache.get(_key(address)) or 0) >= settings.SUBSONIC_AUTH_FAILURES


def record_failure(address: str) -> None:
    key = _key(address)
    if not cache.add(key, 1, timeout=settings.SUBSONIC_AUTH_WINDOW_S):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=settings.SUBSONIC_AUTH_WINDOW_S)
