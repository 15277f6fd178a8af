"""``curl -N /stations/<slug>/text``: a station in a terminal, each line when it is sung."""

import subprocess
import threading
import time
from datetime import datetime

import httpx
import pytest

from tests.support.servers import Project, start_daphne

pytestmark = pytest.mark.live

TOKEN = "station-text-token"
LINES = 8
STEP_MS = 400


class Curl(threading.Thread):
    """Real curl on the URL; each text line it prints, with the wall-clock time it came."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.proc = subprocess.Popen(["curl", "-sN", url], stdout=subprocess.PIPE)
        self.lines: list[tuple[float, str]] = []
        self.start()

    def run(self) -> None:
        assert self.proc.stdout is not None
        for raw in iter(self.proc.stdout.readline, b""):
            # An idle stream sends a lone carriage return: nothing to see on a terminal.
            self.lines.append((time.time(), raw.decode("utf-8").strip("\r\n")))

    def texts(self) -> list[str]:
        return [text for _, text in self.lines]

    def wait_for(self, text: str, timeout_s: float = 10.0) -> None:
        deadline = time.monotonic() + timeout_s
        while text not in self.texts():
            assert time.monotonic() < deadline, (text, self.texts())
            time.sleep(0.02)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=5)
        self.join(timeout=5)
        assert self.proc.stdout is not None
        self.proc.stdout.close()


def test_curl_prints_the_track_then_each_line_within_300_ms_of_its_time(tmp_path):
    project = Project(var_dir=tmp_path / "var", env={"STATIONS_API_TOKEN": TOKEN})
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    lines = [{"index": i, "time_ms": 500 + i * STEP_MS, "text": f"줄 {i} 별빛"} for i in range(LINES)]
    track_id = project.create_track(
        title="On air", artist="Byeol", synced=True, lines=lines, duration_ms=1000 + LINES * STEP_MS
    )
    project.manage(
        "shell",
        "-c",
        "from stations.models import Station; Station.objects.create(slug='radio', name='Radio')",
    )
    server = start_daphne(project)
    curl = Curl(f"{server.url}/stations/radio/text")
    try:
        curl.wait_for("Not playing.")  # a stopped station says so at once
        auth = {"Authorization": f"Bearer {TOKEN}"}
        queued = httpx.post(
            f"{server.url}/api/stations/radio/queue", json={"track_ids": [track_id]}, headers=auth
        )
        assert queued.status_code == 200, queued.text
        played = httpx.post(f"{server.url}/api/stations/radio/play", headers=auth)
        assert played.status_code == 200, played.text
        started_at = datetime.fromisoformat(played.json()["started_at"]).timestamp()
        curl.wait_for(lines[-1]["text"])
        texts = curl.texts()
        assert texts[:2] == ["Not playing.", "Now playing: On air — Byeol"], texts
        assert texts[2 : 2 + LINES] == [line["text"] for line in lines]
        late_ms = [
            (at - started_at) * 1000 - line["time_ms"]
            for (at, _), line in zip(curl.lines[2 : 2 + LINES], lines, strict=True)
        ]
        print("each line's arrival after its time (ms):", [round(ms, 1) for ms in late_ms])
        assert all(-50 <= ms <= 300 for ms in late_ms), late_ms
    finally:
        curl.stop()
        server.stop()
