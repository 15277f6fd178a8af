"""A station in the embedded deployment: one daphne process, no Redis."""

import json
import threading
import time

import httpx
import pytest
from httpx_sse import connect_sse

from tests.support.servers import Project, free_port, start_daphne

pytestmark = pytest.mark.live

TOKEN = "station-test-token"
LINES = 10
STEP_MS = 300


def setup_station(project: Project) -> int:
    lines = [{"index": i, "time_ms": 200 + i * STEP_MS, "text": f"줄 {i}"} for i in range(LINES)]
    track_id = project.create_track(
        title="On air", synced=True, lines=lines, duration_ms=200 + LINES * STEP_MS
    )
    project.manage(
        "shell",
        "-c",
        "from stations.models import Station; Station.objects.create(slug='radio', name='Radio')",
    )
    return track_id


@pytest.fixture
def station_project(tmp_path):
    project = Project(var_dir=tmp_path / "var", env={"STATIONS_API_TOKEN": TOKEN, "STATIONS_LEASE_S": "3"})
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    return project, setup_station(project)


def control(server, action: str, body: dict | None = None) -> dict:
    response = httpx.post(
        f"{server.url}/api/stations/radio/{action}", json=body, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 200, response.text
    return response.json()


class Listener(threading.Thread):
    """An SSE client recording (event, data, id, seconds since start) until `stop`."""

    def __init__(self, url: str, headers: dict | None = None, *, max_lines: int | None = None) -> None:
        super().__init__(daemon=True)
        self.url, self.headers, self.max_lines = url, headers or {}, max_lines
        self.events: list[tuple[str, dict, str, float]] = []
        self.connected = threading.Event()
        self.start()

    def run(self) -> None:
        started = time.monotonic()
        with (
            httpx.Client(timeout=30) as client,
            connect_sse(client, "GET", self.url, headers=self.headers) as source,
        ):
            self.connected.set()
            for sse in source.iter_sse():
                if sse.event in ("track", "line", "stop"):
                    self.events.append((sse.event, json.loads(sse.data), sse.id, time.monotonic() - started))
                if sse.event == "stop" and any(event != "stop" for event, _, _, _ in self.events):
                    return  # the song played and the station stopped (a stopped station opens with `stop`)
                if self.max_lines and len(self.lines()) >= self.max_lines:
                    return

    def lines(self) -> list[int]:
        return [data["index"] for event, data, _, _ in self.events if event == "line"]


def test_every_listener_hears_the_same_song_and_a_late_joiner_catches_up_at_once(station_project):
    project, track_id = station_project
    server = start_daphne(project)
    try:
        url = f"{server.url}/stations/radio/events"
        early = [Listener(url), Listener(url)]
        for listener in early:
            assert listener.connected.wait(10)
        control(server, "queue", {"track_ids": [track_id]})
        control(server, "play")
        time.sleep(1.3)
        late = Listener(url)
        for listener in [*early, late]:
            listener.join(timeout=30)
        for listener in early:
            assert [e for e, _, _, _ in listener.events][:2] == ["stop", "track"], (
                "it opened stopped, then played"
            )
            assert listener.lines() == list(range(LINES)), "every line, in order, once"
            assert listener.events[-1][0] == "stop", "the queue ran out: the station stopped"
        first_event, first_data, _, _ = late.events[0]
        assert first_event == "track"
        assert first_data["position_ms"] >= 1000, "the late joiner learns where the song stands"
        assert first_data["audio_url"] is None or first_data["audio_url"].endswith("/audio")
        second_event, second_data, _, second_at = late.events[1]
        assert second_event == "line"
        assert second_at < 0.5, "the current line comes at once, not at the next line's time"
        assert late.lines() == list(range(second_data["index"], LINES))
    finally:
        server.stop()


def test_last_event_id_replays_what_a_listener_missed(station_project):
    project, track_id = station_project
    server = start_daphne(project)
    try:
        url = f"{server.url}/stations/radio/events"
        first = Listener(url, max_lines=3)
        assert first.connected.wait(10)
        control(server, "queue", {"track_ids": [track_id]})
        control(server, "play")
        first.join(timeout=30)
        last_id = [i for e, _, i, _ in first.events if e == "line"][-1]
        time.sleep(1.0)  # lines go by while this listener is away
        back = Listener(url, {"Last-Event-ID": last_id})
        back.join(timeout=30)
        assert first.lines() + back.lines() == list(range(LINES))
    finally:
        server.stop()


def test_a_playing_station_carries_on_along_its_clock_after_a_restart(station_project):
    project, track_id = station_project
    port = free_port()
    server = start_daphne(project, port=port)
    url = f"{server.url}/stations/radio/events"
    try:
        first = Listener(url, max_lines=3)
        assert first.connected.wait(10)
        control(server, "queue", {"track_ids": [track_id]})
        started_at = control(server, "play")["started_at"]
        first.join(timeout=30)
    finally:
        server.stop()
    server = start_daphne(project, port=port)
    try:
        last_id = [i for e, _, i, _ in first.events if e == "line"][-1]
        back = Listener(url, {"Last-Event-ID": last_id})
        back.join(timeout=30)
        assert first.lines() + back.lines() == list(range(LINES)), "nothing lost, nothing repeated"
        state = httpx.get(f"{server.url}/healthz")
        assert state.status_code == 200
        assert started_at  # the same clock: the track was not restarted
        assert all(data.get("track_id", track_id) == track_id for _, data, _, _ in back.events)
    finally:
        server.stop()


def test_unknown_station_events_are_a_json_404(station_project):
    project, _ = station_project
    server = start_daphne(project)
    try:
        response = httpx.get(f"{server.url}/stations/nowhere/events")
        assert response.status_code == 404
        assert response.json()["error"]
        assert httpx.get(f"{server.url}/stations/nowhere/").status_code == 404
        assert "Radio" in httpx.get(f"{server.url}/stations/radio/").text
    finally:
        server.stop()


@pytest.mark.browser
def test_the_station_page_plays_in_step_and_shows_the_current_line(tmp_path, page):
    from tests.support.servers import ROOT

    project = Project(var_dir=tmp_path / "var", env={"STATIONS_API_TOKEN": TOKEN})
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    project.manage("import_library", str(ROOT / "demo" / "library"))
    project.manage(
        "shell",
        "-c",
        "from stations.models import Station; Station.objects.create(slug='radio', name='Radio')",
    )
    server = start_daphne(project)
    try:
        control(server, "queue", {"track_ids": [server.track_id("별빛")]})
        control(server, "play")
        time.sleep(5.5)  # join mid-song: the second line (0:05) is on
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server.url}/stations/radio/")
        page.wait_for_function(
            "() => document.getElementById('current-line').textContent.length > 0", timeout=10_000
        )
        assert page.locator("#current-line").inner_text() == "밤하늘에 작은 별 하나"
        page.locator("#listen").click()
        page.wait_for_function(
            "() => !window.byeolStation.audio.paused && window.byeolStation.audio.readyState >= 3"
        )
        page.wait_for_timeout(1500)
        drift = page.evaluate(
            "() => window.byeolStation.audio.currentTime - window.byeolStation.expectedSeconds()"
        )
        assert abs(drift) < 0.5, drift
        assert page.evaluate("() => window.byeolStation.expectedSeconds()") > 6
        assert errors == []
    finally:
        server.stop()
