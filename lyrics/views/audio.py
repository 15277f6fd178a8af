"""``GET|HEAD /tracks/<id>/audio``: the audio file as binary HTTP (contract: "Audio, binary")."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.http import content_disposition_header

from lyrics.audio import (
    ByteRange,
    FileInfo,
    RangeNotSatisfiable,
    media_type,
    not_modified,
    parse_range,
    range_applies,
    read_chunks,
)
from lyrics.views.errors import json_error
from lyrics.views.loading import load_track

CACHE_CONTROL = "public, max-age=3600"


def _validators(response: HttpResponseBase, info: FileInfo) -> HttpResponseBase:
    response["ETag"] = info.etag
    response["Last-Modified"] = info.last_modified
    response["Cache-Control"] = CACHE_CONTROL
    response["Accept-Ranges"] = "bytes"
    return response


def _locate(path: Path) -> tuple[os.stat_result, Path]:
    """The file's stat and real path (blocking: run it in a thread)."""
    return os.stat(path), Path(os.path.realpath(path))


def _offload_header(real: Path) -> tuple[str, str] | None:
    """The header that hands ``real`` to the front proxy, if offload is on and it may serve it."""
    if settings.AUDIO_ACCEL == "sendfile":
        # The path's UTF-8 bytes as they are (Django would MIME-encode non-Latin-1 text).
        return "X-Sendfile", os.fsencode(real).decode("latin-1")
    if settings.AUDIO_ACCEL == "nginx":
        root = Path(os.path.realpath(settings.AUDIO_ACCEL_ROOT))
        if real.is_relative_to(root):
            uri = settings.AUDIO_ACCEL_PREFIX.rstrip("/") + "/" + quote(str(real.relative_to(root)))
            return "X-Accel-Redirect", uri
    return None


async def track_audio(request: HttpRequest, track_id: int) -> HttpResponseBase:
    if request.method not in ("GET", "HEAD"):
        response = json_error(405, "use GET or HEAD")
        response["Allow"] = "GET, HEAD"
        return response
    track = await load_track(track_id)
    if track is None:
        return json_error(404, "no such track", track_id=track_id)
    if not track.audio_path:
        return json_error(404, "this track has no audio", track_id=track_id)
    path = Path(track.audio_path)
    try:
        stat, real = await sync_to_async(_locate, thread_sensitive=False)(path)
    except OSError:
        return json_error(404, "the audio file is missing", track_id=track_id)
    info = FileInfo.of(stat)
    content_type = media_type(path)

    if not_modified(
        info,
        if_none_match=request.headers.get("If-None-Match"),
        if_modified_since=request.headers.get("If-Modified-Since"),
    ):
        return _validators(HttpResponse(status=304), info)

    if (offload := _offload_header(real)) is not None:
        # The front proxy serves the bytes (and the ranges); Django only authorised it.
        response = HttpResponse(content_type=content_type)
        response[offload[0]] = offload[1]
        response["Content-Disposition"] = content_disposition_header(False, path.name)
        return response

    whole = ByteRange(0, info.size - 1)
    byte_range = None
    if range_applies(info, request.headers.get("If-Range")):
        try:
            byte_range = parse_range(request.headers.get("Range"), info.size)
        except RangeNotSatisfiable:
            response = HttpResponse(
                f"range not satisfiable: the file has {info.size} bytes\n",
                status=416,
                content_type="text/plain; charset=utf-8",
            )
            response["Content-Range"] = f"bytes */{info.size}"
            return _validators(response, info)

    selected = byte_range or whole
    if request.method == "HEAD" or info.size == 0:
        response = HttpResponse(content_type=content_type, status=206 if byte_range else 200)
    else:
        response = StreamingHttpResponse(
            read_chunks(path, selected), content_type=content_type, status=206 if byte_range else 200
        )
    if byte_range:
        response["Content-Range"] = byte_range.content_range(info.size)
    response["Content-Length"] = str(selected.length if info.size else 0)
    response["Content-Disposition"] = content_disposition_header(False, path.name)
    return _validators(response, info)
