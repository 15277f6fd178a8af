"""Limits daphne does not have: a request body cap and deadlines for a request's headers and body.

daphne reads a request's whole body (into a temporary file, then into the
application's queue, in memory) before the application is even called, so no
ASGI middleware can refuse a large body in time: a 400 MB anonymous POST grew
the process by 400 MB. And Twisted's only timeout is an idle one, which every
trickled byte resets, so a client sending its headers a byte at a time held
its connection for as long as it liked. Here daphne's HTTP/1.1 connections get
three limits, enforced while the bytes arrive:

- a body larger than ``REQUEST_MAX_BODY_BYTES`` gets 413 as soon as its
  ``Content-Length`` is read (before any ``100 Continue``), or as soon as a
  chunked body passes it (counted with its chunk framing);
- a request's line and headers must all arrive within
  ``REQUEST_HEADER_TIMEOUT_S`` of its first byte (or of the connection's
  opening), else 408;
- its body within ``REQUEST_BODY_TIMEOUT_S`` of its headers, else 408.

A refused connection is answered, then read and discarded for a moment so the
client sees the answer instead of a reset, then closed. 0 turns a limit off.

This reaches into daphne (``daphne.server`` builds its ``HTTPFactory`` by that
name) and Twisted (the private ``_GenericHTTPChannelProtocol`` around each
``HTTPChannel``): :func:`limit_daphne_requests` checks both and logs an error
instead of installing when they are not the ones it was written for; a live
test pins the behaviour. HTTP/2 (daphne with TLS) is not covered: put nginx in
front (``deploy/nginx/byeol.conf`` enforces the same limits there).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from twisted.internet.base import DelayedCall
    from twisted.python.failure import Failure
    from twisted.web import http

log = logging.getLogger("byeol.requests")

# How long a refused client may go on sending before its connection is dropped.
LINGER_S = 2.0


@dataclass(frozen=True)
class RequestLimits:
    max_body_bytes: int
    header_timeout_s: float
    body_timeout_s: float


def limits_from_settings() -> RequestLimits:
    from django.conf import settings

    return RequestLimits(
        max_body_bytes=settings.REQUEST_MAX_BODY_BYTES,
        header_timeout_s=settings.REQUEST_HEADER_TIMEOUT_S,
        body_timeout_s=settings.REQUEST_BODY_TIMEOUT_S,
    )


def _reason(status: int) -> bytes:
    return {408: b"Request Timeout", 413: b"Content Too Large"}[status]


class _Transport(Protocol):
    """What the channel uses of its transport.

    Twisted declares transports as zope interfaces, whose methods mypy cannot
    call (they have no ``self``) without the mypy-zope plugin.
    """

    def write(self, data: bytes) -> None: ...
    def loseConnection(self) -> None: ...
    def abortConnection(self) -> None: ...
    def getPeer(self) -> object: ...


def _limited_channel_class() -> Callable[[RequestLimits], http.HTTPChannel]:
    from twisted.internet.protocol import connectionDone
    from twisted.web import http

    # HTTPChannel's own methods are unannotated: calling them needs the ignores below.
    class LimitedChannel(http.HTTPChannel):
        """Twisted's HTTP/1.1 channel with the limits above.

        ``_phase``: "waiting" for a request's first byte, reading its "headers",
        its "body", or "handling" it (the application has it; no deadline).
        """

        def __init__(self, limits: RequestLimits) -> None:
            super().__init__()  # type: ignore[no-untyped-call]
            self.limits = limits
            self._phase = "waiting"
            self._deadline: DelayedCall | None = None
            self._body_bytes = 0
            self._refused = False

        @property
        def _transport(self) -> _Transport:
            return cast(_Transport, self.transport)

        # --- deadlines -------------------------------------------------------------

        def _arm(self, seconds: float) -> None:
            self._disarm()
            if seconds > 0:
                self._deadline = self.callLater(seconds, self._expired)  # type: ignore[no-untyped-call]

        def _disarm(self) -> None:
            if self._deadline is not None and self._deadline.active():
                self._deadline.cancel()
            self._deadline = None

        def _expired(self) -> None:
            self._deadline = None
            if self._phase == "waiting":
                # A connection that never sent a byte: nothing to answer.
                self._transport.loseConnection()
            else:
                self._refuse(408, f"the request's {self._phase} took too long to arrive")

        def _refuse(self, status: int, text: str) -> None:
            self._refused = True
            self._disarm()
            peer = getattr(self._transport.getPeer(), "host", "?")
            log.warning("refused %s: %d %s", peer, status, text)
            body = f"{text}\n".encode()
            self._transport.write(
                b"HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                % (status, _reason(status), len(body), body)
            )
            # Half-close and keep reading (and dropping) a moment: closing with
            # unread data would reset the connection and lose the answer.
            lose_write = getattr(self._transport, "loseWriteConnection", None)
            if lose_write is None:
                self._transport.loseConnection()
                return
            lose_write()
            self._deadline = self.callLater(  # type: ignore[no-untyped-call]
                LINGER_S, self._transport.abortConnection
            )

        # --- Twisted's hooks -------------------------------------------------------

        def connectionMade(self) -> None:
            super().connectionMade()  # type: ignore[no-untyped-call]
            self._arm(self.limits.header_timeout_s)

        def dataReceived(self, data: bytes) -> None:
            if self._refused:
                return
            if self._phase == "waiting":
                self._phase = "headers"
                if self._deadline is None:
                    self._arm(self.limits.header_timeout_s)
            super().dataReceived(data)  # type: ignore[no-untyped-call]

        def allHeadersReceived(self) -> None:
            self._disarm()
            limit = self.limits.max_body_bytes
            if limit and self.length is not None and self.length > limit:
                self._refuse(413, f"request bodies are at most {limit} bytes")
                return
            self._phase = "body"
            self._body_bytes = 0
            super().allHeadersReceived()  # type: ignore[no-untyped-call]
            # A request without a body is complete at once (allContentReceived disarms).
            self._arm(self.limits.body_timeout_s)

        def rawDataReceived(self, data: bytes) -> None:
            if self._refused:
                return
            if self._phase == "body" and self.length is None:
                # Chunked: no length to check up front; count as it comes.
                self._body_bytes += len(data)
                limit = self.limits.max_body_bytes
                if limit and self._body_bytes > limit:
                    self._refuse(413, f"request bodies are at most {limit} bytes")
                    return
            super().rawDataReceived(data)

        def allContentReceived(self) -> None:
            if self._refused:
                return
            self._disarm()
            self._phase = "handling"
            super().allContentReceived()  # type: ignore[no-untyped-call]

        def requestDone(self, request: http.Request) -> None:
            # Before Twisted replays pipelined data, which may hold the next request.
            self._phase = "waiting"
            super().requestDone(request)  # type: ignore[no-untyped-call]

        def connectionLost(self, reason: Failure = connectionDone) -> None:
            self._disarm()
            super().connectionLost(reason)  # type: ignore[no-untyped-call]

    return LimitedChannel


def _limited_factory_class(limits: RequestLimits) -> type:
    from daphne.http_protocol import HTTPFactory
    from twisted.web import http

    channel_class = _limited_channel_class()

    class LimitedHTTPFactory(HTTPFactory):  # type: ignore[misc]  # daphne is untyped
        """daphne's HTTP factory, building limited channels."""

        def protocol(self) -> Any:
            # What Twisted's own factory function does, with our channel inside.
            return http._GenericHTTPChannelProtocol(channel_class(limits))

    return LimitedHTTPFactory


def _compatible() -> str | None:
    """Why the hook cannot be installed here, or None."""
    from importlib.metadata import version

    # The daphne releases this hook knows (their server module builds its HTTP
    # factory by name) are the ones the backpressure hook knows.
    from project.backpressure import DAPHNE_VERSIONS

    installed = version("daphne")
    if not installed.startswith(DAPHNE_VERSIONS):
        return f"daphne {installed} (written for {'/'.join(DAPHNE_VERSIONS)})"
    from twisted.web import http

    if not hasattr(http, "_GenericHTTPChannelProtocol"):
        return "Twisted has no twisted.web.http._GenericHTTPChannelProtocol"
    for name in ("allHeadersReceived", "allContentReceived", "rawDataReceived", "requestDone", "length"):
        if not hasattr(http.HTTPChannel, name):
            return f"Twisted's HTTPChannel has no {name}"
    return None


def limit_daphne_requests(limits: RequestLimits | None = None) -> bool:
    """Make the daphne serving this process enforce ``limits`` (default: the settings).

    Call it while the ASGI application is imported: daphne's CLI (and its
    ``runserver``) have imported ``daphne.server`` then, and build their HTTP
    factory afterwards. Under any other server it does nothing and returns
    False; it logs an error and returns False with a daphne or Twisted it was
    not written for.
    """
    server = sys.modules.get("daphne.server")
    if server is None or not hasattr(server, "HTTPFactory"):
        return False
    problem = _compatible()
    if problem is not None:
        log.error("request limits not installed: %s; put a proxy that has them in front", problem)
        return False
    server.HTTPFactory = _limited_factory_class(limits or limits_from_settings())  # type: ignore[attr-defined]
    return True
