"""The lean ASGI path for lyric streams: the same answers as the Django views, less work.

Django's handler costs a few milliseconds and several thread hops per request
(signals, middleware, per-request thread context). A thousand listeners
pressing play at once queue behind that and their first lines arrive late.
This path serves ``/tracks/<id>/lyrics/events`` and ``/lyrics/text`` straight
from ASGI: one shared, short-lived track load per burst, then the same
:class:`~lyrics.lyric_streams.PreparedStream` the views would send.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

from django.http import QueryDict

from lyrics.lyric_streams import PreparedStream, load_stream_track, prepare_events, prepare_text

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STREAM_PATH = re.compile(r"^/tracks/([0-9]{1,18})/lyrics/(events|text)$")


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
        await body.aclose()  # type: ignore[attr-defined]


async def serve(prepared: PreparedStream, receive: Receive, send: Send, *, head: bool = False) -> None:
    """Send ``prepared``; a client that leaves stops the stream at once."""
    fields = {"content-type": prepared.content_type, "x-content-type-options": "nosniff"}
    fields.update((name.lower(), value) for name, value in prepared.headers.items())
    headers = [(name.encode(), value.encode()) for name, value in fields.items()]
    await send({"type": "http.response.start", "status": prepared.status, "headers": headers})
    if head or isinstance(prepared.body, bytes):
        body = b"" if head or prepared.status == 204 else prepared.body
        await send({"type": "http.response.body", "body": body})
        if not isinstance(prepared.body, bytes):
            await prepared.body.aclose()  # type: ignore[attr-defined]
        return
    pump = asyncio.ensure_future(_pump(prepared.body, send))
    watch = asyncio.ensure_future(_until_disconnect(receive))
    try:
        await asyncio.wait({pump, watch}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        # The server is stopping (daphne cancels every application on SIGTERM).
        # Streams only wait between events, so this is an event boundary: say
        # when to come back, end the response cleanly, and let clients resume
        # with Last-Event-ID on the next server.
        if prepared.stats is not None:
            prepared.stats.outcome = "shutdown"
        await _stop(pump, watch)
        with contextlib.suppress(Exception):
            await send({"type": "http.response.body", "body": prepared.farewell(), "more_body": False})
        raise
    await _stop(pump, watch)


async def _stop(*tasks: asyncio.Future) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


class LyricStreams:
    """Serve lyric stream paths here; hand everything else to ``app``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = STREAM_PATH.match(scope["path"]) if scope["type"] == "http" else None
        if match is None or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        query = QueryDict(scope.get("query_string", b""))
        track = await load_stream_track(int(match[1]))
        client = (scope.get("client") or ("",))[0]
        if match[2] == "events":
            last_event_id = dict(scope["headers"]).get(b"last-event-id", b"").decode("latin-1") or None
            prepared = prepare_events(track, query, last_event_id, client=client)
        else:
            prepared = prepare_text(track, query, client=client)
        await serve(prepared, receive, send, head=scope["method"] == "HEAD")
