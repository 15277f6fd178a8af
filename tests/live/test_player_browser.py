"""The player page in Debian's headless Chromium: what a listener sees."""

import time
from pathlib import Path

import pytest

from tests.support.servers import ROOT, Project, free_port, start_daphne

pytestmark = [pytest.mark.live, pytest.mark.browser]
ARTIFACTS = ROOT / "artifacts"
# The demo's synced Korean song with English translations: lines at 1, 9, 17 (gap), 21, 29, 37, 45 (gap) s
SONG = "별빛"


def open_player(page, server, *, width=1280, height=860):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server.url}/tracks/{server.track_id(SONG)}/")
    page.wait_for_function("() => document.getElementById('audio').readyState >= 1")


def current_index(page) -> int:
    return page.evaluate("window.byeolPlayer.current")


def test_player_loads_with_no_console_error_and_no_request_leaving_localhost(demo_server, page):
    errors, requests = [], []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: requests.append(request.url))
    open_player(page, demo_server)
    page.evaluate("document.getElementById('audio').play()")
    page.wait_for_function("() => window.byeolPlayer.streamLine >= 0", timeout=10_000)
    page.goto(f"{demo_server.url}/")
    assert errors == []
    assert requests
    assert all(url.startswith((demo_server.url, "data:")) for url in requests), requests


def test_playing_highlights_each_line_within_150_ms_of_its_timestamp(demo_server, page):
    open_player(page, demo_server)
    page.evaluate(
        """() => {
          window.highlights = [];
          const audio = document.getElementById('audio');
          new MutationObserver(() => {
            const active = document.querySelector('[aria-current="true"]');
            if (active) window.highlights.push([Number(active.dataset.index), audio.currentTime * 1000]);
          }).observe(document.getElementById('lines'),
                     {subtree: true, attributes: true, attributeFilter: ['aria-current']});
          audio.currentTime = 16.3;
          return audio.play();
        }"""
    )
    page.wait_for_function("() => window.highlights.some(([index]) => index === 3)", timeout=15_000)
    highlights = page.evaluate("window.highlights")
    times = {2: 17000, 3: 21000}
    for index, at_ms in highlights:
        if index in times:
            assert 0 <= at_ms - times[index] <= 150, (index, at_ms)
    assert {index for index, _ in highlights} >= {2, 3}


def test_a_seek_moves_the_highlight_and_reopens_the_stream_there(demo_server, page):
    open_player(page, demo_server)
    page.evaluate("document.getElementById('audio').play()")
    page.wait_for_function("() => document.body.dataset.streamUrl !== undefined")
    page.evaluate("document.getElementById('audio').currentTime = 21.4")
    page.wait_for_function("() => window.byeolPlayer.current === 3", timeout=5_000)
    page.wait_for_function("() => /at=21[34]\\d\\d/.test(document.body.dataset.streamUrl)", timeout=5_000)
    page.wait_for_function("() => window.byeolPlayer.streamLine === 3", timeout=5_000)
    assert page.locator("button.line[aria-current=true] .sung-text").inner_text() == "바람이 불어와도"


def test_clicking_a_line_seeks_the_audio_there(demo_server, page):
    open_player(page, demo_server)
    page.locator("button.line[data-index='4']").click()
    page.wait_for_function("() => window.byeolPlayer.current === 4", timeout=5_000)
    position = page.evaluate("document.getElementById('audio').currentTime")
    assert 29.0 <= position < 30.5
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # the line before, from the keyboard
    page.wait_for_function("() => window.byeolPlayer.current === 3", timeout=5_000)


def test_the_page_survives_a_server_restart_mid_song(tmp_path, page):
    project = Project(var_dir=tmp_path / "var")
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    project.manage("import_library", str(ROOT / "demo" / "library"))
    port = free_port()
    server = start_daphne(project, port=port)
    try:
        open_player(page, server)
        page.evaluate(
            "document.getElementById('audio').currentTime = 3.5; document.getElementById('audio').play()"
        )
        page.wait_for_function("() => window.byeolPlayer.streamLine >= 0", timeout=10_000)
        server.stop()
        page.wait_for_function(
            "document.getElementById('status').dataset.state === 'retrying'", timeout=10_000
        )
        time.sleep(0.5)
        server = start_daphne(project, port=port)
        page.wait_for_function(
            "() => document.getElementById('status').dataset.state === 'live'", timeout=20_000
        )
        before = page.evaluate("window.byeolPlayer.streamLine")
        page.wait_for_function(f"() => window.byeolPlayer.streamLine > {before}", timeout=10_000)
        assert page.evaluate("document.getElementById('audio').paused") is False
    finally:
        server.stop()


@pytest.mark.parametrize(("name", "width", "height"), [("desktop", 1280, 860), ("phone", 390, 844)])
def test_screenshots_of_the_player_mid_song(demo_server, page, name, width, height):
    open_player(page, demo_server, width=width, height=height)
    page.evaluate(
        "document.getElementById('audio').currentTime = 29.9; document.getElementById('audio').play()"
    )
    page.wait_for_function("() => window.byeolPlayer.current === 4", timeout=5_000)
    page.wait_for_timeout(700)  # let the smooth scroll settle
    ARTIFACTS.mkdir(exist_ok=True)
    path = Path(ARTIFACTS / f"player-{name}.png")
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
