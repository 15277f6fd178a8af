"""``scripts/demo`` on a fresh database: the demo station is on the air as soon as the server answers."""

import os
import signal
import subprocess
import time

import httpx
import pytest

from tests.support.servers import ROOT, Project, free_port

pytestmark = [pytest.mark.live, pytest.mark.browser]
# scripts/setup reinstalls the requirements when they changed since the last run: allow for it.
STARTUP_S = 300


def first_answer(url: str, proc: subprocess.Popen[bytes], log: str) -> float:
    """Poll until the server answers ``url`` with 200; the ``time.monotonic()`` it did."""
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"scripts/demo exited with {proc.returncode}:\n{log}"
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return time.monotonic()
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"scripts/demo did not answer within {STARTUP_S} s")


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_scripts_demo_shows_a_song_playing_on_the_radio_within_10_s(tmp_path, page):
    port = free_port()
    project = Project(var_dir=tmp_path / "var", env={"PORT": str(port)})
    log_path = tmp_path / "demo.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            ["scripts/demo"],
            cwd=ROOT,
            env=project.environ(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: daphne goes with it
        )
    try:
        url = f"http://127.0.0.1:{port}/stations/radio/"
        answered = first_answer(url, proc, log_path.read_text(errors="replace"))
        page.goto(url)
        page.wait_for_function(
            "() => document.getElementById('now-playing').textContent.includes(' — Byeol Demo')"
            " && document.body.dataset.lineIndex !== undefined",
            timeout=10_000,
        )
        playing_s = time.monotonic() - answered
        print(f"the radio showed a song and its line {playing_s:.2f} s after the server first answered")
        assert playing_s < 10
        assert page.locator("#station-controls").count() == 0
        assert page.locator("#up-next li[data-track-id]").count() >= 1, "the rest of the library comes next"
        output = log_path.read_text(errors="replace")
        assert "Byeol Radio plays" in output, output
    finally:
        stop_group(proc)
