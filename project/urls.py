import asyncio

from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path


async def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and operators: up, open streams and listeners, the event loop's tasks."""
    from django_eventstream.views import get_listener_manager

    from lyrics.lyric_streams import open_streams

    by_channel = get_listener_manager().listeners_by_channel
    station_listeners = len(set().union(*by_channel.values())) if by_channel else 0
    return JsonResponse(
        {
            "status": "ok",
            "streams": open_streams.total,
            "station_listeners": station_listeners,
            "tasks": len(asyncio.all_tasks()),
        }
    )


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("stations.urls")),
    path("", include("lyrics.urls")),
]
