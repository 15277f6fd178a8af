"""An ASGI handler for long-lived streams that does not pin a thread per request.

Django's ASGIHandler runs each request in its own asgiref ThreadSensitiveContext,
so the first sync call of a request (the ``request_started`` signal already)
creates a thread that lives as long as the response: one idle thread per open
SSE stream. Stream views are async and do their little sync work (signals, one
ORM load) before streaming, so for them the shared thread-sensitive executor is
enough; every other request keeps Django's per-request context.
"""

from __future__ import annotations

import re

from django.core.handlers.asgi import ASGIHandler

STREAM_PATHS = re.compile(
    r"^/(tracks/[0-9]+/(lyrics/(events|text)|audio)|music/(text|audio)|stations/[-\w]+/events)$"
)


class StreamASGIHandler(ASGIHandler):
    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)


class RouteStreams:
    """Send stream paths to ``streams``, everything else to ``default``."""

    def __init__(self, default, streams) -> None:  # type: ignore[no-untyped-def]
        self.default = default
        self.streams = streams

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        app = self.streams if scope["type"] == "http" and STREAM_PATHS.match(scope["path"]) else self.default
        await app(scope, receive, send)
