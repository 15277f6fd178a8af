"""``GET /stations/<slug>/events``: the station's event stream, a lean ASGI endpoint.

Events travel through django-eventstream (``send_event``, its storage, Redis
between processes, GRIP to Pushpin). A listener is opened with what the clock
has sent (``StationStorage.opening``), or with what it missed after its
``Last-Event-ID``; then the channel's :class:`~stations.fanout.ChannelFanout`
writes each new event to it. Behind Pushpin (a request signed with
``Grip-Sig``) the answer is GRIP's: the opening, and instructions to hold the
connection on the channel, so Django holds no listener at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from urllib.parse import quote

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils.dateparse import parse_datetime
from django_eventstream.event import Event
from django_eventstream.storage import EventDoesNotExist
from django_eventstream.utils import get_storage
from gripcontrol import Channel, create_grip_channel_header, parse_grip_uri, validate_sig

from lyrics.endpoints import BadRequest, endpoint, query_of
from lyrics.lyric_streams import BadQuery, parse_show, reconnect_soon, text_line
from project.answers import EVENT_STREAM, SSE_HEADERS, TEXT, PreparedStream, json_error, send_prepared
from project.asgi_types import Message, Receive, Scope, Send, header
from project.backpressure import write_paused
from project.clients import scope_client
from project.limits import open_streams
from stations.announce import position_ms
from stations.fanout import Connection, Encoder, encode_stored, fanout_for
from stations.listeners import hold_channel
from stations.models import Station

MAX_SLUG_CHARS = 50
# More missed events than this and a listener is opened afresh instead.
MAX_REPLAY = 200
KEEP_ALIVE_S = 20


def parse_last_id(value: str | None, channel: str) -> int | None:
    """The stored event id a ``Last-Event-ID`` names on ``channel`` (django-eventstream's
    ``<channel>:<id>`` form), or None for anything else."""
    if not value or len(value) > 300:
        return None
    name, sep, digits = value.strip().rpartition(":")
    if not sep or name != quote(channel) or not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
        return None
    return int(digits)


def _with_position(event: Event) -> Event:
    """A stored ``track`` event with its position brought up to now."""
    if event.type != "track":
        return event
    data = json.loads(str(event.data))
    started = parse_datetime(data.get("started_at") or "")
    if started is not None:
        data["position_ms"] = position_ms(started)
    return Event(event.channel, event.type, json.dumps(data, ensure_ascii=False), id=event.id)


def _join_now(slug: str, last_id: int | None) -> tuple[str, list[Event], int] | None:
    """The channel, the events a joiner gets first, and the newest stored id; None: no station."""
    station = Station.objects.filter(slug=slug).first()
    if station is None:
        return None
    storage = get_storage()
    current = storage.get_current_id(station.channel)
    if last_id is not None and last_id <= current:
        with contextlib.suppress(EventDoesNotExist):
            missed = storage.get_events(station.channel, last_id, limit=MAX_REPLAY)
            if len(missed) < MAX_REPLAY:
                return station.channel, missed, max([last_id, *(e.id for e in missed)])
    opening = [_with_position(event) for event in storage.opening(station.channel)]
    if not any(event.type in ("track", "stop") for event in opening):
        opening.insert(0, Event(station.channel, "stop", "{}"))
    return station.channel, opening, current


_join = database_sync_to_async(_join_now, thread_sensitive=False)


def _opening_bytes(events: list[Event], *, retry: bool) -> bytes:
    # `retry:` rides on the first event: some clients (httpx-sse) report a lone
    # retry block as an empty message.
    return b"".join(
        encode_stored(event, retry_ms=settings.LYRICS_RETRY_MS if retry and i == 0 else None)
        for i, event in enumerate(events)
    )


@functools.cache
def text_encoder(show: tuple[str, ...]) -> Encoder:
    """What the ``curl -N`` view prints for each event (one encoder per set of layers asked for)."""

    def encode(event: Event | None) -> bytes:
        if event is None:
            # Idle: a lone carriage return keeps proxies from closing the connection
            # and shows nothing on a terminal (the cursor is at a line's start already).
            return b"\r"
        if event.type == "line":
            return text_line(json.loads(str(event.data)), show)
        if event.type == "track":
            track = json.loads(str(event.data))["track"]
            artist = f" — {track['artist']}" if track.get("artist") else ""
            return f"Now playing: {track['title']}{artist}\n".encode()
        if event.type == "stop":
            return b"Not playing.\n"
        return b""

    return encode


def _start(headers: dict[str, str], content_type: str = "text/event-stream; charset=utf-8") -> Message:
    fields = {"content-type": content_type, "x-content-type-options": "nosniff"}
    fields.update((name.lower(), value) for name, value in headers.items())
    return {
        "type": "http.response.start",
        "status": 200,
        "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in fields.items()],
    }


async def _listen(
    scope: Scope, receive: Receive, send: Send, slug: str, last_id_header: str | None, *, text: Encoder | None
) -> None:
    with open_streams.reserve(scope_client(scope)) as refusal:
        if refusal is not None:
            await send_prepared(refusal, receive, send, head=scope["method"] == "HEAD")
            return
        channel = Station(slug=slug).channel
        connection = Connection(send, write_paused(scope), text or encode_stored)
        # Attach before reading the opening: an event sent meanwhile waits, and is
        # written after it unless the opening already had it.
        fanout = fanout_for(channel)
        fanout.attach(connection)
        try:
            joined = await _join(slug, parse_last_id(last_id_header, channel))
            if joined is None:
                await send_prepared(json_error(404, "no such station"), receive, send)
                return
            _channel, opening, newest = joined
            await send(_start(SSE_HEADERS, TEXT if text else EVENT_STREAM))
            if scope["method"] == "HEAD":
                await send({"type": "http.response.body", "body": b""})
                return
            if text is None:
                await connection.write(_opening_bytes(opening, retry=True))
            else:
                await connection.write(b"".join(text(event) for event in opening) or b"\r")
            await connection.go_live(after=newest)
            await _until_gone(receive, connection)
        except asyncio.CancelledError:
            # The server is stopping: end at an event boundary; clients come back with Last-Event-ID.
            with contextlib.suppress(Exception):
                await send({"type": "http.response.body", "body": reconnect_soon(), "more_body": False})
            raise
        finally:
            fanout.detach(connection)


async def _until_gone(receive: Receive, connection: Connection) -> None:
    async def disconnected() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    watch = asyncio.ensure_future(disconnected())
    dropped = asyncio.ensure_future(connection.gone.wait())
    try:
        await asyncio.wait({watch, dropped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watch.cancel()
        dropped.cancel()
    if connection.gone.is_set():
        with contextlib.suppress(Exception):
            await connection.write(reconnect_soon())


# --- Behind Pushpin (GRIP) ------------------------------------------------------------


def grip_proxied(scope: Scope) -> bool:
    """Whether Pushpin signed this request (``GRIP_URL`` set and ``Grip-Sig`` valid)."""
    signature = header(scope, b"grip-sig")
    if not settings.GRIP_URL or not signature:
        return False
    key = parse_grip_uri(settings.GRIP_URL).get("key")
    return True if not key else bool(validate_sig(signature, key))


def _grip_last_id(scope: Scope, hold_channel: str) -> int | None:
    """The last id Pushpin has on our channel, from its ``Grip-Last`` header on a recovery."""
    value = header(scope, b"grip-last") or ""
    for part in value.split(",")[:10]:
        name, _, params = part.strip().partition(";")
        if name.strip() == hold_channel and "last-id=" in params:
            digits = params.split("last-id=", 1)[1].split(";")[0].strip()
            if digits.isascii() and digits.isdigit() and len(digits) <= 18:
                return int(digits)
    return None


def _hold_channel(name: str, newest: int) -> Channel:
    # prev-id: Pushpin recovers through our next link if what it gets does not follow it.
    channel = Channel(name, prev_id=str(newest))
    # Published events carry `id: %I`; Pushpin builds the id from our id_format meta.
    channel.filters.append("build-id")
    return channel


async def _grip_answer(scope: Scope, slug: str) -> PreparedStream:
    channel = Station(slug=slug).channel
    hold = hold_channel(channel)
    recovering = query_of(scope).get("recover") == "true"
    last_id = (
        _grip_last_id(scope, hold) if recovering else parse_last_id(header(scope, b"last-event-id"), channel)
    )
    joined = await _join(slug, last_id)
    if joined is None:
        return json_error(404, "no such station")
    _channel, opening, newest = joined
    # Pushpin's build-id filter reads % in held content as a directive: escape it.
    body = _opening_bytes(opening, retry=not recovering).replace(b"%", b"%%")
    keep_alive = f":\\n\\n; format=cstring; timeout={KEEP_ALIVE_S}"
    headers = {
        **SSE_HEADERS,
        "Grip-Hold": "stream",
        "Grip-Channel": create_grip_channel_header([_hold_channel(hold, newest)]),
        "Grip-Keep-Alive": keep_alive,
        "Grip-Link": f"</stations/{quote(slug)}/events?recover=true>; rel=next",
        "Grip-Set-Meta": f'id_format="{quote(channel)}:%(events-{quote(channel)})s"',
    }
    return PreparedStream(200, headers=headers, body=body)


@endpoint
async def station_events(scope: Scope, receive: Receive, send: Send) -> None:
    """``GET /stations/<slug>/events``: the opening, then every event of the station as it comes."""
    slug = scope["url_route"]["kwargs"]["slug"]
    if len(slug) > MAX_SLUG_CHARS:
        await send_prepared(json_error(404, "no such station"), receive, send)
        return
    if grip_proxied(scope):
        await send_prepared(await _grip_answer(scope, slug), receive, send, head=scope["method"] == "HEAD")
        return
    last_id = header(scope, b"last-event-id") or query_of(scope).get("lastEventId")
    await _listen(scope, receive, send, slug, last_id, text=None)


@endpoint
async def station_text(scope: Scope, receive: Receive, send: Send) -> None:
    """``GET /stations/<slug>/text``: the ``curl -N`` view, a line for each track and each lyric line."""
    slug = scope["url_route"]["kwargs"]["slug"]
    if len(slug) > MAX_SLUG_CHARS:
        await send_prepared(json_error(404, "no such station"), receive, send)
        return
    try:
        show = parse_show(query_of(scope).get("show", "")[:40])
    except BadQuery as exc:
        raise BadRequest(str(exc)) from None
    await _listen(scope, receive, send, slug, None, text=text_encoder(show))
