"""Chromium plays the demo track and seeks in it through byte ranges."""

import pytest

pytestmark = [pytest.mark.live, pytest.mark.browser]


def test_chromium_plays_the_demo_and_seeks_with_a_206(demo_server, page):
    audio_requests = []
    page.on(
        "response",
        lambda response: (
            "/audio" in response.url
            and audio_requests.append((response.status, response.request.headers.get("range")))
        ),
    )
    page.goto(f"{demo_server.url}/tracks/{demo_server.track_id('별빛')}/")
    page.wait_for_function("() => document.getElementById('audio').readyState >= 1")
    state = page.evaluate(
        """async () => {
          const audio = document.getElementById('audio');
          await audio.play();
          await new Promise((resolve) => setTimeout(resolve, 300));
          const spans = [];
          for (let i = 0; i < audio.seekable.length; i++) {
            spans.push([audio.seekable.start(i), audio.seekable.end(i)]);
          }
          return {playing: !audio.paused, time: audio.currentTime, duration: audio.duration, spans};
        }"""
    )
    assert state["playing"]
    assert state["time"] > 0
    assert state["duration"] == pytest.approx(48.07, abs=0.2)
    assert state["spans"] == [[0, pytest.approx(state["duration"], abs=0.01)]], (
        "seekable spans the whole song"
    )

    before = len(audio_requests)
    page.evaluate("() => { const a = document.getElementById('audio'); a.currentTime = a.duration / 2; }")
    page.wait_for_function(
        "() => { const a = document.getElementById('audio');"
        " return a.currentTime > 24 && a.readyState >= 3; }",
        timeout=10_000,
    )
    assert any(status == 206 for status, _ in audio_requests), audio_requests
    ranged = [rng for status, rng in audio_requests[before:] if status == 206]
    if ranged:  # Chromium may already hold the whole (small) file; then the first request was the 206
        assert all(rng.startswith("bytes=") for rng in ranged)


@pytest.fixture(scope="module")
def long_track_server(tmp_path_factory):
    """A ten-minute, 24 MB track: too large for Chromium to hold whole, so a seek needs a range."""
    from tests.support.media import make_audio
    from tests.support.servers import Project, start_daphne

    root = tmp_path_factory.mktemp("long")
    song = root / "long.mp3"
    make_audio(
        song, source="anoisesrc=d=600:a=0.05", codec=("-ac", "1", "-c:a", "libmp3lame", "-b:a", "320k")
    )
    project = Project(var_dir=root / "var", env={"AUDIO_ROOTS": str(root)})
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    track_id = project.create_track(title="Long", audio_path=str(song), duration_ms=600_000)
    server = start_daphne(project)
    yield server, track_id, song.stat().st_size
    server.stop()


def test_a_seek_to_the_middle_of_a_long_track_is_served_by_a_206(long_track_server, page):
    server, track_id, size = long_track_server
    ranges = []
    page.on(
        "response",
        lambda response: (
            "/audio" in response.url
            and ranges.append(
                (
                    response.status,
                    response.request.headers.get("range"),
                    response.headers.get("content-range"),
                )
            )
        ),
    )
    page.goto(f"{server.url}/tracks/{track_id}/")
    page.wait_for_function("() => document.getElementById('audio').readyState >= 1")
    page.evaluate("() => document.getElementById('audio').play()")
    page.evaluate("() => { document.getElementById('audio').currentTime = 300; }")
    page.wait_for_function(
        "() => { const a = document.getElementById('audio');"
        " return a.currentTime >= 300 && a.readyState >= 3; }",
        timeout=15_000,
    )
    middle = [
        (status, rng)
        for status, rng, _ in ranges
        if rng and rng.startswith("bytes=") and size * 0.4 < int(rng[6:].split("-")[0]) < size * 0.6
    ]
    assert middle, ranges
    assert all(status == 206 for status, _ in middle)
