"""How many listeners a station has, across every process that serves it.

Each process knows its own (``stations.fanout``). With Redis, every process
writes its counts under a key that expires unless renewed, so a dead
process's listeners drop out on their own; the process running a station's
clock adds them up and announces a ``listeners`` event when the total
changes. Without Redis there is one process, and its count is the total.
"""

from __future__ import annotations

import os
import socket

from django.conf import settings

from stations.fanout import listeners_by_channel

REPORT_S = 2.0
_KEY = "byeol:listeners:{channel}:"
_PROCESS = f"{socket.gethostname()}:{os.getpid()}"

_redis = None


def _client():  # type: ignore[no-untyped-def]
    global _redis
    if _redis is None:
        from redis.asyncio import Redis

        _redis = Redis.from_url(settings.REDIS_URL)
    return _redis


async def report() -> None:
    """Write this process's counts where the other processes see them (with Redis)."""
    if not settings.REDIS_URL:
        return
    client = _client()
    async with client.pipeline(transaction=False) as pipe:
        for channel, count in listeners_by_channel().items():
            pipe.set(_KEY.format(channel=channel) + _PROCESS, count, ex=int(REPORT_S * 3))
        await pipe.execute()


async def total(channel: str) -> int:
    """Every process's listeners on ``channel``."""
    if not settings.REDIS_URL:
        return listeners_by_channel().get(channel, 0)
    client = _client()
    keys = [key async for key in client.scan_iter(match=_KEY.format(channel=channel) + "*", count=200)]
    values = await client.mget(keys) if keys else []
    return sum(int(value) for value in values if value is not None)
