"""Write backpressure for responses served by daphne.

daphne writes every ``http.response.body`` message straight into Twisted's
transport buffer and returns at once, so a client reading slowly makes the
server hold the rest of a response in memory. This ASGI wrapper registers a
streaming producer on daphne's request: Twisted pauses it when the socket's
write buffer fills and resumes it when the buffer drains, and each body send
waits while paused. Django's response loop awaits ``send`` before pulling the
next chunk, so a slow reader slows the file reads down instead of filling RAM.

Under any other server (or Django's test client) ``send`` passes through. The
hook reaches into daphne's internals (``send`` is a ``partial`` over its
Twisted request), so :func:`check_daphne` says at start-up whether the daphne
in use is one it was written for, and a test pins that version.

An application can ask, without waiting, whether its client is keeping up:
``scope["extensions"]["byeol.write_paused"]()`` (the station fan-out does),
and wait until it is: ``await scope["extensions"]["byeol.write_ready"]()``
(the audio endpoint reads ahead only then, so a slow reader holds one chunk
less); that wait drops a stalled client like ``send`` does.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from twisted.internet.interfaces import IPushProducer
from zope.interface import implementer

from project.asgi_types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("byeol.backpressure")

# The daphne releases whose ``send`` this hook knows how to unwrap.
DAPHNE_VERSIONS = ("4.2.",)


@implementer(IPushProducer)
class _Gate:
    """Open while the client keeps up; Twisted closes and opens it."""

    def __init__(self) -> None:
        self.open = asyncio.Event()
        self.open.set()

    def paused(self) -> bool:
        return not self.open.is_set()

    def pauseProducing(self) -> None:
        self.open.clear()

    def resumeProducing(self) -> None:
        self.open.set()

    def stopProducing(self) -> None:
        self.open.set()


def write_paused(scope: Scope) -> Callable[[], bool]:
    """The gate's "is the client behind?" for this request; never behind without the hook."""
    paused = (scope.get("extensions") or {}).get("byeol.write_paused")
    return paused if paused is not None else _never_paused


def write_ready(scope: Scope) -> Callable[[], Awaitable[object]] | None:
    """The gate's "wait until the client keeps up" for this request, or None without the hook."""
    return (scope.get("extensions") or {}).get("byeol.write_ready")


def _never_paused() -> bool:
    return False


class ClientStalled(ConnectionError):
    """The client stopped reading; its connection was dropped."""


def _daphne_request(send: Send) -> Any | None:
    """daphne's Twisted request behind ``send``, when daphne is the server."""
    if isinstance(send, functools.partial) and send.args:
        request = send.args[0]
        if hasattr(request, "registerProducer") and hasattr(request, "unregisterProducer"):
            return request
    return None


def check_daphne() -> bool:
    """Warn (once, at start-up) when the installed daphne is not one this hook was written for."""
    try:
        installed = version("daphne")
    except PackageNotFoundError:
        return False
    if not installed.startswith(DAPHNE_VERSIONS):
        log.warning(
            "daphne %s: write backpressure was written for daphne %s and may not find its request; "
            "slow readers could then make the server buffer whole responses",
            installed,
            "/".join(DAPHNE_VERSIONS),
        )
        return False
    return True


class WriteBackpressure:
    """Wrap an ASGI app so response bodies wait for a slow client's socket to drain.

    A client that reads nothing for ``stall_timeout_s`` is disconnected: it
    would otherwise hold its response open for ever.
    """

    def __init__(self, app: ASGIApp, *, stall_timeout_s: float = 60.0) -> None:
        self.app = app
        self.stall_timeout_s = stall_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = _daphne_request(send) if scope["type"] == "http" else None
        if request is None or getattr(request, "producer", None) is not None:
            await self.app(scope, receive, send)
            return
        gate = _Gate()
        registered = False
        # daphne builds a fresh scope per request: add to it rather than copy it (thousands of streams).
        extensions = scope.get("extensions")
        if extensions is None:
            extensions = scope["extensions"] = {}
        stalled = False

        async def ready() -> None:
            """Return once the client keeps up; drop it after ``stall_timeout_s`` of reading nothing."""
            nonlocal registered, stalled
            # Only a paused client costs a timer.
            if gate.open.is_set():
                return
            if not stalled:
                try:
                    await asyncio.wait_for(gate.open.wait(), self.stall_timeout_s)
                    return
                except TimeoutError:
                    stalled = True
                    if registered:
                        request.unregisterProducer()
                        registered = False
                    request.transport.abortConnection()
            raise ClientStalled(f"no byte read for {self.stall_timeout_s:g} s")

        extensions["byeol.write_paused"] = gate.paused
        extensions["byeol.write_ready"] = ready

        async def gated_send(message: Message) -> None:
            nonlocal registered
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    if not registered:
                        request.registerProducer(gate, True)
                        registered = True
                    if not gate.open.is_set():  # the open gate, the hot path, costs no coroutine
                        await ready()
                elif registered:
                    # Twisted finishes the request on the last body: let go first
                    # (a connection already lost has no channel to let go of).
                    if getattr(request, "channel", None) is not None:
                        request.unregisterProducer()
                    registered = False
            await send(message)

        try:
            await self.app(scope, receive, gated_send)
        except ClientStalled as exc:
            log.warning("dropped %s %s: %s", scope.get("client"), scope["path"], exc)
        finally:
            # A connection already lost has no channel left to unregister from.
            if registered and getattr(request, "channel", None) is not None:
                request.unregisterProducer()
