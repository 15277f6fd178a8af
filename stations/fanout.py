"""One station event, encoded once, written to every listener this process holds.

django-eventstream delivers events to listeners registered with its
``ListenerManager`` (locally after ``send_event``, or from Redis when several
processes share ``EVENTSTREAM_REDIS``). Its own view runs a Django response
loop per listener; here each channel has ONE registered listener, a
:class:`ChannelFanout`, which encodes each event once and writes the bytes to
every open connection in a single pass. A connection whose client is not
keeping up gets a short backlog of its own instead of holding up the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from importlib.metadata import version
from urllib.parse import quote

from django_eventstream.event import Event
from django_eventstream.views import Listener, get_listener_manager

from lyrics.sse import encode_comment, encode_event
from project.asgi_types import Message, Send

log = logging.getLogger("byeol.stations")

# Written for django-eventstream 5.3 (a test pins it): what this module uses of its
# Listener and ListenerManager. Another version must fail here, at start-up, not silently.
_USED = {
    Listener(): ("channels", "channel_items", "overflow", "assign_loop", "wake_threadsafe"),
    get_listener_manager(): ("lock", "add_listener", "remove_listener", "add_to_queues"),
}
if missing := [name for obj, names in _USED.items() for name in names if not hasattr(obj, name)]:
    raise ImportError(
        f"django-eventstream {version('django-eventstream')} lacks {missing}: stations.fanout needs updating"
    )

# A client that falls this many events behind is dropped (it reconnects with Last-Event-ID).
MAX_BACKLOG = 64
HEARTBEAT_S = 15.0


def event_id(channel: str, eid: int) -> str:
    """django-eventstream's id format (``<channel>:<id>``), which Last-Event-ID and Pushpin use."""
    return f"{quote(channel)}:{eid}"


# An encoder turns a stored event (None: a heartbeat while idle) into what one
# kind of connection receives; the fan-out runs each encoder once per event.
Encoder = Callable[[Event | None], bytes]


def encode_stored(event: Event | None, *, retry_ms: int | None = None) -> bytes:
    """A stored event as Server-Sent Events bytes (its data is already JSON text); None: a heartbeat."""
    if event is None:
        # Idle: a comment keeps proxies from closing quiet connections.
        return encode_comment()
    return encode_event(
        str(event.data),
        event=event.type,
        id=event_id(event.channel, event.id) if event.id else None,
        retry_ms=retry_ms,
    )


class Connection:
    """One listener's response, as the fan-out writes to it."""

    def __init__(self, send: Send, paused: Callable[[], bool], encoder: Encoder = encode_stored) -> None:
        self._send = send
        self._paused = paused
        self.encoder = encoder
        # Until the opening is written, live events wait here.
        self.opening = True
        self.pending: list[tuple[int | None, bytes]] = []
        # The newest event id written: idempotent by id, so an event published
        # twice (a clock that took over publishes the latest again) is written once.
        self.last_eid = 0
        self.backlog: deque[bytes] = deque()
        self.drain: asyncio.Task[None] | None = None
        self.gone = asyncio.Event()

    def write(self, body: bytes) -> Awaitable[None]:
        message: Message = {"type": "http.response.body", "body": body, "more_body": True}
        return self._send(message)

    def push(self, eid: int | None, body: bytes) -> Awaitable[None] | None:
        """Queue ``body``, or return the write to await now (it does not wait on daphne)."""
        if self.opening:
            self.pending.append((eid, body))
            return None
        if eid is not None:
            if eid <= self.last_eid:
                return None
            self.last_eid = eid
        if not body:
            return None
        if self.backlog or self._paused():
            self.backlog.append(body)
            if len(self.backlog) > MAX_BACKLOG:
                log.warning("station listener dropped: %d events behind", len(self.backlog))
                self.backlog.clear()
                self.gone.set()
            elif self.drain is None or self.drain.done():
                self.drain = asyncio.ensure_future(self._drain())
            return None
        return self.write(body)

    async def _drain(self) -> None:
        try:
            while self.backlog:
                await self.write(self.backlog[0])
                self.backlog.popleft()
        except Exception:
            self.gone.set()

    async def go_live(self, *, after: int) -> None:
        """Write what arrived during the opening (newer than ``after``), then take events as they come."""
        self.last_eid = after
        while self.pending:
            eid, body = self.pending.pop(0)
            if eid is not None and eid <= self.last_eid:
                continue
            self.last_eid = eid or self.last_eid
            if body:
                await self.write(body)
        self.opening = False


class ChannelFanout(Listener):  # type: ignore[misc]
    """The one django-eventstream listener of a channel in this process."""

    # Attributes of the (untyped) Listener, filled by django-eventstream's ListenerManager.
    channel_items: dict[str, list[Event]]
    overflow: bool

    def __init__(self, channel: str) -> None:
        super().__init__()
        self.channel = channel
        self.channels = {channel}
        self.connections: set[Connection] = set()
        self.queue: deque[tuple[int | None, Event | None]] = deque()
        self.ready = asyncio.Event()
        self.assign_loop()
        self.writer = asyncio.ensure_future(self._write_forever())

    def wake_threadsafe(self) -> None:
        # Called by ListenerManager.add_to_queues, under its lock, from any thread.
        if self.loop.is_closed():
            return  # the event loop it served has ended (a finished test's): nobody left to tell
        self.loop.call_soon_threadsafe(self._take)

    def _take(self) -> None:
        manager = get_listener_manager()
        with manager.lock:
            pending: dict[str, list[Event]] = self.channel_items
            items = pending.pop(self.channel, [])
            self.channel_items = {}
            overflow: bool = self.overflow
            self.overflow = False
        if overflow:
            log.warning(
                "station channel %s: more events at once than django-eventstream queues", self.channel
            )
        for item in items:
            # Ids come as strings through Redis, as integers in-process.
            eid = int(item.id) if item.id is not None else None
            self.queue.append((eid, Event(item.channel, item.type, item.data, id=eid)))
        self.ready.set()

    async def _write_forever(self) -> None:
        loop = asyncio.get_running_loop()
        next_beat = loop.time() + HEARTBEAT_S
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.ready.wait(), max(0.0, next_beat - loop.time()))
            self.ready.clear()
            if not self.queue and loop.time() >= next_beat:
                self.queue.append((None, None))
            while self.queue:
                eid, event = self.queue.popleft()
                await self._write_all(eid, event)
                next_beat = loop.time() + HEARTBEAT_S

    async def _write_all(self, eid: int | None, event: Event | None) -> None:
        encoded: dict[Encoder, bytes] = {}
        for connection in list(self.connections):
            try:
                body = encoded.get(connection.encoder)
                if body is None:
                    body = encoded[connection.encoder] = connection.encoder(event)
                write = connection.push(eid, body)
                if write is not None:
                    await write
            except Exception:
                log.exception("station listener write failed")
                connection.gone.set()

    def attach(self, connection: Connection) -> None:
        self.connections.add(connection)

    def detach(self, connection: Connection) -> None:
        self.connections.discard(connection)
        if connection.drain is not None:
            connection.drain.cancel()


_fanouts: dict[str, ChannelFanout] = {}


def fanout_for(channel: str) -> ChannelFanout:
    """This process's fan-out for ``channel``, registered with django-eventstream on first use."""
    fanout = _fanouts.get(channel)
    if fanout is not None and fanout.loop.is_closed():
        # Made on an event loop that has ended (a finished test's): start afresh on this one.
        get_listener_manager().remove_listener(fanout)
        fanout = None
    if fanout is None:
        fanout = _fanouts[channel] = ChannelFanout(channel)
        get_listener_manager().add_listener(fanout)
    return fanout


def listeners_by_channel() -> dict[str, int]:
    """How many listeners this process holds on each channel (channels it served at all)."""
    return {channel: len(fanout.connections) for channel, fanout in _fanouts.items()}


def listeners_here() -> int:
    """How many station listeners this process holds."""
    return sum(listeners_by_channel().values())
