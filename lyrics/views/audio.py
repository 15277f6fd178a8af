"""The audio answer for Django views that serve a track's file (Subsonic's ``stream``, ``download``).

``/tracks/<id>/audio`` itself is the lean endpoint in ``lyrics.endpoints``;
both serve :func:`lyrics.audio_answers.prepare_audio`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase

from lyrics.audio_answers import load_audio, prepare_audio


async def track_audio(request: HttpRequest, track_id: int) -> HttpResponseBase:
    headers = {name.lower(): value for name, value in request.headers.items()}
    located = await load_audio(track_id)
    prepared = await prepare_audio(
        located, method=request.method or "GET", headers=headers, track_id=track_id
    )
    return prepared.as_response()
