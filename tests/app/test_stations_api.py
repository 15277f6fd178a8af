"""The staff-only control API: sessions with CSRF, or a token; clear JSON errors."""

import json

import pytest
from django.test import Client

from lyrics.models import Track
from lyrics.services import track_lyrics_set
from stations.models import Station

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def station():
    return Station.objects.create(slug="radio", name="Radio")


@pytest.fixture
def track():
    song = Track(title="Song", duration_ms=3000)
    track_lyrics_set(track=song, text="[00:00.50]a\n[00:01.00]b", source="test", save=False)
    song.save()
    return song


def post(client, url, body=None, **headers):
    return client.post(
        url, json.dumps(body) if body is not None else "", content_type="application/json", **headers
    )


def test_anonymous_requests_are_refused(client, station):
    response = post(client, "/api/stations/radio/play")
    assert response.status_code == 403
    assert response.json()["error"]


def test_staff_need_the_csrf_token(admin_user, station, track):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert post(client, "/api/stations/radio/queue", {"track_ids": [track.pk]}).status_code == 403
    client.get("/admin/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = post(client, "/api/stations/radio/queue", {"track_ids": [track.pk]}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert response.json()["queue"] == [track.pk]


def test_non_staff_users_are_refused(django_user_model, station):
    user = django_user_model.objects.create_user("listener", password="pw")
    client = Client()
    client.force_login(user)
    assert post(client, "/api/stations/radio/play").status_code == 403


def test_the_api_token_plays_skips_and_stops(client, settings, station, track):
    settings.STATIONS_API_TOKEN = "s3cret"
    auth = {"HTTP_AUTHORIZATION": "Bearer s3cret"}
    assert post(client, "/api/stations/radio/play", **auth).status_code == 400, "nothing queued yet"
    post(client, "/api/stations/radio/queue", {"track_ids": [track.pk, track.pk]}, **auth)
    playing = post(client, "/api/stations/radio/play", **auth).json()
    assert playing["playing"] is True
    assert playing["track"]["id"] == track.pk
    assert playing["queue"] == [track.pk]
    skipped = post(client, "/api/stations/radio/skip", **auth).json()
    assert (skipped["playing"], skipped["queue"]) == (True, [])
    stopped = post(client, "/api/stations/radio/stop", **auth).json()
    assert (stopped["playing"], stopped["track"]) == (False, None)


@pytest.mark.parametrize(
    "body",
    [None, {}, {"track_ids": []}, {"track_ids": "1"}, {"track_ids": [1.5]}, {"track_ids": [True]}, {"x": 1}],
)
def test_bad_queue_bodies_get_400(client, settings, station, body):
    settings.STATIONS_API_TOKEN = "s3cret"
    response = post(client, "/api/stations/radio/queue", body, HTTP_AUTHORIZATION="Bearer s3cret")
    assert response.status_code == 400
    assert response.json()["error"]


def test_unknown_tracks_stations_and_tokens(client, settings, station):
    settings.STATIONS_API_TOKEN = "s3cret"
    auth = {"HTTP_AUTHORIZATION": "Bearer s3cret"}
    assert post(client, "/api/stations/radio/queue", {"track_ids": [424242]}, **auth).status_code == 400
    assert post(client, "/api/stations/nowhere/play", **auth).status_code == 404
    assert post(client, "/api/stations/radio/play", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/api/stations/radio/play", **auth).status_code == 405


def test_no_token_configured_means_tokens_are_refused(client, settings, station):
    settings.STATIONS_API_TOKEN = ""
    assert post(client, "/api/stations/radio/play", HTTP_AUTHORIZATION="Bearer ").status_code == 403
