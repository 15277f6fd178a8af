"""An LRCLIB-compatible lyrics API (contract: "LRCLIB-compatible lyrics API")."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from lyrics.lrclib import DURATION_TOLERANCE_S, MAX_SEARCH_RESULTS, as_lrclib, error, normalise_name
from lyrics.models import Track


def _json(data: object, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _not_found() -> JsonResponse:
    return _json(error(404, "TrackNotFound", "Failed to find specified track"), 404)


def _matches(track: Track, *, title: str, artist: str, album: str | None, duration_s: float | None) -> bool:
    if normalise_name(track.title) != title or normalise_name(track.artist) != artist:
        return False
    if album and normalise_name(track.album) != album:
        return False
    if duration_s is not None:
        if track.duration_ms is None:
            return False
        return abs(track.duration_ms / 1000 - duration_s) <= DURATION_TOLERANCE_S
    return True


def get(request: HttpRequest) -> JsonResponse:
    """``GET /api/get?track_name=&artist_name=[&album_name=&duration=]``."""
    title = request.GET.get("track_name", "")
    artist = request.GET.get("artist_name", "")
    if not title.strip() or not artist.strip():
        return _json(error(400, "ValidationError", "track_name and artist_name are required"), 400)
    duration_s = None
    if request.GET.get("duration"):
        try:
            duration_s = float(request.GET["duration"])
        except ValueError:
            return _json(error(400, "ValidationError", "duration must be a number of seconds"), 400)
    wanted = {
        "title": normalise_name(title),
        "artist": normalise_name(artist),
        "album": normalise_name(request.GET.get("album_name", "")) or None,
        "duration_s": duration_s,
    }
    # Narrow in the database by the first title word, then apply LRCLIB's rules.
    first_word = title.split()[0]
    candidates = Track.objects.filter(title__icontains=first_word).order_by("-synced", "id")
    for track in candidates.iterator():
        if _matches(track, **wanted):
            return _json(as_lrclib(track))
    for track in Track.objects.order_by("-synced", "id").iterator():
        if _matches(track, **wanted):
            return _json(as_lrclib(track))
    return _not_found()


def get_by_id(request: HttpRequest, track_id: int) -> JsonResponse:
    """``GET /api/get/<id>``."""
    try:
        return _json(as_lrclib(Track.objects.get(pk=track_id)))
    except Track.DoesNotExist:
        return _not_found()


def search(request: HttpRequest) -> JsonResponse:
    """``GET /api/search?q=`` or ``?track_name=&artist_name=``: at most 20 tracks."""
    query = request.GET.get("q", "").strip()
    title = request.GET.get("track_name", "").strip()
    artist = request.GET.get("artist_name", "").strip()
    album = request.GET.get("album_name", "").strip()
    if not (query or title):
        return _json(error(400, "ValidationError", "give q or track_name"), 400)
    tracks = Track.objects.all()
    if query:
        tracks = tracks.search(query[:200])
    if title:
        tracks = tracks.filter(title__icontains=title[:200])
    if artist:
        tracks = tracks.filter(artist__icontains=artist[:200])
    if album:
        tracks = tracks.filter(album__icontains=album[:200])
    return _json([as_lrclib(track) for track in tracks.order_by("-synced", "id")[:MAX_SEARCH_RESULTS]])
