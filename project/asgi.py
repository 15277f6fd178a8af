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
from django.urls import get_resolver  # noqa: E402

from project.backpressure import WriteBackpressure, check_daphne  # noqa: E402
from project.request_limits import limit_daphne_requests  # noqa: E402
from project.routing import http_routes  # noqa: E402
from stations.supervisor import StartStationClocks  # noqa: E402

http_app = http_routes(django_asgi_app)
# Import the URLconf and build its reverse tables now: the first stream's
# reverse() did it, in a thread holding the GIL, and every open stream waited
# (about 200 ms, seen as the first-event p99 at 1,000 streams).
get_resolver().reverse_dict  # noqa: B018
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
# Each open lyric stream is about 120 objects that live as long as the song.
# A full pass walks all of them: with 3,000 streams opening, Python ran seven,
# of 44-283 ms each, and every stream stalled for each (jitter p99 390 ms; 160
# ms without them). It runs one after 10 younger passes once the long-lived
# objects have grown by a quarter; here only after 1,000. The young passes,
# which reclaim short-lived cycles, are unchanged. benchmarks/README.md has
# the figures.
FULL_COLLECTION_AFTER = 1000  # younger passes before a full one (Python's default: 10)
gc.set_threshold(700, 10, FULL_COLLECTION_AFTER)
