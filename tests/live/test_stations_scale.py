"""Stations past one process: two daphne processes, real Redis, real PostgreSQL."""

import json
import signal
import threading
import time
import uuid

import httpx
import pytest
from httpx_sse import connect_sse

from tests.support.pushpin import PUSHPIN, start_pushpin
from tests.support.servers import Project, free_port, start_daphne
from tests.support.services import require_binary, require_service

pytestmark = pytest.mark.live

TOKEN = "scale-test-token"
EVENTS = 100
STEP_MS = 60


class Listener(threading.Thread):
    """Follows a station through several servers: on a cut, reconnects to the next with Last-Event-ID."""

    def __init__(self, urls: list[str]) -> None:
        super().__init__(daemon=True)
        self.urls = urls
        self.lines: list[int] = []
        self.connected = threading.Event()
        self.reconnects = 0
        self.start()

    def run(self) -> None:
        last_id, deadline, attempt = None, time.monotonic() + 60, 0
        while time.monotonic() < deadline:
            url = self.urls[attempt % len(self.urls)]
            headers = {"Last-Event-ID": last_id} if last_id else {}
            try:
                with (
                    httpx.Client(timeout=30) as client,
                    connect_sse(client, "GET", url, headers=headers) as source,
                ):
                    self.connected.set()
                    for sse in source.iter_sse():
                        if sse.event == "line":
                            self.lines.append(json.loads(sse.data)["index"])
                        if sse.id:
                            last_id = sse.id
                        if sse.event == "stop" and self.lines:
                            return
            except httpx.TransportError:
                pass
            attempt += 1
            self.reconnects += 1
            time.sleep(0.1)


def station_project(tmp_path, postgres_url, **extra_env) -> tuple[Project, str, int]:
    """PostgreSQL, Redis, a station and a 100-line track, for several daphne processes."""
    require_service("Redis", "127.0.0.1", 6379)
    slug = f"radio-{uuid.uuid4().hex[:8]}"  # Redis pub/sub is shared by every test run on the machine
    env = {
        "DATABASE_URL": postgres_url,
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "STATIONS_API_TOKEN": TOKEN,
        "STATIONS_LEASE_S": "1.5",
        **extra_env,
    }
    project = Project(var_dir=tmp_path / "var", env=env)
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    lines = [{"index": i, "time_ms": 500 + i * STEP_MS, "text": f"줄 {i}"} for i in range(EVENTS)]
    track_id = project.create_track(
        title="Everywhere", synced=True, lines=lines, duration_ms=1000 + EVENTS * STEP_MS
    )
    create = f"from stations.models import Station; Station.objects.create(slug='{slug}', name='R')"
    project.manage("shell", "-c", create)
    return project, slug, track_id


@pytest.fixture
def two_servers(tmp_path, postgres_url):
    project, slug, track_id = station_project(tmp_path, postgres_url)
    servers = [start_daphne(project), start_daphne(project)]
    yield servers, slug, track_id
    for server in servers:
        server.stop()


def kill_the_clock_mid_song(servers, listeners) -> int:
    """SIGKILL the process running the station's clock once every listener has 20 lines; wait for the rest."""
    deadline = time.monotonic() + 20
    while min(len(listener.lines) for listener in listeners) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    holder = next(i for i, server in enumerate(servers) if "station clock started" in server.log())
    servers[holder].stop(signal.SIGKILL)
    for listener in listeners:
        listener.join(timeout=40)
    return holder


def play(server, slug: str, track_id: int) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert httpx.post(
        f"{server.url}/api/stations/{slug}/queue", json={"track_ids": [track_id]}, headers=auth
    ).is_success
    assert httpx.post(f"{server.url}/api/stations/{slug}/play", headers=auth).is_success


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
