"""A load shared by concurrent requests for one key, and kept for a moment after.

A player's burst of range probes, or a crowd joining one song's lyric stream,
asks for the same database row hundreds of times in a second: the first request
starts the load, the others await the same future, and its answer serves every
request for ``ttl_s`` afterwards. A load that fails is forgotten at once.
Pure asyncio, no Django.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SharedLoad(Generic[K, V]):
    """``await shared(key)``: ``load(key)``, run once for all who ask within ``ttl_s`` of each other."""

    def __init__(self, load: Callable[[K], Awaitable[V]], *, ttl_s: float, max_keys: int = 10_000) -> None:
        self._load = load
        self._ttl_s = ttl_s
        self._max_keys = max_keys
        self._loads: dict[K, tuple[float, asyncio.Future[V]]] = {}

    async def __call__(self, key: K) -> V:
        now = time.monotonic()
        held = self._loads.get(key)
        if held is not None and held[0] > now:
            return await asyncio.shield(held[1])
        if len(self._loads) > self._max_keys:
            self._loads.clear()
        future = asyncio.ensure_future(self._load(key))
        self._loads[key] = (now + self._ttl_s, future)
        try:
            return await asyncio.shield(future)
        except BaseException:
            self._loads.pop(key, None)
            raise

    def clear(self) -> None:
        """Forget every answer (the next request for each key loads again)."""
        self._loads.clear()
