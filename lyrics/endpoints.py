"""The lean ASGI endpoints for lyric streams and audio (routed in ``project.routing``).

Each turns a request into a :class:`~project.answers.PreparedStream` with the
pure cores (``lyric_streams``, ``audio_answers``) and sends it; a stream holds
its place under the limits (``project.limits``) from before it is admitted
until it ends. ``project.guard`` validates the Host and adds the security
headers around every one of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict

from lyrics.audio import FILE_THREADS
from lyrics.audio_answers import load_audio, prepare_audio
from lyrics.files import NotInRoot, TooLarge, check_relative_name, read_confined, real_roots
from lyrics.lyric_streams import StreamTrack, load_stream_track, prepare_events, prepare_text
from lyrics.sse import encode_event
from lyrics.text import TextDecodeError, decode_text
from project.answers import SSE_HEADERS, TEXT, PreparedStream, json_error, send_prepared
from project.asgi_types import Receive, Scope, Send, header
from project.backpressure import write_ready
from project.clients import scope_client
from project.limits import open_streams

# A longer query string is refused before it is parsed.
MAX_QUERY_BYTES = 4096
MAX_TEXT_FILE_BYTES = 5 * 1024 * 1024
MAX_ID_DIGITS = 18

Endpoint = Callable[[Scope, Receive, Send], Awaitable[None]]


class BadRequest(ValueError):
    pass


def query_of(scope: Scope) -> QueryDict:
    raw = scope.get("query_string", b"")
    if len(raw) > MAX_QUERY_BYTES:
        raise BadRequest(f"the query string is longer than {MAX_QUERY_BYTES} bytes")
    try:
        return QueryDict(raw)
    except TooManyFieldsSent:
        raise BadRequest("too many query parameters") from None


def _id_param(query: QueryDict, name: str) -> int:
    value = query.get(name, "")
    if not (value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS):
        raise BadRequest(f"{name} must be a track's integer id")
    return int(value)


def _method_refusal(scope: Scope) -> PreparedStream | None:
    if scope["method"] in ("GET", "HEAD"):
        return None
    answer = json_error(405, "use GET or HEAD")
    answer.headers["Allow"] = "GET, HEAD"
    return answer


def _prepare_stream(scope: Scope, track: StreamTrack | None, kind: str) -> PreparedStream:
    # Its own function, so the parsed query is not held for the stream's whole life.
    query = query_of(scope)
    if kind == "events":
        return prepare_events(track, query, header(scope, b"last-event-id"))
    return prepare_text(track, query)


class LyricStream:
    """The lean endpoint of a lyric stream (``kind`` "events" or "text") of the routed track.

    One coroutine for the request's whole life (thousands are open at once):
    GET and HEAD only, a place under the limits held until the stream ends,
    a bad query a 400 with a JSON body.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        head = scope["method"] == "HEAD"
        if (refused := _method_refusal(scope)) is not None:
            await send_prepared(refused, receive, send)
            return
        with open_streams.reserve(scope_client(scope)) as refusal:
            if refusal is None:
                track_id = scope["url_route"]["kwargs"]["track_id"]
                try:
                    prepared = _prepare_stream(scope, await load_stream_track(track_id), self.kind)
                except BadRequest as exc:
                    prepared = json_error(400, str(exc))
            await send_prepared(refusal or prepared, receive, send, head=head)


def endpoint(handler: Endpoint) -> Endpoint:
    """GET and HEAD only; a bad query or id is a 400 with a JSON body."""

    async def run(scope: Scope, receive: Receive, send: Send) -> None:
        if (refusal := _method_refusal(scope)) is not None:
            await send_prepared(refusal, receive, send)
            return
        try:
            await handler(scope, receive, send)
        except BadRequest as exc:
            await send_prepared(json_error(400, str(exc)), receive, send, head=scope["method"] == "HEAD")

    run.__doc__ = handler.__doc__
    run.__name__ = handler.__name__
    return run


# ``GET /tracks/<id>/lyrics/events``: the lyrics snapshot, then each line when due, then ``end``.
lyric_events = LyricStream("events")
# ``GET /tracks/<id>/lyrics/text``: one lyric line per text line, each written when due.
lyric_text = LyricStream("text")


async def _audio(scope: Scope, receive: Receive, send: Send, track_id: int) -> None:
    headers = {bytes(k).decode("latin-1"): bytes(v).decode("latin-1") for k, v in scope.get("headers", ())}
    prepared = await prepare_audio(
        await load_audio(track_id),
        method=scope["method"],
        headers=headers,
        track_id=track_id,
        ready=write_ready(scope),
    )
    await send_prepared(prepared, receive, send, head=scope["method"] == "HEAD")


@endpoint
async def track_audio(scope: Scope, receive: Receive, send: Send) -> None:
    """``GET|HEAD /tracks/<id>/audio``: the file's bytes with ranges and validators."""
    await _audio(scope, receive, send, scope["url_route"]["kwargs"]["track_id"])


@endpoint
async def music_audio(scope: Scope, receive: Receive, send: Send) -> None:
    """``/music/audio?track_id=``: the prototype's URL, the same as ``/tracks/<id>/audio``."""
    await _audio(scope, receive, send, _id_param(query_of(scope), "track_id"))


def _text_file_lines(name: str) -> list[str]:
    check_relative_name(name)
    root = settings.LYRICS_TEXT_ROOT
    data = read_confined(root / name, real_roots([root]), limit=MAX_TEXT_FILE_BYTES)
    lines = decode_text(data).text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


async def _text_file_events(name: str, last_event_id: str | None) -> PreparedStream:
    loop = asyncio.get_running_loop()
    try:
        lines = await loop.run_in_executor(FILE_THREADS, _text_file_lines, name)
    except NotInRoot:
        return json_error(404, "no such text file")
    except TooLarge:
        return json_error(413, "text file too large")
    except TextDecodeError as exc:
        return json_error(422, f"not readable as text: {exc}")
    last = (last_event_id or "0").strip()
    start = int(last) if last.isascii() and last.isdigit() and len(last) < 10 else 0
    if start >= len(lines) and start > 0:
        return PreparedStream(204, TEXT)
    body = b"".join(
        encode_event(text, id=str(number), retry_ms=settings.LYRICS_RETRY_MS if number == start + 1 else None)
        for number, text in enumerate(lines[start:], start=start + 1)
    )
    return PreparedStream(200, headers=dict(SSE_HEADERS), body=body)


@endpoint
async def music_text(scope: Scope, receive: Receive, send: Send) -> None:
    """``/music/text?file_name=`` (a text file as SSE) or ``?track_id=`` (the lyrics stream)."""
    query = query_of(scope)
    if "track_id" in query:
        routed = {"args": (), "kwargs": {"track_id": _id_param(query, "track_id")}}
        await lyric_events(dict(scope, url_route=routed), receive, send)
        return
    name = query.get("file_name")
    if name is None:
        raise BadRequest("give file_name or track_id")
    last_event_id = header(scope, b"last-event-id") or query.get("lastEventId")
    await send_prepared(
        await _text_file_events(name, last_event_id), receive, send, head=scope["method"] == "HEAD"
    )
