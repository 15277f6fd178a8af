"""The HTML pages: the library and the player (contract: "Catalog")."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from lyrics.models import Track


def library(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    tracks = Track.objects.search(query) if query else Track.objects.all()
    return render(request, "lyrics/library.html", {"tracks": tracks, "query": query})


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
        "exports": {
            "lrc": reverse("lyrics:track-lrc", args=[track.pk]),
            "vtt": reverse("lyrics:track-vtt", args=[track.pk]),
        },
    }
    return render(request, "lyrics/player.html", context)
