"""The catalog as JSON (contract: "Catalog")."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from lyrics.models import Track
from project.answers import json_error

MAX_QUERY_CHARS = 200


def track_list(request: HttpRequest) -> JsonResponse:
    """``GET /api/tracks[?q=]``: every track (one query, whatever the count)."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    tracks = Track.objects.search(query) if query else Track.objects.all()
    tracks = tracks.defer("lyrics_text", "lines")
    return JsonResponse(
        {"tracks": [track.summary() for track in tracks]}, json_dumps_params={"ensure_ascii": False}
    )


def track_detail(request: HttpRequest, track_id: int) -> JsonResponse:
    """``GET /api/tracks/<id>``: the track with its lyric lines."""
    try:
        track = Track.objects.get(pk=track_id)
    except Track.DoesNotExist:
        return json_error(404, "no such track", track_id=track_id).as_response()
    return JsonResponse(track.detail(), json_dumps_params={"ensure_ascii": False})
