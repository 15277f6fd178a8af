"""Station pages, the listeners' event stream and the staff control API."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from functools import wraps

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_eventstream.views import events as eventstream_events

from lyrics.models import Track
from lyrics.sse import encode_event
from lyrics.views.errors import json_error
from stations import announce
from stations.control import NothingToPlay, station_enqueue, station_play, station_skip, station_stop
from stations.models import Station


def station_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        station = Station.objects.select_related("current_track").get(slug=slug)
    except Station.DoesNotExist:
        raise Http404("no such station") from None
    return render(request, "stations/station.html", {"station": station})


def _events_with_snapshot(request: HttpRequest, slug: str) -> HttpResponseBase:
    try:
        station = Station.objects.select_related("current_track").get(slug=slug)
    except Station.DoesNotExist:
        return json_error(404, "no such station")
    response = eventstream_events(request, channels=[station.channel])
    resuming = (
        request.headers.get("Last-Event-ID")
        or request.GET.get("lastEventId")
        or request.GET.get("link") == "next"
        or request.GET.get("recover") == "true"
    )
    if response.status_code == 200 and not resuming:
        # django-eventstream has no on-connect hook: a listener joining mid-song
        # gets the current track and line first, without ids, so its
        # Last-Event-ID keeps naming stored events only. Behind Pushpin the
        # answer is GRIP's first response, sent before the hold.
        opening = "".join(
            encode_event(json.dumps(data, ensure_ascii=False), event=name).decode()
            for name, data in announce.snapshot(station)
        ).encode()
        if isinstance(response, StreamingHttpResponse):
            response.streaming_content = _prepend(opening, response.streaming_content)
        else:
            response.content = opening + response.content
    response["Content-Type"] = "text/event-stream; charset=utf-8"
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def _prepend(first: bytes, rest):  # type: ignore[no-untyped-def]
    yield first
    async for chunk in rest:
        yield chunk


async def station_events(request: HttpRequest, slug: str) -> HttpResponseBase:
    """``GET /stations/<slug>/events``: django-eventstream, opened with the station's state."""
    return await sync_to_async(_events_with_snapshot)(request, slug)


def _authorised(request: HttpRequest) -> JsonResponse | None:
    """None for staff with a valid CSRF token or a request with the API token, else a 403."""
    token = settings.STATIONS_API_TOKEN
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        if token and hmac.compare_digest(header.removeprefix("Bearer ").encode(), token.encode()):
            return None
        return json_error(403, "invalid token")
    if not (request.user.is_authenticated and request.user.is_staff):
        return json_error(403, "staff only: sign in, or send the API token")
    if CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {}) is not None:
        return json_error(403, "CSRF check failed: send the csrftoken cookie's value as X-CSRFToken")
    return None


def control(view: Callable[[HttpRequest, Station], JsonResponse]) -> Callable[..., JsonResponse]:
    """A staff-only POST endpoint on a station, answering JSON."""

    @csrf_exempt  # checked in _authorised, where a token may stand in for it
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str) -> JsonResponse:
        if (refusal := _authorised(request)) is not None:
            return refusal
        try:
            station = Station.objects.get(slug=slug)
        except Station.DoesNotExist:
            return json_error(404, "no such station")
        return view(request, station)

    return wrapper


def _state(station: Station) -> JsonResponse:
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
def queue(request: HttpRequest, station: Station) -> JsonResponse:
    try:
        body = json.loads(request.body or b"{}")
        track_ids = body["track_ids"]
        if not isinstance(track_ids, list) or not track_ids or not all(type(i) is int for i in track_ids):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        return json_error(400, 'send JSON like {"track_ids": [1, 2]}')
    try:
        station_enqueue(station, track_ids)
    except Track.DoesNotExist as exc:
        return json_error(400, str(exc))
    return _state(station)


@control
def play(request: HttpRequest, station: Station) -> JsonResponse:
    try:
        station_play(station)
    except NothingToPlay:
        return json_error(400, "nothing to play: queue a track first")
    return _state(station)


@control
def skip(request: HttpRequest, station: Station) -> JsonResponse:
    station_skip(station)
    return _state(station)


@control
def stop(request: HttpRequest, station: Station) -> JsonResponse:
    station_stop(station)
    return _state(station)
