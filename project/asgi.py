"""ASGI entry point: daphne serves this, in development and in production.

From the outside in: write backpressure (a slow reader slows the response,
not the server's memory), the lean lyric-stream path, static files, then
Django, whose stream routes skip the per-request thread context.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
django_asgi_app = get_asgi_application()  # sets Django up before the imports below

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from lyrics.asgi_streams import LyricStreams  # noqa: E402
from project.backpressure import WriteBackpressure  # noqa: E402
from project.streaming import RouteStreams, StreamASGIHandler  # noqa: E402
from stations.supervisor import StartStationClocks  # noqa: E402

django_app = RouteStreams(django_asgi_app, StreamASGIHandler())
# Static files come from the app itself unless a front proxy serves STATIC_ROOT.
http_app = ASGIStaticFilesHandler(django_app) if settings.SERVE_STATIC else django_app

http_app = LyricStreams(http_app)
if settings.STATIONS_CLOCK == "asgi":
    http_app = StartStationClocks(http_app)
if settings.WRITE_BACKPRESSURE:
    http_app = WriteBackpressure(http_app, stall_timeout_s=settings.WRITE_STALL_TIMEOUT_S)

application = ProtocolTypeRouter({"http": http_app})

# Everything loaded so far lives as long as the process: keep it out of the
# collector's full passes, which otherwise stall thousands of open streams.
gc.freeze()
