"""How many listeners a station has, across every process that serves it.

Each process knows its own (``stations.fanout``). With Redis, every process
writes its counts under a key that expires unless renewed, so a dead
process's listeners drop out on their own; the process running a station's
clock adds them up and announces a ``listeners`` event when the total
changes. Without Redis there is one process, and its count is the total.

Behind Pushpin (``GRIP_URL``) Pushpin holds the listeners, not Django. Every
process follows Pushpin's stats socket, where Pushpin tells each channel's
subscriber count (a ``sub`` message within a second of a change and at least
every 45 s, valid for its ``ttl``; ``unavailable`` once the last one left),
and the total adds those to the processes' own. While the socket is
disconnected the last counts it told stand, and a line is logged.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from gripcontrol import parse_grip_uri

from stations.fanout import listeners_by_channel

REPORT_S = 2.0
_KEY = "byeol:listeners:{channel}:"
_PROCESS = f"{socket.gethostname()}:{os.getpid()}"

log = logging.getLogger("byeol.stations")

_redis = None


def _client() -> Any:
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
    """Every process's listeners on ``channel``, and Pushpin's when it is in front."""
    held = pushpin.count(hold_channel(channel), time.monotonic()) if settings.GRIP_URL else 0
    if not settings.REDIS_URL:
        return held + listeners_by_channel().get(channel, 0)
    client = _client()
    keys = [key async for key in client.scan_iter(match=_KEY.format(channel=channel) + "*", count=200)]
    values = await client.mget(keys) if keys else []
    return held + sum(int(value) for value in values if value is not None)


# --- Behind Pushpin ------------------------------------------------------------------


def hold_channel(channel: str) -> str:
    """The GRIP channel Pushpin holds a station's listeners on (as ``stations.endpoints`` names it)."""
    return f"{getattr(settings, 'GRIP_PREFIX', '')}events-{quote(channel)}"


def stats_address() -> str:
    """Pushpin's stats socket: ``PUSHPIN_STATS_URL``, or GRIP_URL's port + 3 on its host, where
    deploy/pushpin/pushpin.conf puts it (5564 beside publishing on 5561)."""
    explicit = settings.PUSHPIN_STATS_URL
    if explicit:
        return explicit
    control = urlsplit(parse_grip_uri(settings.GRIP_URL)["control_uri"])
    return f"tcp://{control.hostname}:{(control.port or 80) + 3}"


def parse_tnetstring(data: bytes) -> tuple[object, bytes]:
    """The first value of ``data`` in tnetstring form (Pushpin's stats format), and what follows it."""
    digits, colon, rest = data.partition(b":")
    if not colon or not digits.isdigit() or len(digits) > 9 or len(rest) <= int(digits):
        raise ValueError("not a tnetstring")
    size = int(digits)
    payload, kind, rest = rest[:size], rest[size : size + 1], rest[size + 1 :]
    if kind == b",":
        return payload, rest
    if kind == b"#":
        return int(payload), rest
    if kind == b"^":
        return float(payload), rest
    if kind == b"!":
        return payload == b"true", rest
    if kind == b"~":
        return None, rest
    items = []
    while payload:
        item, payload = parse_tnetstring(payload)
        items.append(item)
    if kind == b"]":
        return items, rest
    if kind == b"}" and len(items) % 2 == 0:
        return {_text(key): value for key, value in zip(items[::2], items[1::2], strict=True)}, rest
    raise ValueError(f"unknown tnetstring type {kind!r}")


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class PushpinSubscribers:
    """Pushpin's subscribers on each channel, as its stats socket last told them."""

    def __init__(self) -> None:
        # (Pushpin instance, mode, channel) -> (subscribers, valid until: monotonic seconds)
        self.counts: dict[tuple[str, str, str], tuple[int, float]] = {}
        self.connected = False

    def receive(self, message: bytes, now: float) -> None:
        """Take one stats message (``sub T<tnetstring>``); others are ignored."""
        kind, _, body = message.partition(b" ")
        if kind != b"sub" or not body:
            return
        if body[:1] == b"T":
            fields = parse_tnetstring(body[1:])[0]
        elif body[:1] == b"J":
            fields = json.loads(body[1:])
        else:
            raise ValueError(f"unknown stats format {body[:1]!r}")
        if not isinstance(fields, dict):
            raise ValueError("a sub message that is not a map")
        key = (_text(fields.get("from", "")), _text(fields.get("mode", "")), _text(fields["channel"]))
        if fields.get("unavailable"):
            self.counts.pop(key, None)
        else:
            self.counts[key] = (int(fields.get("subscribers", 0)), now + int(fields["ttl"]))

    def count(self, channel: str, now: float) -> int:
        """The subscribers on ``channel`` over every Pushpin instance and mode."""
        total = 0
        for key, (subscribers, until) in list(self.counts.items()):
            if until < now and self.connected:  # an instance that went away without a word
                del self.counts[key]
            elif key[2] == channel:
                total += subscribers
        return total

    async def follow(self, address: str) -> None:
        """Read Pushpin's ``sub`` messages at ``address`` for as long as the task runs."""
        # Imported here: only a deployment behind Pushpin needs pyzmq.
        import zmq
        import zmq.asyncio
        from zmq.utils.monitor import parse_monitor_message

        sock = zmq.asyncio.Context.instance().socket(zmq.SUB)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.SUBSCRIBE, b"sub ")
        monitor = sock.get_monitor_socket(
            zmq.EVENT_CONNECTED | zmq.EVENT_DISCONNECTED | zmq.EVENT_CONNECT_RETRIED
        )
        sock.connect(address)
        poller = zmq.asyncio.Poller()
        poller.register(sock, zmq.POLLIN)
        poller.register(monitor, zmq.POLLIN)
        warned = False
        try:
            while True:
                ready = dict(await poller.poll())
                if monitor in ready:
                    event = parse_monitor_message(await monitor.recv_multipart())["event"]
                    self.connected = event == zmq.EVENT_CONNECTED
                    if self.connected:
                        warned = False
                        log.info("pushpin stats followed at %s", address)
                    elif not warned:
                        warned = True
                        log.warning("pushpin stats not reachable at %s: its last counts stand", address)
                if sock in ready:
                    message = await sock.recv()
                    try:
                        self.receive(message, time.monotonic())
                    except (ValueError, KeyError, TypeError):
                        log.warning("pushpin stats message not understood: %r", message[:200])
        finally:
            sock.disable_monitor()
            monitor.close()
            sock.close()


pushpin = PushpinSubscribers()


async def follow_pushpin() -> None:
    """Count Pushpin's listeners in this process while it runs (behind Pushpin; else return at once)."""
    if not settings.GRIP_URL:
        return
    try:
        await pushpin.follow(stats_address())
    except Exception:  # pyzmq missing or a bad address: no counts from Pushpin, the rest still works
        log.exception("pushpin stats cannot be followed: its listeners are not counted")
