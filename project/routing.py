"""Byeol's one routing table (channels' documented pattern).

The hot paths are plain ASGI endpoints, each behind :class:`~project.guard.Guarded`
(Host validation, the HTTPS redirect, the security headers); everything else
goes to Django's own, unmodified ASGI handler with its full middleware, the
last and match-everything route. Each path is declared here and nowhere else:
``stream_url()`` reverses these names for the rest of the code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from channels.routing import URLRouter
from django.conf import settings
from django.urls import URLPattern, path, re_path, reverse
from servestatic.asgi import ServeStaticASGI

import project.converters  # noqa: F401  (registers <id:...>)
from lyrics import endpoints
from project.asgi_types import ASGIApp
from project.guard import Guarded
from stations import endpoints as station_endpoints

View = Callable[..., Any]


def lean(route: str, app: ASGIApp, name: str) -> URLPattern:
    """A lean endpoint's route, behind the guard.

    channels' ``URLRouter`` takes ASGI applications where Django's ``path()``
    (and its type stubs) expect views: the one cast is here.
    """
    return path(route, cast(View, Guarded(app)), name=name)


def _static_route() -> list[URLPattern]:
    """``/static/``: ServeStatic over the hashed, compressed copies (unless a front proxy serves them).

    Hashed names are cached for ten years (immutable), others for an hour;
    a Brotli or gzip copy is sent to clients that accept it.
    """
    if not settings.SERVE_STATIC:
        return []
    files = ServeStaticASGI(None, root=settings.STATIC_ROOT, prefix=settings.STATIC_URL, max_age=3600)
    return [lean("static/<path:path>", files, "static")]


urlpatterns = [
    lean("tracks/<id:track_id>/lyrics/events", endpoints.lyric_events, "track-events"),
    lean("tracks/<id:track_id>/lyrics/text", endpoints.lyric_text, "track-text"),
    lean("tracks/<id:track_id>/audio", endpoints.track_audio, "track-audio"),
    lean("music/text", endpoints.music_text, "music-text"),
    lean("music/audio", endpoints.music_audio, "music-audio"),
    lean("stations/<slug:slug>/events", station_endpoints.station_events, "station-events"),
    lean("stations/<slug:slug>/text", station_endpoints.station_text, "station-text"),
    *_static_route(),
]


def http_routes(django_app: Callable[..., Awaitable[None]]) -> URLRouter:
    """The table: the lean endpoints first, Django's application last, matching everything."""
    return URLRouter([*urlpatterns, re_path(r"", cast(View, django_app))])


def stream_url(name: str, **kwargs: object) -> str:
    """The path of one of the routes above, e.g. ``stream_url("track-audio", track_id=1)``."""
    return reverse(name, urlconf=__name__, kwargs=kwargs)
