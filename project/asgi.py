"""ASGI entry point: daphne serves this, in development and in production.

From the outside in: write backpressure (a slow reader slows the response,
not the server's memory), the station clocks' supervisor, then the one
routing table (``project.routing``): the lean endpoints, then Django.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
django_asgi_app = get_asgi_application()  # sets Django up before the imports below

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from project.backpressure import WriteBackpressure, check_daphne  # noqa: E402
from project.request_limits import limit_daphne_requests  # noqa: E402
from project.routing import http_routes  # noqa: E402
from stations.supervisor import StartStationClocks  # noqa: E402

http_app = http_routes(django_asgi_app)
if settings.STATIONS_CLOCK == "asgi":
    http_app = StartStationClocks(http_app)
if settings.WRITE_BACKPRESSURE:
    check_daphne()
    http_app = WriteBackpressure(http_app, stall_timeout_s=settings.WRITE_STALL_TIMEOUT_S)

application = ProtocolTypeRouter({"http": http_app})
limit_daphne_requests()  # body size and header/body deadlines, before daphne builds its server

# Everything loaded so far lives as long as the process: keep it out of the
# collector's full passes, which otherwise stall thousands of open streams.
gc.freeze()
