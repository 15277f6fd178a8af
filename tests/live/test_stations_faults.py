"""Stations under faults: a clock killed inside a step, listeners joining a takeover, a burst of joins."""

import asyncio
import signal
import time

import httpx
import pytest

from tests.support.servers import Project, start_daphne
from tests.support.stations import (
    Listener,
    clock_holder,
    kill_the_clock_mid_song,
    play,
    station_project,
)

pytestmark = pytest.mark.live


@pytest.fixture
def servers_factory(tmp_path, postgres_url):
    started = []

    def start(**env):
        project, slug, track_id = station_project(tmp_path, postgres_url, **env)
        servers = [start_daphne(project), start_daphne(project)]
        started.extend(servers)
        return servers, slug, track_id

    yield start
    for server in started:
        server.stop()


def test_a_kill_between_storing_a_line_and_publishing_it_loses_and_repeats_nothing(servers_factory):
    # Fault injection: every clock step waits 0.3 s between its commit (the line
    # stored, the station row recording it) and its publish; the kill lands there.
    servers, slug, track_id = servers_factory(lines=30, step_ms=500, STATIONS_FAULT_PUBLISH_DELAY_S="0.3")
    urls = [f"{s.url}/stations/{slug}/events" for s in servers]
    listeners = [Listener(urls) for _ in range(3)] + [Listener(urls[::-1]) for _ in range(3)]
    for listener in listeners:
        assert listener.connected.wait(10)
    play(servers[0], slug, track_id)
    seen = {}

    def inside_the_window(log: str) -> bool:
        count = log.count("fault injection")
        seen.setdefault("before", count)
        return count > seen["before"]

    holder = kill_the_clock_mid_song(servers, listeners, after_lines=10, when=inside_the_window)
    for listener in listeners:
        assert listener.lines == list(range(30)), "every line exactly once, in order"
    survivor = servers[1 - holder]
    assert "station clock started" in survivor.log()


def test_listeners_joining_the_survivor_during_a_takeover_get_lines_in_order(servers_factory):
    servers, slug, track_id = servers_factory(lines=60, step_ms=250)
    play(servers[0], slug, track_id)
    time.sleep(5)  # about line 18
    holder = clock_holder(servers)
    survivor = servers[1 - holder]
    servers[holder].stop(signal.SIGKILL)
    joiners = []
    for _ in range(4):  # joins before, during and after the takeover (the lease is 1.5 s)
        joiners += [Listener([f"{survivor.url}/stations/{slug}/events"]) for _ in range(5)]
        time.sleep(0.5)
    for joiner in joiners:
        joiner.join(timeout=40)
    for joiner in joiners:
        first = joiner.lines[0]
        assert joiner.lines == list(range(first, 60)), "in order from the line it joined at, none twice"


def test_station_streams_from_one_address_stop_at_the_per_client_limit(tmp_path):
    project = Project(var_dir=tmp_path / "var")  # the default limit: 64 per client
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    create = "from stations.models import Station; Station.objects.create(slug='r', name='R')"
    project.manage("shell", "-c", create)
    server = start_daphne(project)

    async def burst() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=200)
        async with httpx.AsyncClient(timeout=20, limits=limits) as client:
            opened = await asyncio.gather(
                *(
                    client.send(client.build_request("GET", f"{server.url}/stations/r/events"), stream=True)
                    for _ in range(150)
                )
            )
            for response in opened:
                await response.aclose()
            return opened

    try:
        answers = asyncio.run(burst())
    finally:
        server.stop()
    statuses = [answer.status_code for answer in answers]
    assert statuses.count(200) == 64
    assert statuses.count(429) == 86
    assert all(5 <= int(a.headers["retry-after"]) <= 15 for a in answers if a.status_code == 429)
