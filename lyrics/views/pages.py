"""The HTML pages: the library and the player (contract: "Catalog")."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from lyrics.models import Track, search_query
from stations.models import Station
from stations.views import can_control

# Tracks on one page of the library.
LIBRARY_PER_PAGE = 50


def _station_adder(request: HttpRequest) -> dict[str, object]:
    """What the pages' "Add to station" buttons need: the stations, for those who may run them."""
    allowed = can_control(request)
    return {"can_control": allowed, "stations": list(Station.objects.only("slug", "name")) if allowed else []}


@require_safe
def library(request: HttpRequest) -> HttpResponse:
    """``GET /[?q=&page=]``: one page of the library (two queries, whatever its size)."""
    query = search_query(request.GET.get("q", ""))
    tracks = Track.objects.search(query) if query else Track.objects.all()
    page = Paginator(tracks.defer("lyrics_text"), LIBRARY_PER_PAGE).get_page(request.GET.get("page"))
    context = {"tracks": page.object_list, "page": page, "query": query, **_station_adder(request)}
    return render(request, "lyrics/library.html", context)


@require_safe
def player(request: HttpRequest, track_id: int) -> HttpResponse:
    try:
        track = Track.objects.get(pk=track_id)
    except Track.DoesNotExist:
        raise Http404("no such track") from None
    context = {
        "track": track,
        "track_json": track.detail(),
        # The first voice is the lead; lines sung by any other are set apart.
        "main_agent": track.agents[0]["id"] if track.agents else "",
        **_station_adder(request),
        "exports": {
            "lrc": reverse("lyrics:track-lrc", args=[track.pk]),
            "vtt": reverse("lyrics:track-vtt", args=[track.pk]),
        },
    }
    return render(request, "lyrics/player.html", context)
