"""``stream``, ``download`` and ``getCoverArt``: the files themselves, after authentication."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from asgiref.sync import sync_to_async
from django.http import HttpResponse, HttpResponseBase

from lyrics.audio_answers import load_audio, prepare_audio
from lyrics.files import inside
from lyrics.models import Track
from project.backpressure import write_ready
from subsonic import catalog, covers, errors, ids
from subsonic.registry import Call, method

MAX_COVER_SIZE = 2048
COVER_CACHE_CONTROL = "private, max-age=86400"


def _load_track(value: str) -> Track | None:
    pk = ids.parse_song_id(value)
    return catalog.songs().filter(pk=pk).first() if pk is not None else None


async def _audio(call: Call) -> HttpResponseBase:
    """The file exactly as ``/tracks/<id>/audio`` serves it (ranges, validators, offload): no transcoding."""
    track_id = ids.parse_song_id(call.params.required("id", max_chars=64))
    located = await load_audio(track_id) if track_id is not None else None
    if track_id is None or located is None or not located[0]:
        raise errors.not_found("Song")
    request = call.request
    # formPost clients POST their parameters; the answer is the same as to a GET.
    prepared = await prepare_audio(
        located,
        method="HEAD" if request.method == "HEAD" else "GET",
        headers={name.lower(): value for name, value in request.headers.items()},
        track_id=track_id,
        ready=write_ready(getattr(request, "scope", {})),
    )
    if prepared.status == 404:
        raise errors.not_found("Audio file")
    return prepared.as_response()


@method("stream", binary=True)
async def stream(call: Call) -> HttpResponseBase:
    # maxBitRate, format and timeOffset are accepted and ignored: the answer is always format=raw.
    return await _audio(call)


@method("download", binary=True)
async def download(call: Call) -> HttpResponseBase:
    return await _audio(call)


def _cover_track(cover_id: str) -> Track | None:
    if ids.is_album_id(cover_id):
        album = catalog.find_album(cover_id)
        return _load_track(str(album.first_track_id)) if album else None
    if ids.is_artist_id(cover_id):
        artist = catalog.find_artist(cover_id)
        return _load_track(str(artist.first_track_id)) if artist else None
    return _load_track(cover_id)


def _cover(
    path: Path, roots: list[Path], cover_id: str, size: int | None, if_none_match: str | None
) -> HttpResponse:
    """The picture answer (blocking file work, no database); only files inside the audio roots."""
    try:
        real = Path(os.path.realpath(path))
        stat = os.stat(real)
    except OSError:
        raise errors.not_found("Cover art") from None
    if not inside(real, roots):
        raise errors.not_found("Cover art")
    tag = f"{cover_id}:{stat.st_mtime_ns}:{stat.st_size}:{size or 0}"
    etag = '"' + hashlib.sha256(tag.encode()).hexdigest()[:32] + '"'
    if if_none_match and etag in [value.strip() for value in if_none_match.split(",")]:
        response = HttpResponse(status=304)
    else:
        picture = covers.embedded_picture(real)
        if picture is None:
            raise errors.not_found("Cover art")
        if size:
            picture = covers.scaled(picture, size)
        response = HttpResponse(picture.data, content_type=picture.mime)
    response["ETag"] = etag
    response["Cache-Control"] = COVER_CACHE_CONTROL
    return response


@method("getCoverArt", binary=True)
async def get_cover_art(call: Call) -> HttpResponseBase:
    cover_id = call.params.required("id", max_chars=64)
    size = call.params.integer("size", minimum=1, maximum=100_000)
    size = size if size is None or size <= MAX_COVER_SIZE else None
    track = await sync_to_async(_cover_track)(cover_id)
    # The same roots as the audio itself: a picture comes only from a file that may be streamed.
    located = await load_audio(track.pk) if track is not None else None
    if located is None:
        raise errors.not_found("Cover art")
    path, roots = located
    # Reading tags and scaling pictures is blocking work: off the event loop, in any thread.
    return await sync_to_async(_cover, thread_sensitive=False)(
        Path(path), roots, cover_id, size, call.request.headers.get("If-None-Match")
    )
