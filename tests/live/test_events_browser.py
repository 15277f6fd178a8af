"""Chromium's own EventSource reading the lyrics stream (Debian's chromium via Playwright)."""

import pytest

from tests.support.edge_cases import edge_lines, expected_texts

pytestmark = [pytest.mark.live, pytest.mark.browser]

COLLECT = """
(url) => new Promise((resolve, reject) => {
  const out = {lyrics: null, lines: [], ids: [], end: false};
  const source = new EventSource(url);
  source.addEventListener("lyrics", (e) => { out.lyrics = JSON.parse(e.data); });
  source.addEventListener("line", (e) => {
    out.lines.push(JSON.parse(e.data).text);
    out.ids.push(e.lastEventId);
  });
  source.addEventListener("end", () => { out.end = true; source.close(); resolve(out); });
  source.onerror = () => { if (!out.end) { source.close(); reject(new Error("stream failed")); } };
  setTimeout(() => reject(new Error("timed out")), 20000);
})
"""


@pytest.fixture(scope="module")
def edge_server(tmp_path_factory):
    from tests.support.servers import Project, start_daphne

    project = Project(var_dir=tmp_path_factory.mktemp("browser") / "var")
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    track_id = project.create_track(title="Edge cases", synced=True, lines=edge_lines(step_ms=50))
    server = start_daphne(project)
    yield server, track_id
    server.stop()


def test_chromium_eventsource_receives_every_edge_case_line_intact(page, edge_server):
    server, track_id = edge_server
    page.goto(f"{server.url}/healthz")
    result = page.evaluate(COLLECT, f"/tracks/{track_id}/lyrics/events")
    assert result["lines"] == expected_texts()
    assert result["end"] is True
    assert len(result["lyrics"]["lines"]) == len(expected_texts())
    assert len(set(result["ids"])) == len(result["ids"]), "every line has its own id"


def test_chromium_resumes_with_last_event_id_after_a_cut(page, edge_server):
    server, track_id = edge_server
    page.goto(f"{server.url}/healthz")
    first = page.evaluate(
        """(url) => new Promise((resolve) => {
          const got = [];
          const s = new EventSource(url);
          s.addEventListener("line", (e) => {
            got.push([JSON.parse(e.data).text, e.lastEventId]);
            if (got.length === 3) { s.close(); resolve(got); }
          });
        })""",
        f"/tracks/{track_id}/lyrics/events?pace=instant",
    )
    resumed = page.evaluate(COLLECT, f"/tracks/{track_id}/lyrics/events?lastEventId={first[-1][1]}")
    assert [text for text, _ in first] + resumed["lines"] == expected_texts()
    assert resumed["lyrics"] is None, "a resumed stream does not repeat the snapshot"
