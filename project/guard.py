"""The guard in front of every lean ASGI endpoint: what Django's middleware does for its own answers.

Host validation against ``ALLOWED_HOSTS`` (400), the HTTPS redirect when
``SECURE_SSL_REDIRECT`` is on (301), and the security headers of
:func:`project.headers.security_headers` on every answer, streams included.
"""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.encoding import escape_uri_path

from project.asgi_types import ASGIApp, Message, Receive, Scope, Send, header
from project.headers import security_headers

MAX_HOST_CHARS = 255


def request_host(scope: Scope) -> str:
    """The host the client asked for, as Django's ``HttpRequest._get_raw_host`` reads it."""
    host = None
    if settings.USE_X_FORWARDED_HOST:
        host = header(scope, b"x-forwarded-host")
    host = host or header(scope, b"host")
    if host is None:
        name, port = scope.get("server") or ("", None)
        default = "443" if is_secure(scope) else "80"
        host = name if port is None or str(port) == default else f"{name}:{port}"
    return host


def host_allowed(host: str) -> bool:
    if len(host) > MAX_HOST_CHARS:
        return False
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, allowed)


def is_secure(scope: Scope) -> bool:
    """HTTPS, as Django's ``HttpRequest.is_secure`` decides (``SECURE_PROXY_SSL_HEADER`` included)."""
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    if proxy_header:
        name, secure_value = proxy_header
        meta_name = name.removeprefix("HTTP_").lower().replace("_", "-").encode("latin-1")
        value = header(scope, meta_name)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return bool(scope.get("scheme") == "https")


@cache
def _exempt(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern) for pattern in patterns)


def _plain(status: int, text: str, extra: dict[str, str] | None = None) -> tuple[Message, Message]:
    body = text.encode()
    headers = {"content-type": "text/plain; charset=utf-8", "content-length": str(len(body)), **(extra or {})}
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
    }
    return start, {"type": "http.response.body", "body": body}


@cache
def _encoded(headers: tuple[tuple[str, str], ...]) -> tuple[tuple[bytes, bytes], ...]:
    """The headers as ASGI bytes, shared by every answer (a stream keeps them for its life)."""
    return tuple((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers)


class Guarded:
    """Wrap a lean endpoint so its answers are guarded exactly as Django's are."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def _refusal(self, scope: Scope, secure: bool) -> tuple[Message, Message] | None:
        host = request_host(scope)
        if not host_allowed(host):
            return _plain(400, "Bad Request (400): this host is not served here\n")
        path = scope["path"].lstrip("/")
        if (
            settings.SECURE_SSL_REDIRECT
            and not secure
            and not any(p.search(path) for p in _exempt(tuple(settings.SECURE_REDIRECT_EXEMPT)))
        ):
            query = scope.get("query_string", b"").decode("latin-1")
            target = f"https://{settings.SECURE_SSL_HOST or host}{escape_uri_path(scope['path'])}"
            if query:
                target += f"?{query}"
            return _plain(301, "", {"location": target})
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        secure = is_secure(scope)
        refusal = self._refusal(scope, secure)
        extra = _encoded(tuple(security_headers(secure=secure).items()))
        if refusal is not None:
            start, body = refusal
            start["headers"] += list(extra)
            await send(start)
            await send(body)
            return

        async def guarded_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", ())}
                message["headers"] = [
                    *message.get("headers", ()),
                    *((name, value) for name, value in extra if name not in present),
                ]
            await send(message)

        await self.app(scope, receive, guarded_send)
