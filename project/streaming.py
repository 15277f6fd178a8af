"""An ASGI handler for long-lived streams that does not pin a thread per request.

Django's ASGIHandler runs each request in its own asgiref ThreadSensitiveContext,
so the first sync call of a request (the ``request_started`` signal already)
creates a thread that lives as long as the response: one idle thread per open
SSE stream. Stream views are async and do their little sync work (signals, one
ORM load) before streaming, so for them the shared thread-sensitive executor is
enough; every other request keeps Django's per-request context.

Stream routes also get their own, shorter middleware list
(``settings.STREAM_MIDDLEWARE``): every sync middleware hook is a hop to that
shared thread, and a crowd connecting at once would queue behind them.
"""

from __future__ import annotations

import re
import threading

from django.conf import settings
from django.core.handlers.asgi import ASGIHandler

_loading = threading.Lock()

STREAM_PATHS = re.compile(
    r"^/(tracks/[0-9]+/(lyrics/(events|text)|audio)|music/(text|audio)|stations/[-\w]+/events)$"
)


class StreamASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        # Django builds the chain from settings.MIDDLEWARE; point it at the
        # stream list for this one build (at start-up, before any request).
        with _loading:
            full = settings.MIDDLEWARE
            settings.MIDDLEWARE = settings.STREAM_MIDDLEWARE
            try:
                super().load_middleware(is_async)
            finally:
                settings.MIDDLEWARE = full

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
