"""Pushpin in front of two daphne processes with nginx between them (deploy/nginx/byeol-origin.conf):
joins are spread over both, a dead process's share goes to the other, and a station's ``listeners``
event counts the listeners Pushpin holds."""

import json
import signal
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from httpx_sse import connect_sse

from tests.support.nginx import NGINX
from tests.support.pushpin import PUSHPIN, start_origin, start_pushpin
from tests.support.servers import free_port, start_daphne
from tests.support.services import require_binary
from tests.support.stations import play, station_project

pytestmark = pytest.mark.live

JOINS = 100


@pytest.fixture
def spread(tmp_path, postgres_url):
    require_binary(PUSHPIN, "pushpin")
    require_binary(NGINX, "nginx-light")
    ports = [free_port(), free_port()]
    origin = start_origin(tmp_path / "nginx", upstream_ports=ports)
    pushpin = start_pushpin(upstream_ports=[origin.port])
    # A slow song (40 lines, one every 0.5 s): the station is still playing when the count comes.
    project, slug, track_id = station_project(
        tmp_path, postgres_url, lines=40, step_ms=500, GRIP_URL=pushpin.grip_url
    )
    servers = [start_daphne(project, port=port) for port in ports]
    yield pushpin, servers, slug, track_id
    for server in servers:
        server.stop()
    pushpin.stop()
    origin.stop()


def join(url: str) -> int:
    """One listener joining: the status, once the opening has come; then it leaves."""
    with httpx.stream("GET", url, timeout=10) as response:
        if response.status_code != 200:
            return response.status_code
        received = b""
        for chunk in response.iter_raw():
            received += chunk
            if b"event: stop" in received:  # the station is not playing: its opening says so
                return 200
    return 0


def joins_served(server, slug: str) -> int:
    """The joins this daphne process answered (its access log; Pushpin's recoveries not counted)."""
    return server.log().count(f'"GET /stations/{slug}/events" 200')


def join_many(url: str, count: int) -> list[int]:
    with ThreadPoolExecutor(10) as pool:
        return list(pool.map(join, [url] * count))


def test_joins_through_pushpin_are_spread_over_both_processes(spread):
    pushpin, servers, slug, _ = spread
    statuses = join_many(f"{pushpin.url}/stations/{slug}/events", JOINS)
    assert statuses == [200] * JOINS
    served = [joins_served(server, slug) for server in servers]
    assert sum(served) == JOINS
    assert min(served) >= JOINS * 0.3, f"joins served per process: {served}"


def test_with_one_process_killed_every_join_is_still_answered(spread):
    pushpin, servers, slug, _ = spread
    url = f"{pushpin.url}/stations/{slug}/events"
    assert join_many(url, 10) == [200] * 10  # both processes are in nginx's keep-alive pool
    servers[0].stop(signal.SIGKILL)
    before = joins_served(servers[1], slug)
    statuses = join_many(url, JOINS)
    assert statuses == [200] * JOINS, "every join answered while a process is dead"
    assert joins_served(servers[1], slug) - before == JOINS, "the survivor answered them all"


class CountWatcher(threading.Thread):
    """A listener through Pushpin that notes the counts in the station's ``listeners`` events."""

    def __init__(self, url: str, want: int) -> None:
        super().__init__(daemon=True)
        self.url, self.want = url, want
        self.counts: list[int] = []
        self.connected = threading.Event()
        self.start()

    def run(self) -> None:
        with httpx.Client(timeout=30) as client, connect_sse(client, "GET", self.url) as source:
            self.connected.set()
            for sse in source.iter_sse():
                if sse.event == "listeners":
                    self.counts.append(json.loads(sse.data)["count"])
                    if self.counts[-1] == self.want:
                        return


def test_the_listeners_event_counts_the_listeners_pushpin_holds(spread):
    pushpin, servers, slug, track_id = spread
    watchers = [CountWatcher(f"{pushpin.url}/stations/{slug}/events", 30) for _ in range(30)]
    for watcher in watchers:
        assert watcher.connected.wait(10)
    play(servers[0], slug, track_id)
    for watcher in watchers:
        watcher.join(timeout=20)
    assert all(watcher.counts[-1:] == [30] for watcher in watchers), [w.counts for w in watchers]
    assert [httpx.get(f"{s.url}/healthz").json()["station_listeners"] for s in servers] == [0, 0], (
        "Pushpin, not Django, holds them: the 30 came from its stats"
    )
    assert any("pushpin stats followed" in server.log() for server in servers)
