"""An LRCLIB-compatible lyrics API (contract: "LRCLIB-compatible lyrics API")."""

from __future__ import annotations

import math

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from lyrics.lrclib import DURATION_TOLERANCE_S, MAX_SEARCH_RESULTS, as_lrclib, error
from lyrics.models import Track, search_query

# Longer than any track's duration_ms can hold: no match, not a query.
MAX_DURATION_S = 3_000_000


def _json(data: object, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _not_found() -> JsonResponse:
    return _json(error(404, "TrackNotFound", "Failed to find specified track"), 404)


@require_safe
def get(request: HttpRequest) -> JsonResponse:
    """``GET /api/get?track_name=&artist_name=[&album_name=&duration=]``.

    LRCLIB's rules, matched in the database on the names' keys (``Track.name_key``,
    indexed): a miss costs one indexed query, whatever the library's size.
    """
    title = request.GET.get("track_name", "")
    artist = request.GET.get("artist_name", "")
    if not title.strip() or not artist.strip():
        return _json(error(400, "ValidationError", "track_name and artist_name are required"), 400)
    tracks = Track.objects.filter(title_key=Track.name_key(title), artist_key=Track.name_key(artist))
    if album_key := Track.name_key(request.GET.get("album_name", "")):
        tracks = tracks.filter(album_key=album_key)
    if request.GET.get("duration"):
        try:
            duration_s = float(request.GET["duration"])
        except ValueError:
            return _json(error(400, "ValidationError", "duration must be a number of seconds"), 400)
        if not math.isfinite(duration_s) or not -DURATION_TOLERANCE_S <= duration_s <= MAX_DURATION_S:
            return _not_found()
        tracks = tracks.filter(
            duration_ms__gte=math.ceil((duration_s - DURATION_TOLERANCE_S) * 1000),
            duration_ms__lte=math.floor((duration_s + DURATION_TOLERANCE_S) * 1000),
        )
    track = tracks.order_by("-synced", "id").first()
    return _json(as_lrclib(track)) if track is not None else _not_found()


@require_safe
def get_by_id(request: HttpRequest, track_id: int) -> JsonResponse:
    """``GET /api/get/<id>``."""
    try:
        return _json(as_lrclib(Track.objects.get(pk=track_id)))
    except Track.DoesNotExist:
        return _not_found()


@require_safe
def search(request: HttpRequest) -> JsonResponse:
    """``GET /api/search?q=`` or ``?track_name=&artist_name=``: at most 20 tracks."""
    query, title, artist, album = (
        search_query(request.GET.get(name, "")) for name in ("q", "track_name", "artist_name", "album_name")
    )
    if not (query or title):
        return _json(error(400, "ValidationError", "give q or track_name"), 400)
    tracks = Track.objects.all()
    if query:
        tracks = tracks.search(query)
    if title:
        tracks = tracks.filter(title__icontains=title)
    if artist:
        tracks = tracks.filter(artist__icontains=artist)
    if album:
        tracks = tracks.filter(album__icontains=album)
    return _json([as_lrclib(track) for track in tracks.order_by("-synced", "id")[:MAX_SEARCH_RESULTS]])
