"""What a lyrics stream sends, independent of how it is served.

Both the Django views (``lyrics.views.events``) and the lean ASGI path for
real traffic (``lyrics.asgi_streams``) turn a request into a
:class:`PreparedStream` here, so the two can never disagree.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections

from lyrics.models import Track
from lyrics.sse import encode_comment, encode_event, encode_retry
from lyrics.streams import (
    END,
    Line,
    Plan,
    StreamStats,
    end_token,
    get_clock,
    line_token,
    lines_version,
    paced,
    parse_token,
    plan_after,
    plan_from_position,
)

log = logging.getLogger("byeol.streams")

RATE_MIN, RATE_MAX = 0.25, 4.0
# How long a loaded track serves new streams before it is read again: a burst
# of listeners costs one query, and an edit shows within this time.
TRACK_CACHE_S = 1.0
EVENT_STREAM = "text/event-stream; charset=utf-8"
STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "X-Content-Type-Options": "nosniff"}


class BadQuery(ValueError):
    pass


@dataclass(frozen=True)
class StreamQuery:
    at_ms: int
    pace: str | None
    rate: float


def parse_query(query: Mapping[str, str]) -> StreamQuery:
    """``at``, ``pace`` and ``rate`` from the query string, or :class:`BadQuery`."""
    at = query.get("at", "0").strip()
    if not (at.isascii() and at.isdigit()) or len(at) > 12:
        raise BadQuery("at must be a whole number of milliseconds, 0 or more")
    pace = query.get("pace") or None
    if pace not in (None, "synced", "instant"):
        raise BadQuery("pace must be synced or instant")
    try:
        rate = float(query.get("rate", "1"))
    except ValueError:
        raise BadQuery("rate must be a number from 0.25 to 4") from None
    if not math.isfinite(rate) or not RATE_MIN <= rate <= RATE_MAX:
        raise BadQuery("rate must be a number from 0.25 to 4")
    return StreamQuery(int(at), pace, rate)


@dataclass(frozen=True)
class StreamTrack:
    """Everything a stream needs from a track, encoded once per load."""

    id: int
    synced: bool
    lines: list[Line]
    version: str
    snapshot_json: str

    @classmethod
    def of(cls, track: Track) -> StreamTrack:
        document = {
            "track": track.summary(),
            "synced": track.synced,
            "offset_ms": track.offset_ms,
            "lines": track.lines,
        }
        return cls(
            id=track.pk,
            synced=track.synced,
            lines=track.lines,
            version=lines_version(track.lines),
            snapshot_json=json.dumps(document, ensure_ascii=False, separators=(",", ":")),
        )


def _load(track_id: int) -> StreamTrack | None:
    try:
        return StreamTrack.of(Track.objects.get(pk=track_id))
    except Track.DoesNotExist:
        return None
    finally:
        # A stream may last a whole song: never hold a database connection across it.
        for conn in connections.all(initialized_only=True):
            if not conn.in_atomic_block:
                conn.close()


_cache: dict[int, tuple[float, asyncio.Future]] = {}


async def load_stream_track(track_id: int) -> StreamTrack | None:
    """The track as streams need it; concurrent requests for one track share one load."""
    now = time.monotonic()
    cached = _cache.get(track_id)
    if cached is not None and cached[0] > now:
        return await asyncio.shield(cached[1])
    if len(_cache) > 10_000:
        _cache.clear()
    future = asyncio.ensure_future(sync_to_async(_load, thread_sensitive=False)(track_id))
    _cache[track_id] = (now + TRACK_CACHE_S, future)
    try:
        return await asyncio.shield(future)
    except BaseException:
        _cache.pop(track_id, None)
        raise


def forget_cached_tracks() -> None:
    """Drop loaded tracks (tests that edit a track call this)."""
    _cache.clear()


@dataclass
class PreparedStream:
    status: int
    content_type: str = EVENT_STREAM
    headers: dict[str, str] = field(default_factory=lambda: dict(STREAM_HEADERS))
    body: AsyncIterator[bytes] | bytes = b""
    stats: StreamStats | None = None
    # The last words of a stream the server ends early (shutdown, rotation).
    farewell: Callable[[], bytes] = lambda: b""


def reconnect_soon() -> bytes:
    """A ``retry:`` spread over 1–5 s, so clients cut off together do not return together."""
    return encode_retry(random.randint(1000, 5000))


def error(status: int, message: str, **extra: object) -> PreparedStream:
    body = json.dumps({"error": message, **extra}).encode()
    return PreparedStream(status, "application/json", {}, body)


class OpenStreams:
    """How many streams are open, in all and per client address (for the limits)."""

    def __init__(self) -> None:
        self.total = 0
        self.by_client: Counter[str] = Counter()

    def refusal(self, client: str) -> PreparedStream | None:
        """A 503 or 429 answer when a new stream would pass a limit, else None."""
        if settings.STREAMS_MAX_TOTAL and self.total >= settings.STREAMS_MAX_TOTAL:
            answer = error(503, "too many open streams on this server; try again shortly")
        elif settings.STREAMS_MAX_PER_CLIENT and self.by_client[client] >= settings.STREAMS_MAX_PER_CLIENT:
            answer = error(429, "too many open streams from your address; close one first")
        else:
            return None
        answer.headers["Retry-After"] = str(random.randint(5, 15))
        return answer

    def opened(self, client: str) -> None:
        self.total += 1
        self.by_client[client] += 1

    def closed(self, client: str) -> None:
        self.total -= 1
        self.by_client[client] -= 1
        if self.by_client[client] <= 0:
            del self.by_client[client]


open_streams = OpenStreams()


def _logged(
    body: AsyncIterator[bytes], *, kind: str, track_id: int, stats: StreamStats, client: str, rotate: bool
) -> AsyncIterator[bytes]:
    """Count the stream while it runs, rotate it when old, and log one line when it ends."""

    async def run() -> AsyncIterator[bytes]:
        started = time.monotonic()
        if stats.outcome == "open":
            stats.outcome = "client-gone"
        open_streams.opened(client)
        try:
            async for chunk in body:
                yield chunk
                if rotate and time.monotonic() - started > settings.LYRICS_STREAM_MAX_AGE_S:
                    # Old streams end at an event boundary; the client resumes with Last-Event-ID.
                    stats.outcome = "rotated"
                    yield reconnect_soon()
                    return
            stats.outcome = "completed"
        finally:
            open_streams.closed(client)
            log.info(
                "stream kind=%s track=%s duration_s=%.1f lines=%d outcome=%s",
                kind,
                track_id,
                time.monotonic() - started,
                stats.lines_sent,
                stats.outcome,
            )

    return run()


def _line_encoder(version: str, *, retry_first: bool) -> Callable[[Line], bytes]:
    retry = [settings.LYRICS_RETRY_MS] if retry_first else []

    def encode(line: Line) -> bytes:
        return encode_event(
            json.dumps(line, ensure_ascii=False, separators=(",", ":")),
            event="line",
            id=line_token(version, line["index"]),
            retry_ms=retry.pop() if retry else None,
        )

    return encode


async def _event_body(
    track: StreamTrack, plan: Plan, *, snapshot: bool, stats: StreamStats
) -> AsyncIterator[bytes]:
    # `retry:` rides on the first event: some clients (httpx-sse) report a lone
    # retry block as an empty message event.
    if snapshot:
        yield encode_event(track.snapshot_json, event="lyrics", retry_ms=settings.LYRICS_RETRY_MS)
    async for chunk in paced(
        plan,
        encode_line=_line_encoder(track.version, retry_first=not snapshot),
        encode_heartbeat=encode_comment,
        heartbeat_s=settings.LYRICS_HEARTBEAT_S,
        clock=get_clock(),
        stats=stats,
    ):
        yield chunk
    yield encode_event("{}", event="end", id=end_token(track.version))


def _admit(
    track: StreamTrack | None, query: Mapping[str, str], client: str
) -> tuple[StreamTrack, StreamQuery] | PreparedStream:
    """The track and query a new stream may start with, or the error answer."""
    try:
        params = parse_query(query)
    except BadQuery as exc:
        return error(400, str(exc))
    if track is None:
        return error(404, "no such track")
    if (refusal := open_streams.refusal(client)) is not None:
        return refusal
    return track, params


def prepare_events(
    track: StreamTrack | None, query: Mapping[str, str], last_event_id: str | None, *, client: str = ""
) -> PreparedStream:
    """The ``/lyrics/events`` answer: snapshot, paced lines, ``end``; or 204, 400, 404, 429, 503."""
    admitted = _admit(track, query, client)
    if isinstance(admitted, PreparedStream):
        return admitted
    track, params = admitted
    is_paced = track.synced and params.pace != "instant"
    resume = parse_token(
        last_event_id or query.get("lastEventId"), version=track.version, count=len(track.lines)
    )
    if resume == END:
        # The song was streamed to its end: 204 tells EventSource to stop reconnecting.
        return PreparedStream(204, "text/plain; charset=utf-8")
    if resume is None:
        plan = plan_from_position(track.lines, at_ms=params.at_ms, rate=params.rate, paced=is_paced)
    else:
        plan = plan_after(track.lines, index=resume, rate=params.rate, paced=is_paced)
    stats = StreamStats()
    body = _event_body(track, plan, snapshot=resume is None, stats=stats)
    logged = _logged(body, kind="events", track_id=track.id, stats=stats, client=client, rotate=True)
    return PreparedStream(200, body=logged, stats=stats, farewell=reconnect_soon)


def prepare_text(track: StreamTrack | None, query: Mapping[str, str], *, client: str = "") -> PreparedStream:
    """The ``/lyrics/text`` answer: one text line per lyric line, each when due."""
    admitted = _admit(track, query, client)
    if isinstance(admitted, PreparedStream):
        return admitted
    track, params = admitted
    plan = plan_from_position(
        track.lines, at_ms=params.at_ms, rate=params.rate, paced=track.synced and params.pace != "instant"
    )
    stats = StreamStats()
    body = paced(
        plan,
        encode_line=lambda line: (line["text"] + "\n").encode("utf-8"),
        # A text stream has no comments: idle periods send nothing.
        encode_heartbeat=lambda: b"",
        heartbeat_s=settings.LYRICS_HEARTBEAT_S,
        clock=get_clock(),
        stats=stats,
    )
    logged = _logged(body, kind="text", track_id=track.id, stats=stats, client=client, rotate=False)
    return PreparedStream(200, "text/plain; charset=utf-8", body=logged, stats=stats)
