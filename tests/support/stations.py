"""Station helpers for live tests: a project on PostgreSQL and Redis, listeners that follow across servers."""

from __future__ import annotations

import json
import signal
import threading
import time
import uuid

import httpx
from httpx_sse import connect_sse

from tests.support.servers import Project
from tests.support.services import require_service

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


def station_project(
    tmp_path, postgres_url, *, lines: int = EVENTS, step_ms: int = STEP_MS, **extra_env
) -> tuple[Project, str, int]:
    """PostgreSQL, Redis, a station and a track of ``lines`` lines, for several daphne processes."""
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
    timed = [{"index": i, "time_ms": 500 + i * step_ms, "text": f"줄 {i}"} for i in range(lines)]
    track_id = project.create_track(
        title="Everywhere", synced=True, lines=timed, duration_ms=1000 + lines * step_ms
    )
    create = f"from stations.models import Station; Station.objects.create(slug='{slug}', name='R')"
    project.manage("shell", "-c", create)
    return project, slug, track_id


def clock_holder(servers) -> int:
    return next(i for i, server in enumerate(servers) if "station clock started" in server.log())


def kill_the_clock_mid_song(servers, listeners, *, after_lines: int = 20, when=None) -> int:
    """SIGKILL the process running the station's clock once every listener has ``after_lines`` lines
    (and ``when(log)`` holds for its log, if given); wait for the listeners to finish."""
    deadline = time.monotonic() + 30
    while min(len(listener.lines) for listener in listeners) < after_lines and time.monotonic() < deadline:
        time.sleep(0.05)
    holder = clock_holder(servers)
    while when is not None and not when(servers[holder].log()) and time.monotonic() < deadline:
        time.sleep(0.01)
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
