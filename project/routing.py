"""Byeol's one routing table (channels' documented pattern).

The hot paths are plain ASGI endpoints, each behind :class:`~project.guard.Guarded`
(Host validation, the HTTPS redirect, the security headers); everything else
goes to Django's own, unmodified ASGI handler with its full middleware, the
last and match-everything route. Each path is declared here and nowhere else:
``stream_url()`` reverses these names for the rest of the code.
"""

from __future__ import annotations

from channels.routing import URLRouter
from django.urls import path, re_path, reverse

import project.converters  # noqa: F401  (registers <id:...>)
from lyrics import endpoints
from project.asgi_types import ASGIApp
from project.guard import Guarded
from stations import endpoints as station_endpoints

urlpatterns = [
    path("tracks/<id:track_id>/lyrics/events", Guarded(endpoints.lyric_events), name="track-events"),
    path("tracks/<id:track_id>/lyrics/text", Guarded(endpoints.lyric_text), name="track-text"),
    path("tracks/<id:track_id>/audio", Guarded(endpoints.track_audio), name="track-audio"),
    path("music/text", Guarded(endpoints.music_text), name="music-text"),
    path("music/audio", Guarded(endpoints.music_audio), name="music-audio"),
    path("stations/<slug:slug>/events", Guarded(station_endpoints.station_events), name="station-events"),
    path("stations/<slug:slug>/text", Guarded(station_endpoints.station_text), name="station-text"),
]


def http_routes(django_app: ASGIApp) -> URLRouter:
    """The table: the lean endpoints first, Django's application last, matching everything."""
    return URLRouter([*urlpatterns, re_path(r"", django_app)])


def stream_url(name: str, **kwargs: object) -> str:
    """The path of one of the routes above, e.g. ``stream_url("track-audio", track_id=1)``."""
    return reverse(name, urlconf=__name__, kwargs=kwargs)
