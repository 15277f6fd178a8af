"""What a lyrics stream sends, independent of how it is served.

The lean endpoints (``lyrics.endpoints``) load a :class:`StreamTrack`, turn the
request into a :class:`~project.answers.PreparedStream` here, and send it.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass

from channels.db import database_sync_to_async
from django.conf import settings

from lyrics.models import Track
from lyrics.sse import encode_comment, encode_event, encode_retry
from lyrics.streams import (
    END,
    LOOP_CLOCK,
    Line,
    Plan,
    StreamStats,
    end_token,
    line_token,
    lines_version,
    paced,
    parse_token,
    plan_after,
    plan_from_position,
)
from project.answers import SSE_HEADERS, TEXT, PreparedStream, json_error
from project.shared_loads import SharedLoad

log = logging.getLogger("byeol.streams")

RATE_MIN, RATE_MAX = 0.25, 4.0
# Query values longer than this are refused before they are parsed.
MAX_PARAM_CHARS = 32
# The layers `/lyrics/text?show=` can print under each line.
TEXT_LAYERS = ("translation", "pronunciation")
# How long a loaded track serves new streams before it is read again: a burst
# of listeners costs one query, and an edit shows within this time.
TRACK_CACHE_S = 1.0


class BadQuery(ValueError):
    pass


@dataclass(frozen=True)
class StreamQuery:
    at_ms: int
    pace: str | None
    rate: float
    show: tuple[str, ...] = ()


def parse_query(query: Mapping[str, str]) -> StreamQuery:
    """``at``, ``pace``, ``rate`` and ``show`` from the query string, or :class:`BadQuery`."""
    if any(len(query.get(name, "")) > MAX_PARAM_CHARS for name in ("at", "pace", "rate", "show")):
        raise BadQuery(f"query values are at most {MAX_PARAM_CHARS} characters")
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
    return StreamQuery(int(at), pace, rate, parse_show(query.get("show", "")))


def parse_show(value: str) -> tuple[str, ...]:
    """The layers ``?show=`` names (``translation,pronunciation``), or :class:`BadQuery`."""
    show = tuple(name for name in value.split(",") if name)
    if any(name not in TEXT_LAYERS for name in show):
        raise BadQuery("show takes translation and/or pronunciation, separated by a comma")
    return show


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
            **track.layers(),
        }
        return cls(
            id=track.pk,
            synced=track.synced,
            lines=track.lines,
            version=lines_version(track.lines),
            snapshot_json=json.dumps(document, ensure_ascii=False, separators=(",", ":")),
        )


def _load_now(track_id: int) -> StreamTrack | None:
    try:
        return StreamTrack.of(Track.objects.get(pk=track_id))
    except Track.DoesNotExist:
        return None


# The track as streams need it (None: no such track). Off the shared thread, so a
# burst of loads runs in parallel; channels closes the connection afterwards: a
# stream never holds one across a song.
load_stream_track: SharedLoad[int, StreamTrack | None] = SharedLoad(
    database_sync_to_async(_load_now, thread_sensitive=False), ttl_s=TRACK_CACHE_S
)


def reconnect_soon() -> bytes:
    """A ``retry:`` spread over 1–5 s, so clients cut off together do not return together."""
    return encode_retry(random.randint(1000, 5000))


def _logged(
    body: AsyncIterator[bytes], *, kind: str, track_id: int, stats: StreamStats, rotate: bool
) -> AsyncIterator[bytes]:
    """Rotate the stream when old, and log one line when it ends."""

    async def run() -> AsyncIterator[bytes]:
        started = time.monotonic()
        if stats.outcome == "open":
            stats.outcome = "client-gone"
        try:
            async for chunk in body:
                yield chunk
                if rotate and time.monotonic() - started > settings.LYRICS_STREAM_MAX_AGE_S:
                    # Old streams end at an event boundary; the client resumes with Last-Event-ID.
                    stats.outcome = "rotated"
                    yield reconnect_soon()
                    return
            stats.outcome = "completed"
        except Exception:
            stats.outcome = "error"
            raise
        finally:
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
        clock=LOOP_CLOCK,
        stats=stats,
    ):
        yield chunk
    yield encode_event("{}", event="end", id=end_token(track.version))


def _admit(
    track: StreamTrack | None, query: Mapping[str, str]
) -> tuple[StreamTrack, StreamQuery] | PreparedStream:
    """The track and query a new stream may start with, or the error answer."""
    try:
        params = parse_query(query)
    except BadQuery as exc:
        return json_error(400, str(exc))
    if track is None:
        return json_error(404, "no such track")
    return track, params


def prepare_events(
    track: StreamTrack | None, query: Mapping[str, str], last_event_id: str | None
) -> PreparedStream:
    """The ``/lyrics/events`` answer: snapshot, paced lines, ``end``; or 204, 400, 404."""
    admitted = _admit(track, query)
    if isinstance(admitted, PreparedStream):
        return admitted
    track, params = admitted
    is_paced = track.synced and params.pace != "instant"
    resume = parse_token(
        last_event_id or query.get("lastEventId"), version=track.version, count=len(track.lines)
    )
    if resume == END:
        # The song was streamed to its end: 204 tells EventSource to stop reconnecting.
        return PreparedStream(204, TEXT)
    if resume is None:
        plan = plan_from_position(track.lines, at_ms=params.at_ms, rate=params.rate, paced=is_paced)
    else:
        plan = plan_after(track.lines, index=resume, rate=params.rate, paced=is_paced)
    stats = StreamStats()
    body = _event_body(track, plan, snapshot=resume is None, stats=stats)
    logged = _logged(body, kind="events", track_id=track.id, stats=stats, rotate=True)
    return PreparedStream(200, headers=dict(SSE_HEADERS), body=logged, stats=stats, farewell=reconnect_soon)


def text_line(line: Line, show: tuple[str, ...]) -> bytes:
    """A lyric line for the ``curl -N`` view, with each asked layer under it, indented."""
    rows = [line["text"]]
    rows += [f"  {line[layer]}" for layer in show if line.get(layer)]
    return ("\n".join(rows) + "\n").encode("utf-8")


def prepare_text(track: StreamTrack | None, query: Mapping[str, str]) -> PreparedStream:
    """The ``/lyrics/text`` answer: one text line per lyric line, each when due."""
    admitted = _admit(track, query)
    if isinstance(admitted, PreparedStream):
        return admitted
    track, params = admitted
    plan = plan_from_position(
        track.lines, at_ms=params.at_ms, rate=params.rate, paced=track.synced and params.pace != "instant"
    )
    stats = StreamStats()
    body = paced(
        plan,
        encode_line=lambda line: text_line(line, params.show),
        # A text stream has no comments: idle periods send nothing.
        encode_heartbeat=lambda: b"",
        heartbeat_s=settings.LYRICS_HEARTBEAT_S,
        clock=LOOP_CLOCK,
        stats=stats,
    )
    logged = _logged(body, kind="text", track_id=track.id, stats=stats, rotate=False)
    return PreparedStream(200, TEXT, dict(SSE_HEADERS), body=logged, stats=stats)
