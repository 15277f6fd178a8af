"""Answers prepared before they are served, and the one way the lean endpoints send them.

A :class:`PreparedStream` is what a request gets (status, headers, a body of
bytes or of chunks to come) decided without knowing how it will be served:
the lean ASGI endpoints send it with :func:`send_prepared`, and a Django view
that needs the same answer returns :meth:`PreparedStream.as_response`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse

from lyrics.streams import StreamStats
from project.asgi_types import Receive, Send

log = logging.getLogger("byeol.streams")

EVENT_STREAM = "text/event-stream; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
# What every event stream carries besides its type: never cached, never
# buffered by nginx (X-Accel-Buffering), never compressed.
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def _nothing() -> bytes:
    return b""


@dataclass
class PreparedStream:
    status: int
    content_type: str = EVENT_STREAM
    headers: dict[str, str] = field(default_factory=dict)
    body: AsyncIterator[bytes] | bytes = b""
    stats: StreamStats | None = None
    # The last words of a stream the server ends early (shutdown, rotation).
    farewell: Callable[[], bytes] = _nothing

    def as_response(self) -> HttpResponseBase:
        """The same answer as a Django response, for views that share it."""
        response: HttpResponseBase
        if isinstance(self.body, bytes):
            response = HttpResponse(self.body, status=self.status, content_type=self.content_type)
        else:
            response = StreamingHttpResponse(self.body, status=self.status, content_type=self.content_type)
        for name, value in self.headers.items():
            response[name] = value
        return response


def json_error(status: int, message: str, **extra: object) -> PreparedStream:
    """The one short JSON error every endpoint answers with: ``{"error": message, ...}``."""
    body = json.dumps({"error": message, **extra}, ensure_ascii=False).encode()
    return PreparedStream(status, "application/json", {}, body)


def _header_list(prepared: PreparedStream) -> list[tuple[bytes, bytes]]:
    fields = {"content-type": prepared.content_type, "x-content-type-options": "nosniff"}
    fields.update((name.lower(), value) for name, value in prepared.headers.items())
    if (
        isinstance(prepared.body, bytes)
        and "content-length" not in fields
        and prepared.status not in (204, 304)
    ):
        fields["content-length"] = str(len(prepared.body))
    # Latin-1 is what HTTP header bytes are; callers encode anything else first.
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in fields.items()]


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _pump(body: AsyncIterator[bytes], send: Send) -> None:
    try:
        async for chunk in body:
            if chunk:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        await _close(body)


async def _stop(*tasks: asyncio.Future[Any]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def _close(body: AsyncIterator[bytes]) -> None:
    aclose = getattr(body, "aclose", None)
    if aclose is not None:
        await aclose()


async def send_prepared(
    prepared: PreparedStream, receive: Receive, send: Send, *, head: bool = False
) -> None:
    """Send ``prepared``: a client that leaves stops the body at once.

    A failure inside the body is logged with its traceback, counted as the
    stream's ``error`` outcome, and ends the response (never a hang).
    """
    await send({"type": "http.response.start", "status": prepared.status, "headers": _header_list(prepared)})
    if head or isinstance(prepared.body, bytes):
        body = b"" if head or prepared.status in (204, 304) else prepared.body
        await send({"type": "http.response.body", "body": body})
        if not isinstance(prepared.body, bytes):
            await _close(prepared.body)
        return
    pump = asyncio.ensure_future(_pump(prepared.body, send))
    watch = asyncio.ensure_future(_until_disconnect(receive))
    try:
        await asyncio.wait({pump, watch}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        # The server is stopping (daphne cancels every application on SIGTERM).
        # Bodies only wait between events, so this is an event boundary: say
        # when to come back, end the response cleanly, and let clients resume
        # with Last-Event-ID on the next server.
        if prepared.stats is not None:
            prepared.stats.outcome = "shutdown"
        await _stop(pump, watch)
        with contextlib.suppress(Exception):
            await send({"type": "http.response.body", "body": prepared.farewell(), "more_body": False})
        raise
    failure = pump.exception() if pump.done() and not pump.cancelled() else None
    await _stop(pump, watch)
    await _close(prepared.body)  # a body that never started has no finally of its own to run
    if isinstance(failure, ConnectionError):
        # The client went away or stopped reading (project.backpressure dropped it).
        if prepared.stats is not None:
            prepared.stats.outcome = "client-gone"
        log.warning("stream ended: %s", failure)
    elif failure is not None:
        if prepared.stats is not None:
            prepared.stats.outcome = "error"
        log.error("stream failed after its response started", exc_info=failure)
        # End the response here: raising would make daphne try to start a 500
        # on a response already started, which breaks its housekeeping for good.
        with contextlib.suppress(Exception):
            await send({"type": "http.response.body", "body": b"", "more_body": False})
