"""Every answer of the site is guarded the same way, lean endpoints and Django alike.

A table of every route (a test fails when a route is added without a row):
``Host: evil.example`` gets 400, plain HTTP with HTTPS on gets a redirect,
and every answer carries the CSP, X-Frame-Options, X-Content-Type-Options
and Referrer-Policy.
"""

import pytest
from django.urls import URLResolver, get_resolver

import project.routing
from lyrics.models import Track
from stations.models import Station
from tests.support.asgi import response_start

pytestmark = pytest.mark.django_db(transaction=True)

# route → a request to it ("{track}" and "{station}" are filled in); POST routes are asked with POST.
ROUTES = {
    "": "GET /",
    "healthz": "GET /healthz",
    "admin/": "GET /admin/",
    "rest/<path:name>": "GET /rest/ping.view?f=json",
    "stations/<slug:slug>/": "GET /stations/{station}/",
    "api/stations/<slug:slug>": "GET /api/stations/{station}",
    "api/stations/<slug:slug>/queue": "POST /api/stations/{station}/queue",
    "api/stations/<slug:slug>/queue/remove": "POST /api/stations/{station}/queue/remove",
    "api/stations/<slug:slug>/queue/move": "POST /api/stations/{station}/queue/move",
    "api/stations/<slug:slug>/loop": "POST /api/stations/{station}/loop",
    "api/stations/<slug:slug>/play": "POST /api/stations/{station}/play",
    "api/stations/<slug:slug>/skip": "POST /api/stations/{station}/skip",
    "api/stations/<slug:slug>/stop": "POST /api/stations/{station}/stop",
    "tracks/<id:track_id>/": "GET /tracks/{track}/",
    "tracks/<id:track_id>/lyrics.lrc": "GET /tracks/{track}/lyrics.lrc",
    "tracks/<id:track_id>/lyrics.vtt": "GET /tracks/{track}/lyrics.vtt",
    "tracks/<id:track_id>/sync": "GET /tracks/{track}/sync",
    "api/tracks": "GET /api/tracks",
    "api/tracks/<id:track_id>": "GET /api/tracks/{track}",
    "api/schema": "GET /api/schema",
    "api/get": "GET /api/get?track_name=a&artist_name=b",
    "api/get/<id:track_id>": "GET /api/get/{track}",
    "api/search": "GET /api/search?q=a",
    "api/request-challenge": "POST /api/request-challenge",
    "api/publish": "POST /api/publish",
    "api/flag": "POST /api/flag",
    # The lean endpoints (project/routing.py).
    "tracks/<id:track_id>/lyrics/events": "GET /tracks/{track}/lyrics/events",
    "tracks/<id:track_id>/lyrics/text": "GET /tracks/{track}/lyrics/text",
    "tracks/<id:track_id>/audio": "GET /tracks/{track}/audio",
    "music/text": "GET /music/text?track_id={track}",
    "music/audio": "GET /music/audio?track_id={track}",
    "stations/<slug:slug>/events": "GET /stations/{station}/events",
    "stations/<slug:slug>/text": "GET /stations/{station}/text",
    "static/<path:path>": "GET /static/lyrics/style.css",
}
HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy")


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) == "admin/":
                yield "admin/"  # Django's own admin: asked at its root
                continue
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def test_the_table_has_every_route_of_the_site():
    routes = set(_routes(get_resolver().url_patterns)) | {str(p.pattern) for p in project.routing.urlpatterns}
    assert routes == set(ROUTES), "add a row for each new route (and drop gone ones)"


@pytest.fixture
def filled():
    track = Track.objects.create(
        title="Guarded", lines=[{"index": 0, "time_ms": 0, "text": "a"}], synced=True
    )
    Station.objects.create(slug="radio", name="Radio")
    return lambda request: request.format(track=track.pk, station="radio").split(" ", 1)


async def ask(request, **headers):
    method, target = request
    path, _, query = target.partition("?")
    return await response_start(path, method=method, query=query, headers=headers)


@pytest.mark.parametrize("route", sorted(ROUTES))
async def test_a_foreign_host_is_refused_on_every_route(filled, route):
    answer = await ask(filled(ROUTES[route]), host="evil.example")
    assert answer.status == 400, route


@pytest.mark.parametrize("route", sorted(ROUTES))
async def test_every_answer_carries_the_security_headers(filled, route):
    answer = await ask(filled(ROUTES[route]))
    assert answer.status < 500, route
    missing = [name for name in HEADERS if name not in answer.headers]
    assert not missing, (route, answer.status, missing)
    assert answer.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in answer.headers["content-security-policy"]


@pytest.mark.parametrize("route", sorted(ROUTES))
async def test_with_https_on_plain_http_is_redirected_on_every_route(filled, settings, route):
    settings.SECURE_SSL_REDIRECT = True
    answer = await ask(filled(ROUTES[route]))
    assert answer.status == 301, route
    assert answer.headers["location"].startswith("https://testserver/"), route
