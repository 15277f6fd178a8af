"""Running a station from its page: who may, the queue's edits, loop, the cap, the demo command."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from lyrics.models import Track
from lyrics.services import track_lyrics_set
from stations.control import MAX_QUEUE
from stations.models import QueueEntry, Station

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def station():
    return Station.objects.create(slug="radio", name="Radio")


def make_track(title: str, *, audio: bool = True) -> Track:
    song = Track(
        title=title, artist="Tester", duration_ms=3000, audio_path=f"/music/{title}.mp3" if audio else ""
    )
    track_lyrics_set(track=song, text="[00:00.50]a\n[00:01.00]b", source="test", save=False)
    song.save()
    return song


@pytest.fixture
def tracks():
    return [make_track(title) for title in ("One", "Two", "Three")]


def staff_client(django_user_model, *, permitted: bool) -> Client:
    user = django_user_model.objects.create_user("dj", password="pw", is_staff=True)
    if permitted:
        user.user_permissions.add(
            Permission.objects.get(codename="change_station", content_type__app_label="stations")
        )
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def post(client: Client, path: str, body: dict | None = None):
    """A control request as the station page sends it: JSON, the CSRF token from the cookie."""
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(
        f"/api/stations/radio{path}",
        json.dumps(body or {}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )


@pytest.fixture
def dj(django_user_model, station):
    client = staff_client(django_user_model, permitted=True)
    client.get("/stations/radio/")  # renders {% csrf_token %}: sets the cookie
    return client


def entries(station: Station) -> list[tuple[int, str]]:
    return [(entry.pk, entry.track.title) for entry in station.queue.select_related("track")]


def test_staff_without_the_station_permission_are_refused(django_user_model, station, tracks):
    client = staff_client(django_user_model, permitted=False)
    page = client.get("/stations/radio/")
    assert 'id="station-controls"' not in page.content.decode()
    response = post(client, "/queue", {"track_ids": [tracks[0].pk]})
    assert response.status_code == 403
    assert "stations.change_station" in response.json()["error"]
    assert not station.queue.exists()


def test_the_permission_shows_the_controls_and_lets_the_page_queue(dj, station, tracks):
    page = dj.get("/stations/radio/").content.decode()
    assert 'id="station-controls"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    response = post(dj, "/queue", {"track_ids": [tracks[0].pk, tracks[1].pk]})
    assert response.status_code == 200
    assert response.json()["queue"] == [tracks[0].pk, tracks[1].pk]
    assert [e["track"]["title"] for e in response.json()["entries"]] == ["One", "Two"]


def test_listeners_see_no_controls(client, station):
    page = client.get("/stations/radio/").content.decode()
    assert 'id="station-controls"' not in page
    assert "csrfmiddlewaretoken" not in page
    assert 'id="up-next"' in page
    assert 'id="listener-count"' in page


def test_remove_takes_one_entry_out_of_the_queue(dj, station, tracks):
    post(dj, "/queue", {"track_ids": [t.pk for t in tracks]})
    (one, _), (two, _), (three, _) = entries(station)
    response = post(dj, "/queue/remove", {"entry": two})
    assert response.status_code == 200
    assert [e["entry"] for e in response.json()["entries"]] == [one, three]
    again = post(dj, "/queue/remove", {"entry": two})
    assert again.status_code == 400
    assert f"no entry {two}" in again.json()["error"]


def test_move_puts_an_entry_at_a_place_in_the_queue(dj, station, tracks):
    post(dj, "/queue", {"track_ids": [t.pk for t in tracks]})
    (one, _), _, (three, _) = entries(station)
    assert post(dj, "/queue/move", {"entry": three, "index": 0}).json()["queue"] == [
        tracks[2].pk,
        tracks[0].pk,
        tracks[1].pk,
    ]
    post(dj, "/queue/move", {"entry": three, "index": 1})  # down one, as the page's ↓ does
    assert [title for _, title in entries(station)] == ["One", "Three", "Two"]
    post(dj, "/queue/move", {"entry": one, "index": 99})  # past the end: last
    assert [title for _, title in entries(station)] == ["Three", "Two", "One"]
    assert post(dj, "/queue/move", {"entry": one, "index": -1}).status_code == 400


def test_loop_is_a_toggle_the_state_reports(dj, station, client):
    assert post(dj, "/loop", {"loop": True}).json()["loop"] is True
    assert client.get("/api/stations/radio").json()["loop"] is True
    assert post(dj, "/loop", {"loop": False}).json()["loop"] is False
    assert post(dj, "/loop", {"loop": "yes"}).status_code == 400


def test_a_queue_holds_at_most_500_tracks(dj, station, tracks):
    QueueEntry.objects.bulk_create(
        QueueEntry(station=station, track=tracks[0], position=i) for i in range(1, MAX_QUEUE)
    )
    assert post(dj, "/queue", {"track_ids": [tracks[1].pk]}).status_code == 200
    response = post(dj, "/queue", {"track_ids": [tracks[2].pk]})
    assert response.status_code == 400
    assert response.json()["error"] == "a queue holds at most 500 tracks"
    assert station.queue.count() == MAX_QUEUE


def test_the_library_and_the_player_offer_add_to_station_to_those_who_may(dj, client, station, tracks):
    for path in ("/", f"/tracks/{tracks[0].pk}/"):
        staff_page = dj.get(path).content.decode()
        assert 'class="add-to-station"' in staff_page, path
        assert "/api/stations/radio/queue" in staff_page
        assert "stations/add" in staff_page
        assert 'class="add-to-station"' not in client.get(path).content.decode(), path


def test_with_several_stations_the_pages_offer_a_picker(dj, station, tracks):
    Station.objects.create(slug="jazz", name="Jazz")
    page = dj.get("/").content.decode()
    assert 'class="station-picker"' in page
    assert "/api/stations/jazz/queue" in page


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo_station", *args, stdout=out)
    return out.getvalue()


def test_demo_station_plays_every_track_with_audio_on_a_loop_and_is_idempotent():
    one, two = make_track("One"), make_track("Two")
    make_track("Lyrics only", audio=False)
    run_demo()
    station = Station.objects.get(slug="radio")
    assert station.name == "Byeol Radio"
    assert (station.playing, station.loop, station.current_track_id) == (True, True, one.pk)
    assert list(station.queue.values_list("track_id", flat=True)) == [two.pk]
    started_at = station.started_at

    assert "already playing" in run_demo()
    station.refresh_from_db()
    assert station.started_at == started_at, "a playing station is left alone"
    assert list(station.queue.values_list("track_id", flat=True)) == [two.pk]
    assert Station.objects.count() == 1


def test_demo_station_resumes_a_station_a_stopped_server_left_playing_with_the_next_track():
    one, two = make_track("One"), make_track("Two")
    run_demo("--slug", "demo")
    Station.objects.filter(slug="demo").update(started_at=timezone.now() - timedelta(days=1))
    run_demo("--slug", "demo")
    station = Station.objects.get(slug="demo")
    assert station.current_track_id == two.pk
    assert timezone.now() - station.started_at < timedelta(seconds=5)
    assert list(station.queue.values_list("track_id", flat=True)) == [one.pk], "round and round"


def test_demo_station_without_audio_creates_the_station_and_says_what_to_do():
    make_track("Lyrics only", audio=False)
    out = run_demo()
    assert "import_library" in out
    station = Station.objects.get(slug="radio")
    assert not station.playing


def test_demo_station_tops_up_a_stopped_station_without_duplicates(station):
    one, two = make_track("One"), make_track("Two")
    QueueEntry.objects.create(station=station, track=two, position=1)
    run_demo()
    station.refresh_from_db()
    assert station.current_track_id == two.pk, "what was queued plays first"
    assert list(station.queue.values_list("track_id", flat=True)) == [one.pk]
