"""The audit of issue 11, kept fixed: each finding's attack against a real daphne (and nginx).

Each test names its finding (F1…F11) and repeats what the auditor did, over a
socket. The in-process half (admin, importer, pages, settings) is
``tests/app/test_audit.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shlex
import socket
import stat
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import psutil
import pytest

from tests.support.nginx import NGINX, start_nginx
from tests.support.servers import (
    PYTHON,
    ROOT,
    Daphne,
    Project,
    free_port,
    running,
    wait_for_port,
)
from tests.support.services import require_binary

pytestmark = pytest.mark.live

SECRET = "root:x:0:0:the auditor was here"
MiB = 1024 * 1024
# A song whose lines are a minute apart: its streams stay open for the whole test.
SLOW_LINES = [{"index": i, "time_ms": i * 60_000, "text": f"줄 {i}"} for i in range(10)]
# A line without "index" or "text": encoding it fails after the response has started.
BROKEN_LINES = [{"index": 0, "time_ms": 0, "text": "first"}, {"time_ms": 100}]


def make_project(tmp_path: Path, **env: object) -> Project:
    project = Project(var_dir=tmp_path / "var", env={k: str(v) for k, v in env.items()})
    project.var_dir.mkdir(parents=True)
    project.manage("migrate", "--noinput")
    return project


def make_station(project: Project, slug: str = "radio") -> None:
    project.manage(
        "shell",
        "-c",
        f"from stations.models import Station; Station.objects.create(slug={slug!r}, name='Radio')",
    )


@contextmanager
def serving(project: Project, **extra_env: str) -> Iterator[Daphne]:
    yield from running(project, extra_env=extra_env)


def launch_daphne(project: Project, options: list[str], extra_env: dict[str, str]) -> Daphne:
    """daphne with the given command-line options (its port replaced by a free one)."""
    port = free_port()
    # The shipped endpoint ("-e tcp:port=8000:…") listens on a free port instead.
    options = [re.sub(r"(?<=^tcp:port=)\d+", str(port), option) for option in options]
    assert str(port) in " ".join(options), options
    log_path = project.var_dir / f"daphne-{port}.log"
    env = {**project.environ(), **extra_env}
    with log_path.open("ab") as log_file:
        proc = subprocess.Popen(
            [PYTHON, "-m", "daphne", *options, "project.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    wait_for_port(port, timeout_s=30)
    return Daphne(project, port, proc, log_path)


def shipped_service() -> tuple[list[str], dict[str, str]]:
    """The daphne options and the environment deploy/byeol.service starts Byeol with."""
    lines = (ROOT / "deploy" / "byeol.service").read_text().splitlines()
    env = {}
    for line in lines:
        if line.startswith("Environment="):
            name, _, value = line.removeprefix("Environment=").partition("=")
            env[name] = value
    command = shlex.split(next(line for line in lines if line.startswith("ExecStart=")).partition("=")[2])
    assert command[0].endswith("/daphne")
    assert command[-1] == "project.asgi:application"
    return command[1:-1], env


def first_event(response: httpx.Response) -> str:
    """The first SSE block of a streamed response that is an event (a lone ``retry:`` is not)."""
    buffer = ""
    for text in response.iter_text():
        buffer += text
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            if "event: " in block or "data: " in block:
                return block
    return buffer


def version_of(server: Daphne, track_id: int) -> str:
    """The lyrics version in a track's line ids (``<version>-<index>``)."""
    url = f"{server.url}/tracks/{track_id}/lyrics/events?pace=instant"
    text = httpx.get(url, timeout=10).text
    ids = [line.removeprefix("id: ") for line in text.splitlines() if line.startswith("id: ")]
    return ids[0].rsplit("-", 1)[0]


# --- F1: a file read through a track's audio path -----------------------------------------


def test_f1_audio_outside_the_audio_roots_is_never_served(tmp_path):
    music = tmp_path / "music"
    music.mkdir()
    (music / "song.mp3").write_bytes(b"ID3 music")
    secret = tmp_path / "passwd"
    secret.write_text(SECRET)
    os.symlink(secret, music / "link-out.mp3")
    project = make_project(tmp_path, AUDIO_ROOTS=music)
    outside = [
        project.create_track(title="Passwd", audio_path=str(secret)),
        project.create_track(title="Dots", audio_path=f"{music}/../passwd"),
        project.create_track(title="Link", audio_path=str(music / "link-out.mp3")),
        project.create_track(title="Proc", audio_path="/proc/self/environ"),
    ]
    inside = project.create_track(title="Song", audio_path=str(music / "song.mp3"))
    with serving(project) as server:
        assert httpx.get(f"{server.url}/tracks/{inside}/audio").content == b"ID3 music"
        for track_id in outside:
            for path in (f"/tracks/{track_id}/audio", f"/music/audio?track_id={track_id}"):
                for method in ("GET", "HEAD"):
                    response = httpx.request(method, server.url + path, timeout=10)
                    assert response.status_code == 404, (path, method)
                    assert SECRET not in response.text
                    assert "DJANGO_SETTINGS_MODULE" not in response.text


def test_f1_without_audio_roots_only_imported_folders_are_served(tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text(SECRET)
    project = make_project(tmp_path)
    track_id = project.create_track(title="Passwd", audio_path=str(secret))
    with serving(project) as server:
        response = httpx.get(f"{server.url}/tracks/{track_id}/audio", timeout=10)
    assert response.status_code == 404
    assert SECRET not in response.text


# --- F2: a burst of streams from one address ----------------------------------------------


async def burst(url: str, count: int, health_url: str) -> tuple[list[tuple[int, str | None]], int]:
    """``count`` streams opened at once; the admitted ones stay open until every one has its answer.

    Returns each answer's status and Retry-After, and how many streams the server had open then.
    """
    limits = httpx.Limits(max_connections=count + 10, max_keepalive_connections=0)
    answers: list[tuple[int, str | None]] = []
    all_answered, release = asyncio.Event(), asyncio.Event()
    async with httpx.AsyncClient(timeout=httpx.Timeout(30, connect=10), limits=limits) as client:

        async def one() -> None:
            async with client.stream("GET", url) as response:
                answers.append((response.status_code, response.headers.get("retry-after")))
                if len(answers) == count:
                    all_answered.set()
                if response.status_code == 200:
                    await release.wait()

        tasks = [asyncio.ensure_future(one()) for _ in range(count)]
        await asyncio.wait_for(all_answered.wait(), 60)
        open_now = (await client.get(health_url)).json()["streams"]
        release.set()
        await asyncio.gather(*tasks)
    return answers, open_now


@pytest.mark.parametrize("path", ["/tracks/{id}/lyrics/events", "/tracks/{id}/lyrics/text"])
def test_f2_300_simultaneous_streams_from_one_address_admit_at_most_64(tmp_path, path):
    project = make_project(tmp_path, STREAMS_MAX_PER_CLIENT=64, STREAMS_MAX_TOTAL=0, LOG_LEVEL="WARNING")
    track_id = project.create_track(title="Burst", synced=True, lines=SLOW_LINES)
    with serving(project) as server:
        url = server.url + path.format(id=track_id)
        answers, open_now = asyncio.run(burst(url, 300, f"{server.url}/healthz"))
    statuses = [status for status, _ in answers]
    assert len(statuses) == 300
    assert statuses.count(200) == 64, "as many as the limit, no more"
    assert statuses.count(429) == 300 - 64
    assert all(5 <= int(retry) <= 15 for status, retry in answers if status == 429)
    assert open_now == 64


# --- The listen queue: a burst of listeners is queued, not left to SYN retries ---------


def test_the_shipped_daphne_listens_with_a_queue_of_2048(tmp_path):
    require_binary("/usr/bin/ss", "iproute2")
    options, env = shipped_service()
    daphne = launch_daphne(make_project(tmp_path), options, env)
    try:
        listening = subprocess.run(
            ["ss", "-ltnH", f"sport = :{daphne.port}"], capture_output=True, text=True, check=True
        ).stdout.split()
    finally:
        daphne.stop()
    assert listening[0] == "LISTEN"
    assert listening[2] == "2048", "Send-Q of a listening socket is its backlog (Twisted's default: 50)"
    for shipped in ("Procfile", "scripts/demo"):
        assert ":backlog=2048" in (ROOT / shipped).read_text(), shipped


# --- F3: the client address through the shipped nginx -------------------------------------


def test_f3_the_shipped_files_never_pass_proxy_headers_to_daphne():
    procfile = (ROOT / "Procfile").read_text()
    options, env = shipped_service()
    assert "--proxy-headers" not in procfile
    assert "--proxy-headers" not in options
    assert env.get("TRUSTED_PROXIES") == "1"
    assert "$proxy_add_x_forwarded_for" not in (ROOT / "deploy" / "nginx" / "byeol.conf").read_text()


def test_f3_spoofed_forwarded_for_through_the_shipped_nginx_is_not_a_new_client(tmp_path):
    require_binary(NGINX, "nginx-light")
    project = make_project(
        tmp_path, STREAMS_MAX_PER_CLIENT=3, STREAMS_MAX_TOTAL=0, DJANGO_BEHIND_PROXY="true"
    )
    track_id = project.create_track(title="Spoof", synced=True, lines=SLOW_LINES)
    options, env = shipped_service()
    daphne = launch_daphne(project, options, env)
    nginx = start_nginx(
        tmp_path / "run", upstream_port=daphne.port, audio_root=tmp_path, static_root=tmp_path
    )
    try:
        url = f"{nginx.url}/tracks/{track_id}/lyrics/events"
        with httpx.Client(timeout=10) as client, ExitStack() as streams:
            # Three streams, each claiming to come from somewhere else.
            responses = [
                streams.enter_context(
                    client.stream("GET", url, headers={"X-Forwarded-For": f"{n}.{n}.{n}.{n}"})
                )
                for n in (1, 2, 3)
            ]
            assert [r.status_code for r in responses] == [200, 200, 200]
            chunks = [r.iter_bytes() for r in responses]  # kept: a dropped iterator closes its stream
            assert all(next(c) for c in chunks)
            for spoof in ("4.4.4.4", "5.5.5.5, 6.6.6.6", "127.0.0.2", ""):
                with client.stream("GET", url, headers={"X-Forwarded-For": spoof}) as refused:
                    assert refused.status_code == 429, spoof
                    assert refused.headers["retry-after"]
    finally:
        nginx.stop()
        daphne.stop()


# --- F4 and F5: body and header limits without a proxy ------------------------------------


class PeakRss:
    """The highest resident size a process reaches while the block runs (and a moment after)."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.before = self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.01)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(2)
        self._stop.set()
        self._thread.join()

    @property
    def growth(self) -> int:
        return self.peak - self.before


def post_huge(port: int, size: int, *, chunked: bool) -> bytes:
    """POST ``size`` bytes as fast as the server takes them; everything it answered."""
    sock = socket.create_connection(("127.0.0.1", port))
    received: list[bytes] = []

    def read() -> None:
        try:
            while chunk := sock.recv(65536):
                received.append(chunk)
        except OSError:
            pass

    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    sock.sendall(f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n{length}\r\n\r\n".encode())
    reader = threading.Thread(target=read)
    reader.start()
    block = b"x" * MiB
    if chunked:
        block = f"{len(block):x}\r\n".encode() + block + b"\r\n"
    sent = 0
    try:
        while sent < size:
            sock.sendall(block)
            sent += MiB
        if chunked:
            sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server stopped reading
    sock.settimeout(10)
    reader.join(15)
    sock.close()
    return b"".join(received)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_f4_a_400_mb_anonymous_post_is_refused_without_growing_the_server(tmp_path, chunked):
    project = make_project(tmp_path)
    with serving(project) as server:
        with PeakRss(server.proc.pid) as rss:
            answer = post_huge(server.port, 400 * MiB, chunked=chunked)
        assert rss.growth < 8 * MiB, f"{rss.growth / MiB:.1f} MB"
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert httpx.get(f"{server.url}/healthz").status_code == 200
        assert "Traceback" not in server.log()


def test_f4_a_body_under_the_limit_still_reaches_the_application(tmp_path):
    project = make_project(tmp_path)
    with serving(project, REQUEST_MAX_BODY_BYTES=str(64 * 1024)) as server:
        small = httpx.post(f"{server.url}/", content=b" " * 60_000, timeout=10)
        large = httpx.post(f"{server.url}/", content=b" " * 70_000, timeout=10)
    assert small.status_code not in (408, 413), small.text[:200]
    assert large.status_code == 413


def trickle(port: int, first: bytes, piece: bytes, *, every_s: float, for_s: float) -> tuple[float, bytes]:
    """Send ``first``, then ``piece`` every ``every_s``; when the server closed, and what it said."""
    sock = socket.create_connection(("127.0.0.1", port))
    start = time.monotonic()
    sock.sendall(first)
    sock.settimeout(every_s)
    answer = b""
    try:
        while time.monotonic() - start < for_s:
            try:
                data = sock.recv(4096)
            except TimeoutError:
                sock.sendall(piece)
                continue
            if not data:
                return time.monotonic() - start, answer
            answer += data
    except OSError:
        return time.monotonic() - start, answer
    finally:
        sock.close()
    return time.monotonic() - start, answer


def test_f5_trickled_headers_are_cut_off_while_other_requests_are_served(tmp_path):
    project = make_project(tmp_path)
    with serving(project, REQUEST_HEADER_TIMEOUT_S="2") as server:
        results: list[tuple[float, bytes]] = []
        slowloris = [
            threading.Thread(
                target=lambda: results.append(
                    trickle(
                        server.port,
                        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                        b"X-Slow: 1\r\n",
                        every_s=0.3,
                        for_s=8,
                    )
                )
            )
            for _ in range(20)
        ]
        for thread in slowloris:
            thread.start()
        time.sleep(0.5)
        started = time.monotonic()
        assert httpx.get(f"{server.url}/api/tracks", timeout=5).status_code == 200
        assert time.monotonic() - started < 1, "a normal request is served meanwhile"
        for thread in slowloris:
            thread.join()
        silent_closed_after, _ = trickle(server.port, b"", b"", every_s=0.5, for_s=8)
    assert len(results) == 20
    for closed_after, answer in results:
        assert closed_after < 4, "cut off soon after the 2 s header timeout"
        assert answer.startswith(b"HTTP/1.1 408")
    assert silent_closed_after < 4, "a connection that sends nothing is closed too"


def test_f5_a_trickled_body_is_cut_off(tmp_path):
    project = make_project(tmp_path)
    with serving(project, REQUEST_BODY_TIMEOUT_S="2") as server:
        closed_after, answer = trickle(
            server.port,
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n",
            b"x",
            every_s=0.3,
            for_s=8,
        )
    assert closed_after < 4
    assert answer.startswith(b"HTTP/1.1 408")


# --- F7: a symlink swapped in between the check and the open --------------------------------


def test_f7_a_symlink_swapped_in_during_the_read_never_escapes_the_root(tmp_path):
    root = tmp_path / "texts"
    root.mkdir()
    (tmp_path / "secret.txt").write_text(SECRET)
    (root / "swap.txt").write_text("inside")
    project = make_project(tmp_path, LYRICS_TEXT_ROOT=root, LOG_LEVEL="WARNING")
    stop = threading.Event()

    def swap() -> None:
        while not stop.is_set():
            os.symlink(tmp_path / "secret.txt", root / ".link")
            os.replace(root / ".link", root / "swap.txt")
            (root / ".file").write_text("inside")
            os.replace(root / ".file", root / "swap.txt")

    swapper = threading.Thread(target=swap)
    with serving(project) as server:
        swapper.start()
        seen: dict[int, int] = {}
        try:
            with httpx.Client(timeout=10) as client:
                deadline = time.monotonic() + 20
                for _ in range(1500):
                    response = client.get(f"{server.url}/music/text?file_name=swap.txt")
                    assert SECRET not in response.text
                    seen[response.status_code] = seen.get(response.status_code, 0) + 1
                    if time.monotonic() > deadline:
                        break
        finally:
            stop.set()
            swapper.join()
    assert seen.get(200), f"the race ran both ways: {seen}"
    assert seen.get(404), f"the race ran both ways: {seen}"
    assert set(seen) <= {200, 404}, seen


# --- F9 and F10: 500s, silent failures, and a server that stopped its housekeeping ----------


def test_f9_hostile_last_event_ids_and_queries_get_a_stream_never_a_500(tmp_path):
    project = make_project(tmp_path)
    track_id = project.create_track(title="Ids", synced=True, lines=SLOW_LINES)
    make_station(project)
    with serving(project) as server:
        version = version_of(server, track_id)
        track_url = f"{server.url}/tracks/{track_id}/lyrics/events"
        station_url = f"{server.url}/stations/radio/events"
        cases = [
            (track_url, {"Last-Event-ID": f"{version}-" + "9" * 5000}),
            (track_url, {"Last-Event-ID": f"{version}-" + "0" * 4000 + "1"}),
            (f"{track_url}?lastEventId={version}-{'9' * 3000}", {}),
            (station_url, {"Last-Event-ID": "station-radio:abc"}),
            (station_url, {"Last-Event-ID": "station-radio:" + "9" * 5000}),
            (station_url, {"Last-Event-ID": "x" * 10_000}),
            (f"{station_url}?es-meta=x", {}),
            (f"{station_url}?es-meta=x&channels=station-other", {}),
            (f"{station_url}?recover=true", {}),
        ]
        for url, headers in cases:
            with httpx.stream("GET", url, headers=headers, timeout=5) as response:
                assert response.status_code == 200, (url[-60:], response.status_code)
                opening = first_event(response)
            assert "event: " in opening, (url[-60:], headers.keys(), opening[:100])
    assert "Traceback" not in server.log()


def test_f9_a_failure_inside_a_stream_is_logged_as_one_and_ends_the_response(tmp_path):
    project = make_project(tmp_path)
    track_id = project.create_track(title="Broken", synced=True, lines=BROKEN_LINES)
    with serving(project) as server:
        response = httpx.get(f"{server.url}/tracks/{track_id}/lyrics/text?pace=instant", timeout=5)
        assert response.status_code == 200
        assert response.text == "first\n", "the response ends after what could be sent"
        time.sleep(0.5)
        log = server.log()
    assert "stream failed after its response started" in log
    assert "Traceback" in log
    assert "KeyError" in log
    assert "outcome=error" in log
    assert "outcome=client-gone" not in log


def test_f10_after_a_stream_fails_mid_response_the_server_still_answers_everything(tmp_path):
    project = make_project(tmp_path)
    broken = project.create_track(title="Broken", synced=True, lines=BROKEN_LINES)
    good = project.create_track(title="Good", synced=True, lines=SLOW_LINES)
    make_station(project)
    with serving(project) as server:
        version = version_of(server, good)
        for path in (
            f"/music/text?track_id={broken}&pace=instant",
            f"/tracks/{broken}/lyrics/events?pace=instant",
        ):
            # What happens to this request is F9's; here it only has to have happened.
            with (
                contextlib.suppress(httpx.ReadTimeout),
                httpx.stream("GET", server.url + path, timeout=3) as response,
            ):
                response.read()
        time.sleep(2.5)  # daphne's periodic checkers have run since
        with httpx.Client(timeout=4) as client:
            assert client.get(f"{server.url}/api/tracks").status_code == 200
            assert client.get(f"{server.url}/tracks/999999/lyrics/events").status_code == 404
            assert client.get(f"{server.url}/tracks/{good}/lyrics/text?at=x").status_code == 400
            headers = {"Last-Event-ID": f"{version}-" + "9" * 5000}
            with client.stream(
                "GET", f"{server.url}/tracks/{good}/lyrics/events", headers=headers
            ) as response:
                assert response.status_code == 200
                assert first_event(response).startswith("event: lyrics"), "the song from its start"
            with client.stream("GET", f"{server.url}/stations/radio/events?recover=true") as response:
                assert response.status_code == 200
        log = server.log()
    assert "Exception inside application" not in log
    assert "Unhandled error in Deferred" not in log


# --- F11: smaller findings --------------------------------------------------------------------


def test_f11_the_database_and_the_secret_key_are_created_private(tmp_path):
    old_umask = os.umask(0o022)
    try:
        project = make_project(tmp_path)
        with serving(project) as server:
            assert httpx.get(f"{server.url}/api/tracks").status_code == 200
            made = {p.name: stat.S_IMODE(p.stat().st_mode) for p in project.var_dir.iterdir() if p.is_file()}
    finally:
        os.umask(old_umask)
    assert {"byeol.sqlite3", "secret_key"} <= set(made)
    private = {name: mode for name, mode in made.items() if not name.startswith("daphne-")}
    assert all(mode == 0o600 for mode in private.values()), {k: oct(v) for k, v in private.items()}


def test_f11_healthz_allow_limits_who_reads_healthz(tmp_path):
    project = make_project(tmp_path)
    options = ["-e", "tcp:port=0:interface=127.0.0.1"]
    refused = launch_daphne(project, options, {"HEALTHZ_ALLOW": "10.0.0.0/8, 192.0.2.1"})
    try:
        response = httpx.get(f"{refused.url}/healthz", timeout=10)
        assert response.status_code == 403
        assert "streams" not in response.text
        assert httpx.get(f"{refused.url}/api/tracks", timeout=10).status_code == 200
    finally:
        refused.stop()
    with serving(project, HEALTHZ_ALLOW="::1, 127.0.0.0/8") as allowed:
        assert httpx.get(f"{allowed.url}/healthz").json()["status"] == "ok"


def test_f11_a_line_break_in_an_audio_path_with_sendfile_is_no_500(tmp_path):
    music = tmp_path / "music"
    music.mkdir()
    song = music / "a\r\nX-Injected: yes.mp3"
    song.write_bytes(b"ID3 bytes")
    project = make_project(tmp_path, AUDIO_ACCEL="sendfile", AUDIO_ROOTS=music)
    track_id = project.create_track(title="Crlf", audio_path=str(song))
    with serving(project) as server:
        response = httpx.get(f"{server.url}/tracks/{track_id}/audio", timeout=10)
    assert response.status_code == 200
    assert response.content == b"ID3 bytes", "served by Byeol, not handed to the proxy"
    assert "x-injected" not in response.headers
    assert "x-sendfile" not in response.headers
