"""Stations past one process: two daphne processes, real Redis, real PostgreSQL."""

import time

import httpx
import pytest

from tests.support.pushpin import PUSHPIN, start_pushpin
from tests.support.servers import free_port, start_daphne
from tests.support.services import require_binary
from tests.support.stations import EVENTS, Listener, kill_the_clock_mid_song, play, station_project

pytestmark = pytest.mark.live


@pytest.fixture
def two_servers(tmp_path, postgres_url):
    project, slug, track_id = station_project(tmp_path, postgres_url)
    servers = [start_daphne(project), start_daphne(project)]
    yield servers, slug, track_id
    for server in servers:
        server.stop()


def test_listeners_on_both_processes_get_all_100_lines_in_order(two_servers):
    servers, slug, track_id = two_servers
    listeners = [Listener([f"{s.url}/stations/{slug}/events"]) for s in servers for _ in range(3)]
    for listener in listeners:
        assert listener.connected.wait(10)
    play(
        servers[1], slug, track_id
    )  # the control request lands on one process; the clock may run on the other
    for listener in listeners:
        listener.join(timeout=40)
    for listener in listeners:
        assert listener.lines == list(range(EVENTS))
    clocks = sum(server.log().count("station clock started") for server in servers)
    assert clocks == 1, "exactly one clock for the station"


def test_a_killed_process_s_listeners_reconnect_to_the_other_and_miss_nothing(two_servers):
    servers, slug, track_id = two_servers
    urls = [f"{s.url}/stations/{slug}/events" for s in servers]
    listeners = [Listener(urls) for _ in range(3)] + [Listener(urls[::-1]) for _ in range(3)]
    for listener in listeners:
        assert listener.connected.wait(10)
    play(servers[0], slug, track_id)
    holder = kill_the_clock_mid_song(servers, listeners)
    for listener in listeners:
        assert listener.lines == list(range(EVENTS)), "nothing missed, nothing repeated"
    survivor = servers[1 - holder]
    assert "station clock started" in survivor.log(), "the surviving process took the clock over"
    moved = listeners[:3] if holder == 0 else listeners[3:]
    assert all(listener.reconnects for listener in moved), "the killed process's listeners moved over"


@pytest.fixture
def behind_pushpin(tmp_path, postgres_url):
    require_binary(PUSHPIN, "pushpin")
    ports = [free_port(), free_port()]
    pushpin = start_pushpin(upstream_ports=ports)
    project, slug, track_id = station_project(tmp_path, postgres_url, GRIP_URL=pushpin.grip_url)
    servers = [start_daphne(project, port=port) for port in ports]
    yield pushpin, servers, slug, track_id
    for server in servers:
        server.stop()
    pushpin.stop()


def held_listeners(server) -> int:
    """Station listeners whose connection this daphne process holds itself."""
    return httpx.get(f"{server.url}/healthz").json()["station_listeners"]


def test_through_pushpin_django_holds_no_listener_and_a_kill_loses_nothing(behind_pushpin):
    pushpin, servers, slug, track_id = behind_pushpin
    listeners = [Listener([f"{pushpin.url}/stations/{slug}/events"]) for _ in range(30)]
    for listener in listeners:
        assert listener.connected.wait(10)
    time.sleep(0.5)
    assert [held_listeners(server) for server in servers] == [0, 0], (
        "Pushpin, not Django, holds the 30 listeners"
    )
    play(servers[0], slug, track_id)
    kill_the_clock_mid_song(servers, listeners)
    for listener in listeners:
        assert listener.lines == list(range(EVENTS)), "every listener, every line, in order, once"
    assert all(listener.reconnects == 0 for listener in listeners), "Pushpin kept every listener connected"
