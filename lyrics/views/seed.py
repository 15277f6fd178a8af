"""The prototype's URLs, done right (contract: "The seed's URLs, done right")."""

from __future__ import annotations

import os
from pathlib import Path

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse

from lyrics.sse import encode_event
from lyrics.text import TextDecodeError, decode_text
from lyrics.views import audio, events
from lyrics.views.errors import json_error

MAX_TEXT_BYTES = 5 * 1024 * 1024


class NotInRoot(LookupError):
    """A name that does not denote a readable file inside the root."""


def resolve_in_root(root: Path, name: str) -> Path:
    """The file ``name`` denotes inside ``root``, or :class:`NotInRoot`.

    Refuses absolute names, ``..`` components, NUL and backslashes, and any
    name whose real path (symlinks followed) leaves the real root.
    """
    if not name or "\0" in name or "\\" in name or name.startswith("/") or name.endswith("/"):
        raise NotInRoot(name)
    parts = Path(name).parts
    if any(part in {"..", ""} for part in parts) or Path(name).is_absolute():
        raise NotInRoot(name)
    real_root = Path(os.path.realpath(root))
    candidate = Path(os.path.realpath(real_root / name))
    if not candidate.is_relative_to(real_root) or candidate == real_root or not candidate.is_file():
        raise NotInRoot(name)
    return candidate


def _read_text_file(path: Path) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        raise ValueError("file too large")
    return data


def _track_id(request: HttpRequest) -> int | None:
    value = request.GET.get("track_id", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


async def music_text(request: HttpRequest) -> HttpResponseBase:
    """``/music/text?file_name=`` (a text file as SSE) or ``?track_id=`` (the lyrics stream)."""
    if "track_id" in request.GET:
        track_id = _track_id(request)
        if track_id is None:
            return json_error(400, "track_id must be a track's integer id")
        return await events.lyrics_events(request, track_id)
    name = request.GET.get("file_name")
    if name is None:
        return json_error(400, "give file_name or track_id")
    try:
        path = resolve_in_root(settings.LYRICS_TEXT_ROOT, name)
        data = await sync_to_async(_read_text_file, thread_sensitive=False)(path)
    except (NotInRoot, OSError):
        return json_error(404, "no such text file")
    except ValueError:
        return json_error(413, "text file too large")
    try:
        lines = decode_text(data).text.split("\n")
    except TextDecodeError as exc:
        return json_error(422, f"not readable as text: {exc}")
    if lines and lines[-1] == "":
        lines.pop()

    last = request.headers.get("Last-Event-ID") or request.GET.get("lastEventId") or "0"
    start = int(last) if last.isascii() and last.isdigit() and len(last) < 10 else 0
    if start >= len(lines) and start > 0:
        return HttpResponse(status=204)

    async def body():
        for number, text in enumerate(lines[start:], start=start + 1):
            retry_ms = settings.LYRICS_RETRY_MS if number == start + 1 else None
            yield encode_event(text, id=str(number), retry_ms=retry_ms)

    response = StreamingHttpResponse(body(), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def music_audio(request: HttpRequest) -> HttpResponseBase:
    """``/music/audio?track_id=``: the same as ``/tracks/<id>/audio``."""
    track_id = _track_id(request)
    if track_id is None:
        return json_error(400, "track_id must be a track's integer id")
    return await audio.track_audio(request, track_id=track_id)
