import asyncio

from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from project.limits import open_streams
from stations.fanout import listeners_here


async def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and operators: up, open streams and station listeners here, the loop's tasks."""
    return JsonResponse(
        {
            "status": "ok",
            "streams": open_streams.total,
            "station_listeners": listeners_here(),
            "tasks": len(asyncio.all_tasks()),
        }
    )


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("rest/", include("subsonic.urls")),
    path("", include("stations.urls")),
    path("", include("lyrics.urls")),
]
