"""The lyrics streams over a real socket: daphne, httpx-sse and curl."""

import json
import subprocess
import time

import httpx
import pytest
from httpx_sse import connect_sse

from tests.support.edge_cases import edge_lines, expected_texts

pytestmark = pytest.mark.live

KOREAN_LRC = "[00:00.00]첫째 줄 별빛\n[00:00.40]second line\n[00:00.80]\n[00:01.20]셋째 줄 노래\n"


@pytest.fixture(scope="module")
def tracks(tmp_path_factory):
    from tests.support.servers import Project, start_daphne

    project = Project(var_dir=tmp_path_factory.mktemp("events") / "var")
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    ids = {
        "edge": project.create_track(title="Edge cases", synced=True, lines=edge_lines()),
        "korean": project.create_track(title="한국어", artist="Byeol", lyrics_text=KOREAN_LRC),
    }
    server = start_daphne(project)
    yield server, ids
    server.stop()


def read_events(url: str, headers: dict | None = None, *, stop_after_lines: int | None = None):
    events = []
    with httpx.Client(timeout=30) as client, connect_sse(client, "GET", url, headers=headers or {}) as source:
        assert source.response.status_code == 200
        assert source.response.headers["content-type"] == "text/event-stream; charset=utf-8"
        for sse in source.iter_sse():
            events.append(sse)
            if stop_after_lines is not None and sum(e.event == "line" for e in events) == stop_after_lines:
                break
    return events


def test_sse_client_library_receives_every_edge_case_line_intact(tracks):
    server, ids = tracks
    events = read_events(f"{server.url}/tracks/{ids['edge']}/lyrics/events?pace=instant")
    assert [e.event for e in events] == ["lyrics"] + ["line"] * len(expected_texts()) + ["end"]
    received = [json.loads(e.data)["text"] for e in events if e.event == "line"]
    assert received == expected_texts()
    snapshot = json.loads(events[0].data)
    assert snapshot["track"]["title"] == "Edge cases"
    assert len(snapshot["lines"]) == len(expected_texts())


def test_reconnecting_with_last_event_id_loses_and_repeats_nothing(tracks):
    server, ids = tracks
    url = f"{server.url}/tracks/{ids['edge']}/lyrics/events?pace=instant"
    first = read_events(url, stop_after_lines=4)
    last_id = first[-1].id
    rest = read_events(url, {"Last-Event-ID": last_id})
    assert rest[0].event == "line", "a resumed stream goes straight on with the lines"
    texts = [json.loads(e.data)["text"] for e in first + rest if e.event == "line"]
    assert texts == expected_texts()
    assert rest[-1].event == "end"
    # The same through the query string, as EventSource polyfills send it.
    again = read_events(f"{url}&lastEventId={last_id}")
    assert [json.loads(e.data)["index"] for e in again if e.event == "line"] == list(range(4, 12))


def test_a_reconnect_after_the_end_gets_204_so_the_browser_stops(tracks):
    server, ids = tracks
    events = read_events(f"{server.url}/tracks/{ids['edge']}/lyrics/events?pace=instant")
    answer = httpx.get(
        f"{server.url}/tracks/{ids['edge']}/lyrics/events", headers={"Last-Event-ID": events[-1].id}
    )
    assert answer.status_code == 204


def test_curl_prints_korean_lines_intact_each_at_its_time(tracks):
    server, ids = tracks
    started = time.monotonic()
    with subprocess.Popen(
        ["curl", "-sN", f"{server.url}/tracks/{ids['korean']}/lyrics/text"], stdout=subprocess.PIPE
    ) as curl:
        arrivals = [(time.monotonic() - started, raw.decode("utf-8")) for raw in curl.stdout]
    assert [text for _, text in arrivals] == ["첫째 줄 별빛\n", "second line\n", "\n", "셋째 줄 노래\n"]
    first = arrivals[0][0]
    for (arrived, _), due in zip(arrivals, (0.0, 0.4, 0.8, 1.2), strict=True):
        assert arrived - first >= due - 0.05, "a line came before its time"


def test_unknown_track_is_a_json_404_and_bad_query_a_json_400(tracks):
    server, _ = tracks
    missing = httpx.get(f"{server.url}/tracks/999999/lyrics/events")
    assert missing.status_code == 404
    assert missing.json()["error"]
    for query in ("at=-5", "at=abc", "rate=0", "rate=nan", "rate=10", "pace=fast"):
        bad = httpx.get(f"{server.url}/tracks/1/lyrics/events?{query}")
        assert bad.status_code == 400, query
        assert "error" in bad.json()


def test_streams_are_never_compressed(tracks):
    server, ids = tracks
    with httpx.stream(
        "GET",
        f"{server.url}/tracks/{ids['korean']}/lyrics/events?pace=instant",
        headers={"Accept-Encoding": "gzip, br"},
    ) as response:
        assert "content-encoding" not in response.headers
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["x-accel-buffering"] == "no"


def test_a_client_that_leaves_ends_the_stream_at_once(tracks):
    server, ids = tracks
    lines = json.dumps(
        [{"index": 0, "time_ms": 0, "text": "a"}, {"index": 1, "time_ms": 600_000, "text": "b"}]
    )
    del lines  # the korean track waits 0.4 s after its first line: long enough to leave mid-song
    with httpx.stream("GET", f"{server.url}/tracks/{ids['korean']}/lyrics/events") as response:
        chunks = response.iter_bytes()
        assert next(chunks)
        time.sleep(0.2)
        assert "outcome=client-gone" not in server.log(), "the stream is still running"
    deadline = time.monotonic() + 10
    while "outcome=client-gone" not in server.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "outcome=client-gone" in server.log()
