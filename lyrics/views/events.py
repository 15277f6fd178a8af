"""The lyrics as Server-Sent Events and as ``curl -N`` text (contract: "Lyrics as SSE").

Real traffic takes the lean ASGI path in ``lyrics.asgi_streams``; these views
serve the same :class:`~lyrics.lyric_streams.PreparedStream` wherever Django's
own handler runs (the test client, ``/music/text?track_id=``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse

from lyrics.lyric_streams import PreparedStream, load_stream_track, prepare_events, prepare_text


def as_response(prepared: PreparedStream) -> HttpResponseBase:
    if isinstance(prepared.body, bytes):
        response: HttpResponseBase = HttpResponse(
            prepared.body, status=prepared.status, content_type=prepared.content_type
        )
    else:
        response = StreamingHttpResponse(
            prepared.body, status=prepared.status, content_type=prepared.content_type
        )
    for name, value in prepared.headers.items():
        response[name] = value
    return response


async def lyrics_events(request: HttpRequest, track_id: int) -> HttpResponseBase:
    """``GET /tracks/<id>/lyrics/events``: the lyrics snapshot, then each line when due, then ``end``."""
    track = await load_stream_track(track_id)
    client = request.META.get("REMOTE_ADDR", "")
    return as_response(
        prepare_events(track, request.GET, request.headers.get("Last-Event-ID"), client=client)
    )


async def lyrics_text(request: HttpRequest, track_id: int) -> HttpResponseBase:
    """``GET /tracks/<id>/lyrics/text``: one lyric line per text line, each written when due."""
    track = await load_stream_track(track_id)
    return as_response(prepare_text(track, request.GET, client=request.META.get("REMOTE_ADDR", "")))
