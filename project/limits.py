"""Limits on open streams (lyrics and stations alike), per client address and in all.

A stream takes its place with :meth:`OpenStreams.reserve` before it is
admitted, and gives it back in a ``finally`` that always runs, so a burst of
requests arriving together cannot pass a limit.
"""

from __future__ import annotations

import random
from collections import Counter

from django.conf import settings

from project.answers import PreparedStream, json_error


class OpenStreams:
    """How many streams are open, in all and per client address."""

    def __init__(self) -> None:
        self.total = 0
        self.by_client: Counter[str] = Counter()

    def _refusal(self, client: str) -> PreparedStream | None:
        if settings.STREAMS_MAX_TOTAL and self.total >= settings.STREAMS_MAX_TOTAL:
            answer = json_error(503, "too many open streams on this server; try again shortly")
        elif settings.STREAMS_MAX_PER_CLIENT and self.by_client[client] >= settings.STREAMS_MAX_PER_CLIENT:
            answer = json_error(429, "too many open streams from your address; close one first")
        else:
            return None
        answer.headers["Retry-After"] = str(random.randint(5, 15))
        return answer

    def reserve(self, client: str) -> Reservation:
        """Hold a place for one stream while a ``with`` block runs; the block gets the refusal when
        there is none. Checking and counting happen together, with no await between them."""
        return Reservation(self, client)

    def _release(self, client: str) -> None:
        self.total -= 1
        self.by_client[client] -= 1
        if self.by_client[client] <= 0:
            del self.by_client[client]


class Reservation:
    """A place under the limits, from ``__enter__`` until ``__exit__`` (a class, not a generator:
    it lives as long as the stream, thousands at once)."""

    __slots__ = ("client", "held", "streams")

    def __init__(self, streams: OpenStreams, client: str) -> None:
        self.streams = streams
        self.client = client
        self.held = False

    def __enter__(self) -> PreparedStream | None:
        refusal = self.streams._refusal(self.client)
        if refusal is None:
            self.streams.total += 1
            self.streams.by_client[self.client] += 1
            self.held = True
        return refusal

    def __exit__(self, *exc: object) -> None:
        if self.held:
            self.held = False
            self.streams._release(self.client)


open_streams = OpenStreams()
