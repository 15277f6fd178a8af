"""Station pages and the control API (the event streams are ``stations.endpoints``)."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from lyrics.models import Track
from project.answers import json_error
from stations.announce import queue_event
from stations.control import (
    MAX_QUEUE,
    NoSuchEntry,
    NothingToPlay,
    QueueFull,
    station_enqueue,
    station_loop,
    station_move,
    station_play,
    station_remove,
    station_skip,
    station_stop,
)
from stations.models import Station

PERMISSION = "stations.change_station"
# Control bodies are a few ids: anything longer is refused before it is parsed.
MAX_BODY_BYTES = 16 * 1024


def can_control(request: HttpRequest) -> bool:
    """Whether the signed-in user may run stations (the permission, not just ``is_staff``)."""
    return bool(request.user.is_authenticated and request.user.has_perm(PERMISSION))


def station_page(request: HttpRequest, slug: str) -> HttpResponse:
    station = Station.objects.select_related("current_track").filter(slug=slug).first()
    if station is None:
        raise Http404("no such station")
    return render(request, "stations/station.html", {"station": station, "controls": can_control(request)})


def _no_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def _authorised(request: HttpRequest) -> HttpResponseBase | None:
    """None for a user with the station permission and a valid CSRF token, or the API token; else a 403."""
    token = settings.STATIONS_API_TOKEN
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        if token and hmac.compare_digest(header.removeprefix("Bearer ").encode(), token.encode()):
            return None
        return json_error(403, "invalid token").as_response()
    if not can_control(request):
        return json_error(
            403, f"sign in as a user with the {PERMISSION} permission, or send the API token"
        ).as_response()
    if CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, _no_view, (), {}) is not None:
        return json_error(
            403, "CSRF check failed: send the csrftoken cookie's value as X-CSRFToken"
        ).as_response()
    return None


class BadBody(ValueError):
    pass


def _body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_BODY_BYTES:
        raise BadBody(f"a control request is at most {MAX_BODY_BYTES} bytes")
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise BadBody("send a JSON object") from None
    if not isinstance(body, dict):
        raise BadBody("send a JSON object")
    return body


def _int(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    if type(value) is not int or not 0 <= value < 2**53:
        raise BadBody(f"{name} must be a whole number")
    return value


Control = Callable[[HttpRequest, Station], Station]


def control(view: Control) -> Callable[..., HttpResponseBase]:
    """A POST endpoint on a station for those allowed to run it, answering with the station's state."""

    @csrf_exempt  # checked in _authorised, where a token may stand in for it
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str) -> HttpResponseBase:
        if (refusal := _authorised(request)) is not None:
            return refusal
        station = Station.objects.filter(slug=slug).first()
        if station is None:
            return json_error(404, "no such station").as_response()
        try:
            view(request, station)
        except (BadBody, QueueFull, NoSuchEntry, NothingToPlay, Track.DoesNotExist) as exc:
            return json_error(400, _message(exc)).as_response()
        return _state(station)

    return wrapper


def _message(exc: Exception) -> str:
    if isinstance(exc, NothingToPlay):
        return "nothing to play: queue a track first"
    if isinstance(exc, NoSuchEntry):
        return f"no entry {exc} in this station's queue"
    return str(exc)


def _state(station: Station) -> JsonResponse:
    station = Station.objects.select_related("current_track").get(pk=station.pk)
    return JsonResponse(
        {
            "station": station.slug,
            "playing": station.playing,
            "loop": station.loop,
            "track": station.current_track.summary() if station.current_track else None,
            "started_at": station.started_at.isoformat() if station.started_at else None,
            "queue": list(station.queue.values_list("track_id", flat=True)),
            "entries": queue_event(station)["up_next"],
            "max_queue": MAX_QUEUE,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def state(request: HttpRequest, slug: str) -> HttpResponseBase:
    """``GET /api/stations/<slug>``: what plays, the queue, whether it loops (public)."""
    station = Station.objects.filter(slug=slug).first()
    if station is None:
        return json_error(404, "no such station").as_response()
    return _state(station)


@control
def queue(request: HttpRequest, station: Station) -> Station:
    track_ids = _body(request).get("track_ids")
    if not isinstance(track_ids, list) or not 0 < len(track_ids) <= MAX_QUEUE:
        raise BadBody('send JSON like {"track_ids": [1, 2]}')
    if not all(type(i) is int and 0 < i < 2**53 for i in track_ids):
        raise BadBody("track_ids must be track ids")
    return station_enqueue(station, track_ids)


@control
def remove(request: HttpRequest, station: Station) -> Station:
    return station_remove(station, _int(_body(request), "entry"))


@control
def move(request: HttpRequest, station: Station) -> Station:
    body = _body(request)
    return station_move(station, _int(body, "entry"), _int(body, "index"))


@control
def loop(request: HttpRequest, station: Station) -> Station:
    value = _body(request).get("loop")
    if not isinstance(value, bool):
        raise BadBody('send JSON like {"loop": true}')
    return station_loop(station, value)


@control
def play(request: HttpRequest, station: Station) -> Station:
    return station_play(station)


@control
def skip(request: HttpRequest, station: Station) -> Station:
    return station_skip(station)


@control
def stop(request: HttpRequest, station: Station) -> Station:
    return station_stop(station)
