"""The answer to an audio request (contract: "Audio, binary"), however it is served.

:func:`prepare_audio` opens the file (only inside the audio roots, checked on
the opened file), applies the validators and the range, and returns a
:class:`~project.answers.PreparedStream` whose body reads the open file in
bounded chunks. The lean endpoint and Django views (Subsonic's ``stream``)
both serve it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from urllib.parse import quote

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils.http import content_disposition_header

from lyrics.audio import (
    FILE_THREADS,
    ByteRange,
    FileChunks,
    FileInfo,
    RangeNotSatisfiable,
    media_type,
    not_modified,
    parse_range,
    range_applies,
)
from lyrics.files import NotInRoot, open_confined, real_roots
from lyrics.models import LibraryFolder, Track
from project.answers import TEXT, PreparedStream, json_error
from project.shared_loads import SharedLoad

CACHE_CONTROL = "public, max-age=3600"
# How long a track's audio path and the roots serve requests before they are
# read again: a player's burst of range probes costs one query.
LOOKUP_CACHE_S = 1.0


def audio_roots() -> list[Path]:
    """The folders audio may come from: ``AUDIO_ROOTS``, else the imported library folders."""
    return real_roots(settings.AUDIO_ROOTS or LibraryFolder.objects.values_list("path", flat=True))


def _load_now(track_id: int) -> tuple[str, list[Path]] | None:
    audio_path = Track.objects.filter(pk=track_id).values_list("audio_path", flat=True).first()
    if audio_path is None:
        return None
    return audio_path, audio_roots()


# The track's audio path and the folders audio may come from (None: no such track).
load_audio: SharedLoad[int, tuple[str, list[Path]] | None] = SharedLoad(
    database_sync_to_async(_load_now, thread_sensitive=False), ttl_s=LOOKUP_CACHE_S
)


def _validators(headers: dict[str, str], info: FileInfo) -> dict[str, str]:
    headers.update(
        {
            "ETag": info.etag,
            "Last-Modified": info.last_modified,
            "Cache-Control": CACHE_CONTROL,
            "Accept-Ranges": "bytes",
        }
    )
    return headers


def _offload_header(real: Path) -> tuple[str, str] | None:
    """The header that hands ``real`` to the front proxy, if offload is on and it may serve it."""
    if settings.AUDIO_ACCEL == "sendfile":
        if any(ch in str(real) for ch in "\r\n"):
            return None  # a header cannot carry it: serve the bytes ourselves
        # The path's UTF-8 bytes as they are, as mod_xsendfile reads them.
        return "X-Sendfile", os.fsencode(real).decode("latin-1")
    if settings.AUDIO_ACCEL == "nginx":
        root = Path(os.path.realpath(settings.AUDIO_ACCEL_ROOT))
        if real.is_relative_to(root):
            return "X-Accel-Redirect", settings.AUDIO_ACCEL_PREFIX.rstrip("/") + "/" + quote(
                str(real.relative_to(root))
            )
    return None


def _disposition(path: Path) -> str:
    value = content_disposition_header(False, path.name) or "inline"
    return value.encode("latin-1", "replace").decode("latin-1")


async def prepare_audio(
    located: tuple[str, list[Path]] | None,
    *,
    method: str,
    headers: Mapping[str, str],
    track_id: int,
    ready: Callable[[], Awaitable[object]] | None = None,
) -> PreparedStream:
    """The answer to ``GET|HEAD`` on a track's audio (callers refuse other methods); ``headers`` has
    lower-case names. ``ready`` is the write gate's wait (``byeol.write_ready``), when the server has one."""
    if located is None:
        return json_error(404, "no such track", track_id=track_id)
    audio_path, roots = located
    if not audio_path:
        return json_error(404, "this track has no audio", track_id=track_id)
    loop = asyncio.get_running_loop()
    try:
        fd, stat, real = await loop.run_in_executor(FILE_THREADS, open_confined, audio_path, roots)
    except NotInRoot:
        return json_error(404, "the audio file is missing", track_id=track_id)
    try:
        return _answer(fd, FileInfo.of(stat), real, method=method, headers=headers, ready=ready)
    except BaseException:
        os.close(fd)
        raise


def _answer(
    fd: int,
    info: FileInfo,
    real: Path,
    *,
    method: str,
    headers: Mapping[str, str],
    ready: Callable[[], Awaitable[object]] | None,
) -> PreparedStream:
    content_type = media_type(real)
    if not_modified(
        info, if_none_match=headers.get("if-none-match"), if_modified_since=headers.get("if-modified-since")
    ):
        os.close(fd)
        return PreparedStream(304, content_type, _validators({}, info))
    if (offload := _offload_header(real)) is not None:
        # The front proxy serves the bytes (and the ranges); Byeol only authorised it.
        os.close(fd)
        return PreparedStream(
            200, content_type, {offload[0]: offload[1], "Content-Disposition": _disposition(real)}
        )
    byte_range = None
    if range_applies(info, headers.get("if-range")):
        try:
            byte_range = parse_range(headers.get("range"), info.size)
        except RangeNotSatisfiable:
            os.close(fd)
            answer = PreparedStream(
                416, TEXT, body=f"range not satisfiable: the file has {info.size} bytes\n".encode()
            )
            answer.headers = _validators({"Content-Range": f"bytes */{info.size}"}, info)
            return answer
    selected = byte_range or ByteRange(0, info.size - 1)
    out = _validators({"Content-Disposition": _disposition(real)}, info)
    out["Content-Length"] = str(selected.length if info.size else 0)
    if byte_range:
        out["Content-Range"] = byte_range.content_range(info.size)
    status = 206 if byte_range else 200
    if method == "HEAD" or info.size == 0:
        os.close(fd)
        return PreparedStream(status, content_type, out, b"")
    return PreparedStream(status, content_type, out, FileChunks(fd, selected, ready=ready))
