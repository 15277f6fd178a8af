"""A server you can leave running: limits, rotation, SIGTERM, leaks, PostgreSQL, deploy checks."""

import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import time

import httpx
import psutil
import pytest
from httpx_sse import connect_sse

from tests.support.servers import PYTHON, ROOT, Project, free_port, start_daphne

pytestmark = pytest.mark.live

LINES = [{"index": i, "time_ms": i * 200, "text": f"줄 {i}"} for i in range(20)]


def make_project(tmp_path, **env) -> tuple[Project, int]:
    project = Project(var_dir=tmp_path / "var", env={k: str(v) for k, v in env.items()})
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    return project, project.create_track(title="Ops", synced=True, lines=LINES)


def test_past_the_per_client_limit_a_stream_gets_429_with_retry_after(tmp_path):
    project, track_id = make_project(tmp_path, STREAMS_MAX_PER_CLIENT=2, STREAMS_MAX_TOTAL=0)
    server = start_daphne(project)
    try:
        url = f"{server.url}/tracks/{track_id}/lyrics/events"
        with (
            httpx.Client(timeout=10) as client,
            client.stream("GET", url) as first,
            client.stream("GET", url) as second,
        ):
            assert (first.status_code, second.status_code) == (200, 200)
            # Keep the iterators: a dropped one closes its response, and the stream with it.
            chunks = first.iter_bytes(), second.iter_bytes()
            assert all(next(c) for c in chunks)
            refused = httpx.get(url, timeout=10)
            assert refused.status_code == 429
            assert 5 <= int(refused.headers["retry-after"]) <= 15
            assert refused.json()["error"]
            assert httpx.get(f"{server.url}/healthz").json()["streams"] == 2
    finally:
        server.stop()


def test_past_the_total_limit_a_stream_gets_503(tmp_path):
    project, track_id = make_project(tmp_path, STREAMS_MAX_PER_CLIENT=0, STREAMS_MAX_TOTAL=1)
    server = start_daphne(project)
    try:
        url = f"{server.url}/tracks/{track_id}/lyrics/text"
        with httpx.stream("GET", url, timeout=10) as first:
            chunks = first.iter_bytes()
            assert next(chunks)
            refused = httpx.get(url, timeout=10)
            assert refused.status_code == 503
            assert refused.headers["retry-after"]
    finally:
        server.stop()


def test_old_streams_rotate_and_resume_without_loss(tmp_path):
    project, track_id = make_project(tmp_path, LYRICS_STREAM_MAX_AGE_S=0.5)
    server = start_daphne(project)
    try:
        url = f"{server.url}/tracks/{track_id}/lyrics/events"
        seen, last_id, rounds = [], None, 0
        while True:
            rounds += 1
            headers = {"Last-Event-ID": last_id} if last_id else {}
            with (
                httpx.Client(timeout=10) as client,
                connect_sse(client, "GET", url, headers=headers) as source,
            ):
                events = list(source.iter_sse())
            seen += [json.loads(e.data)["index"] for e in events if e.event == "line"]
            if events[-1].event == "end":
                break
            assert 1000 <= events[-1].retry <= 5000, "a rotated stream says when to come back"
            last_id = [e.id for e in events if e.event == "line"][-1]
        assert seen == list(range(20))
        assert rounds >= 3
    finally:
        server.stop()


async def listener(client: httpx.AsyncClient, url: str, deadline: float, seen: list[int]) -> list[int]:
    """An EventSource-like client: reconnects with Last-Event-ID until the end."""
    last_id = None
    while time.monotonic() < deadline:
        headers = {"Last-Event-ID": last_id} if last_id else {}
        try:
            async with client.stream("GET", url, headers=headers) as response:
                if response.status_code == 204:
                    return seen
                buffer = ""
                async for text in response.aiter_text():
                    buffer += text
                    while "\n\n" in buffer:
                        block, buffer = buffer.split("\n\n", 1)
                        fields = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
                        if fields.get("event") == "line":
                            seen.append(json.loads(fields["data"])["index"])
                            last_id = fields["id"]
                        elif fields.get("event") == "end":
                            return seen
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    return seen


def test_sigterm_mid_song_under_200_listeners_loses_and_repeats_nothing(tmp_path):
    lines = [{"index": i, "time_ms": i * 250, "text": f"줄 {i}"} for i in range(24)]
    project = Project(var_dir=tmp_path / "var", env={"STREAMS_MAX_PER_CLIENT": "0"})
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    track_id = project.create_track(title="Restart", synced=True, lines=lines)
    port = free_port()
    server = start_daphne(project, port=port)
    url = f"{server.url}/tracks/{track_id}/lyrics/events"

    async def run() -> tuple[list[list[int]], str]:
        deadline = time.monotonic() + 60
        limits = httpx.Limits(max_connections=400, max_keepalive_connections=0)
        async with httpx.AsyncClient(timeout=httpx.Timeout(30, connect=2), limits=limits) as client:
            seen: list[list[int]] = [[] for _ in range(200)]
            listeners = [asyncio.create_task(listener(client, url, deadline, s)) for s in seen]
            # Mid-song: every listener has had a few lines, none has had them all.
            while min(len(s) for s in seen) < 3:  # noqa: ASYNC110 - polling the listeners is the point
                await asyncio.sleep(0.05)
            assert max(len(s) for s in seen) < 24
            await asyncio.to_thread(server.stop, signal.SIGTERM)
            assert server.proc.returncode == 0, "daphne stopped by itself, not killed"
            first_log = server.log()
            restarted = await asyncio.to_thread(start_daphne, project, port=port)
            try:
                return await asyncio.gather(*listeners), first_log
            finally:
                restarted.stop()

    results, first_log = asyncio.run(run())
    assert len(results) == 200
    for seen in results:
        assert seen == list(range(24))
    assert first_log.count("outcome=shutdown") == 200, "every stream ended at an event boundary"


def open_and_abort(port: int, path: str, count: int) -> None:
    for _ in range(count // 100):
        sockets = []
        for _ in range(100):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            sockets.append(sock)
        for sock in sockets:
            sock.recv(4096)  # the stream has started
            sock.close()


def test_a_thousand_aborted_streams_leave_nothing_behind_on_postgresql(tmp_path, postgres_url):
    import psycopg

    project, track_id = make_project(
        tmp_path, DATABASE_URL=postgres_url, STREAMS_MAX_PER_CLIENT=0, LOG_LEVEL="WARNING"
    )
    server = start_daphne(project)
    database = postgres_url.rsplit("/", 1)[1]

    def db_connections() -> int:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres") as conn:
            return conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [database]
            ).fetchone()[0]

    try:
        proc = psutil.Process(server.proc.pid)
        path = f"/tracks/{track_id}/lyrics/events"
        open_and_abort(server.port, path, 100)  # warm up
        time.sleep(1)
        before = {"fds": proc.num_fds(), "threads": proc.num_threads(), "db": db_connections()}
        before_tasks = httpx.get(f"{server.url}/healthz").json()["tasks"]
        open_and_abort(server.port, path, 1000)
        deadline = time.monotonic() + 20
        while httpx.get(f"{server.url}/healthz").json()["streams"] and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)
        health = httpx.get(f"{server.url}/healthz").json()
        assert health["streams"] == 0
        assert health["tasks"] <= before_tasks + 2
        assert proc.num_fds() <= before["fds"] + 3
        assert proc.num_threads() <= before["threads"] + 2
        assert db_connections() <= before["db"]
    finally:
        server.stop()


def test_postgresql_through_database_url_serves_the_demo(tmp_path, postgres_url):
    project = Project(var_dir=tmp_path / "var", env={"DATABASE_URL": postgres_url})
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    project.manage("import_library", str(ROOT / "demo" / "library"))
    server = start_daphne(project)
    try:
        tracks = httpx.get(f"{server.url}/api/tracks", params={"q": "별빛"}).json()["tracks"]
        assert [t["title"] for t in tracks] == ["별빛 노래 (Starlight Song)"]
        text = httpx.get(f"{server.url}/tracks/{tracks[0]['id']}/lyrics/text?pace=instant").text
        assert text.startswith("밤하늘에 작은 별 하나\n")
    finally:
        server.stop()


def test_check_deploy_is_clean_with_the_production_variables(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_HTTPS": "true",
            "DJANGO_HSTS_PRELOAD": "true",
            "DJANGO_ALLOWED_HOSTS": "byeol.example",
            "BYEOL_VAR_DIR": str(tmp_path),
        }
    )
    done = subprocess.run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_debug_is_off_outside_runserver(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["BYEOL_VAR_DIR"] = str(tmp_path)
    done = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", "from django.conf import settings; print(settings.DEBUG)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_pages_satisfy_their_content_security_policy(demo_server):
    page = httpx.get(f"{demo_server.url}/tracks/{demo_server.track_id('별빛')}/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "<script>" not in page.text, "no inline script: the policy forbids it"
    assert " style=" not in page.text
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"


def test_a_client_that_never_reads_is_dropped_after_the_stall_timeout(tmp_path):
    song = tmp_path / "big.mp3"
    with song.open("wb") as handle:
        handle.truncate(50 * 2**20)
    project = Project(
        var_dir=tmp_path / "var", env={"WRITE_STALL_TIMEOUT_S": "1", "AUDIO_ROOTS": str(tmp_path)}
    )
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    track_id = project.create_track(title="Big", audio_path=str(song))
    server = start_daphne(project)
    try:
        rss_before = psutil.Process(server.proc.pid).memory_info().rss
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(f"GET /tracks/{track_id}/audio HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        time.sleep(3)  # read nothing
        rss_stalled = psutil.Process(server.proc.pid).memory_info().rss
        received, sock_closed = 0, False
        sock.settimeout(5)
        try:
            while chunk := sock.recv(1 << 20):
                received += len(chunk)
            sock_closed = True
        except ConnectionResetError:
            sock_closed = True
        sock.close()
        assert sock_closed, "the server closed the connection"
        assert received < 10 * 2**20, "only what the socket buffers held was sent"
        assert rss_stalled - rss_before < 20 * 2**20
        assert httpx.get(f"{server.url}/healthz").status_code == 200
        assert "no byte read for 1 s" in server.log()
        assert "Traceback" not in server.log()
    finally:
        server.stop()
