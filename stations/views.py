"""Station pages and the staff control API (the event stream is ``stations.endpoints``)."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lyrics.models import Track
from project.answers import json_error
from stations.control import NothingToPlay, station_enqueue, station_play, station_skip, station_stop
from stations.models import Station


def station_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        station = Station.objects.select_related("current_track").get(slug=slug)
    except Station.DoesNotExist:
        raise Http404("no such station") from None
    return render(request, "stations/station.html", {"station": station})


def _authorised(request: HttpRequest) -> HttpResponseBase | None:
    """None for staff with a valid CSRF token or a request with the API token, else a 403."""
    token = settings.STATIONS_API_TOKEN
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        if token and hmac.compare_digest(header.removeprefix("Bearer ").encode(), token.encode()):
            return None
        return json_error(403, "invalid token").as_response()
    if not (request.user.is_authenticated and request.user.is_staff):
        return json_error(403, "staff only: sign in, or send the API token").as_response()
    if CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {}) is not None:
        return json_error(
            403, "CSRF check failed: send the csrftoken cookie's value as X-CSRFToken"
        ).as_response()
    return None


def control(view: Callable[[HttpRequest, Station], HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A staff-only POST endpoint on a station, answering JSON."""

    @csrf_exempt  # checked in _authorised, where a token may stand in for it
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str) -> HttpResponseBase:
        if (refusal := _authorised(request)) is not None:
            return refusal
        try:
            station = Station.objects.get(slug=slug)
        except Station.DoesNotExist:
            return json_error(404, "no such station").as_response()
        return view(request, station)

    return wrapper


def _state(station: Station) -> HttpResponseBase:
    station.refresh_from_db()
    return JsonResponse(
        {
            "station": station.slug,
            "playing": station.playing,
            "track": station.current_track.summary() if station.current_track else None,
            "started_at": station.started_at.isoformat() if station.started_at else None,
            "queue": [entry.track_id for entry in station.queue.all()],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@control
def queue(request: HttpRequest, station: Station) -> HttpResponseBase:
    try:
        body = json.loads(request.body or b"{}")
        track_ids = body["track_ids"]
        if not isinstance(track_ids, list) or not track_ids or not all(type(i) is int for i in track_ids):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        return json_error(400, 'send JSON like {"track_ids": [1, 2]}').as_response()
    try:
        station_enqueue(station, track_ids)
    except Track.DoesNotExist as exc:
        return json_error(400, str(exc)).as_response()
    return _state(station)


@control
def play(request: HttpRequest, station: Station) -> HttpResponseBase:
    try:
        station_play(station)
    except NothingToPlay:
        return json_error(400, "nothing to play: queue a track first").as_response()
    return _state(station)


@control
def skip(request: HttpRequest, station: Station) -> HttpResponseBase:
    station_skip(station)
    return _state(station)


@control
def stop(request: HttpRequest, station: Station) -> HttpResponseBase:
    station_stop(station)
    return _state(station)
