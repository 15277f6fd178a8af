"""The lyrics as files: `/tracks/<id>/lyrics.lrc` and `/tracks/<id>/lyrics.vtt` (contract: "Rich lyrics")."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from lyrics.export import to_lrc, to_webvtt
from lyrics.models import Track
from project.answers import json_error

LAYERS = ("translation", "pronunciation")


def _download(body: str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    if disposition := content_disposition_header(False, name):  # None only for an empty name
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = "no-cache"
    return response


def _track(track_id: int) -> Track | None:
    return Track.objects.filter(pk=track_id).only("title", "artist", "lines", "duration_ms", "synced").first()


@require_safe
def lyrics_lrc(request: HttpRequest, track_id: int) -> HttpResponseBase:
    """LRC with the offset applied, ``<mm:ss.xx>`` word stamps where known, translations dual-language."""
    track = _track(track_id)
    if track is None:
        return json_error(404, "no such track", track_id=track_id).as_response()
    return _download(
        to_lrc(track.lines, translations=True), "text/plain; charset=utf-8", f"{track.title}.lrc"
    )


@require_safe
def lyrics_vtt(request: HttpRequest, track_id: int) -> HttpResponseBase:
    """WebVTT, one cue per line with inline word timestamps; ``?layer=translation|pronunciation``."""
    layer = request.GET.get("layer") or None
    if layer is not None and layer not in LAYERS:
        return json_error(400, "layer must be translation or pronunciation").as_response()
    track = _track(track_id)
    if track is None:
        return json_error(404, "no such track", track_id=track_id).as_response()
    body = to_webvtt(track.lines, layer=layer, duration_ms=track.duration_ms)
    suffix = f".{layer}" if layer else ""
    return _download(body, "text/vtt; charset=utf-8", f"{track.title}{suffix}.vtt")
