import asyncio
import ipaddress

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.http import require_safe

from project.clients import client_ip
from project.limits import open_streams
from stations.fanout import listeners_here


def _healthz_allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # a dual-stack listener's view of an IPv4 client
    return any(ip in network for network in settings.HEALTHZ_ALLOW)


@require_safe
async def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and operators: up, open streams and station listeners here, the loop's tasks.

    Everyone may read it unless ``HEALTHZ_ALLOW`` names who may (403 for the others).
    """
    if settings.HEALTHZ_ALLOW and not _healthz_allowed(client_ip(request)):
        return JsonResponse({"error": "forbidden"}, status=403)
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
