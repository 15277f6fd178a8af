"""Station fan-out: how late one `line` event reaches 1,000 / 5,000 / 10,000 listeners.

    .venv/bin/python benchmarks/station_fanout.py [--listeners 1000,5000]
                                                  [--pushpin-listeners 1000,5000,10000]

One daphne process (embedded: no Redis), and the same behind Pushpin (GRIP),
each with a station playing a track whose lines come every 2 s. Listeners are
raw sockets on one epoll loop per client process; they join at
``--connect-rate`` a second, retry a non-200 answer after a second or so (as
the station page does), and the station starts playing once every one of them
has its opening event. Latency is each `line` event's arrival (stamped on
receipt, parsed afterwards) against its due time (the station's started_at +
the line's time_ms, on this machine's clock). RSS per listener is the growth of
the serving processes' RSS (daphne, and Pushpin's processes) over the listeners.
"all in" is how long the listeners took to join; "retried", how many joins
were answered with something other than 200 (Pushpin's 502 when the origin
falls behind) and tried again.

``--floor-listeners 1000,5000`` adds the floor: the same requests answered by
a bare ASGI app on daphne (``benchmarks/peer_bare_fanout.py``), which writes
each pre-encoded event to every listener in a plain loop. Byeol on one daphne
cannot beat it; the gap is Byeol's own cost.
"""

from __future__ import annotations

import argparse
import contextlib
import heapq
import json
import multiprocessing as mp
import os
import queue as queue_module
import random
import re
import select
import socket
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import percentile, raise_nofile, start_server  # noqa: E402
from tests.support.pushpin import start_pushpin  # noqa: E402
from tests.support.servers import Project, daphne_command, free_port, start_daphne  # noqa: E402

TOKEN = "bench-token"
LINES = 6
STEP_MS = 2000
CLIENT_PROCESSES = 4
CONNECT_S = 120  # time allowed for every listener to be connected and answered
REQUEST = b"GET /stations/b/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
EVENT = re.compile(rb"event: (track|line)\r?\n(?:id: [^\n]*\n)?data: (\{[^\n]*\})\r?\n")


class Listener:
    """One listener's connection: every read is stamped on arrival and parsed afterwards."""

    def __init__(self, port: int, attempt: int) -> None:
        self.attempt = attempt
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(REQUEST)
        self.sock.setblocking(False)
        self.chunks: list[tuple[float, bytes]] = []
        self.status: bytes | None = None
        self.lines = 0

    def latencies(self) -> list[float]:
        """Each `line` event's arrival against its due time, from the recorded reads."""
        out, buffer, started_at = [], b"", None
        for now, data in self.chunks:
            buffer += data
            end = buffer.rfind(b"\n\n")
            if end < 0:
                continue
            complete, buffer = buffer[: end + 1], buffer[end + 1 :]
            for kind, raw in EVENT.findall(complete):
                event = json.loads(raw)
                if kind == b"track":
                    started_at = datetime.fromisoformat(event["started_at"]).timestamp()
                elif started_at is not None:
                    out.append(now - (started_at + event["time_ms"] / 1000))
        return out


def client(port: int, count: int, rate: float, results, ready_counter) -> None:
    """``count`` listeners on one epoll loop: as little client work per read as Python allows.

    Listeners join at ``rate`` a second; one refused (not 200) joins again
    after a second or so, as the station page does, up to ten times.
    """
    raise_nofile()
    poll = select.epoll()
    open_: dict[int, Listener] = {}
    done: list[Listener] = []
    joins: list[tuple[float, int]] = []  # (when, attempt), a heap
    began = time.monotonic()
    for n in range(count):
        heapq.heappush(joins, (began + n / rate, 0))
    retries = 0
    finish_by = began + CONNECT_S + LINES * STEP_MS / 1000 + 20
    while (joins or open_) and time.monotonic() < finish_by:
        now = time.monotonic()
        while joins and joins[0][0] <= now:
            _, attempt = heapq.heappop(joins)
            try:
                listener = Listener(port, attempt)
            except OSError:  # never joins: its lines count as lost
                continue
            open_[listener.sock.fileno()] = listener
            poll.register(listener.sock.fileno(), select.EPOLLIN)
        timeout = max(0.0, min(joins[0][0] - time.monotonic(), 0.1)) if joins else 0.1
        for fd, _ in poll.poll(timeout):
            listener = open_[fd]
            stamp = time.time()
            try:
                data = listener.sock.recv(65536)
            except OSError:
                data = b""
            if data:
                listener.chunks.append((stamp, data))
                if listener.status is None:
                    listener.status = data[9:12]  # "HTTP/1.1 200 OK"
                    if listener.status == b"200":
                        with ready_counter.get_lock():
                            ready_counter.value += 1  # its opening `stop` event is in this read
                listener.lines += data.count(b"event: line")
                if listener.status == b"200" and listener.lines < LINES:
                    continue
            poll.unregister(fd)
            listener.sock.close()
            del open_[fd]
            if listener.status == b"200":
                done.append(listener)
            elif listener.attempt < 9:
                retries += 1
                heapq.heappush(joins, (time.monotonic() + 1 + random.random(), listener.attempt + 1))
    done.extend(open_.values())
    latencies = [value for listener in done for value in listener.latencies()]
    results.put((latencies, retries))


def rss(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        proc = psutil.Process(pid)
        total += proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
    return total


def run(
    name: str, listeners: int, rate: float, listen_port: int, control_url: str, track_id: int, pids: list[int]
):
    baseline = rss(pids)
    results: mp.Queue = mp.Queue()
    ready = mp.Value("i", 0)
    per = [
        listeners // CLIENT_PROCESSES + (1 if i < listeners % CLIENT_PROCESSES else 0)
        for i in range(CLIENT_PROCESSES)
    ]
    procs = [
        mp.Process(target=client, args=(listen_port, n, rate / CLIENT_PROCESSES, results, ready)) for n in per
    ]
    for proc in procs:
        proc.start()
    began = time.monotonic()
    while ready.value < listeners and time.monotonic() < began + CONNECT_S:
        time.sleep(0.2)
    connect_s = time.monotonic() - began
    time.sleep(2)
    held = rss(pids)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    httpx.post(f"{control_url}/api/stations/b/queue", json={"track_ids": [track_id]}, headers=auth)
    httpx.post(f"{control_url}/api/stations/b/play", headers=auth)
    collected = []
    until = time.monotonic() + 30 + LINES * STEP_MS / 1000
    while len(collected) < len(procs) and time.monotonic() < until:
        with contextlib.suppress(queue_module.Empty):
            collected.append(results.get(timeout=1))
    for proc in procs:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
    latencies = sorted(value * 1000 for chunk, _ in collected for value in chunk)
    retried = sum(retries for _, retries in collected)
    errors = max(0, listeners * LINES - len(latencies))  # lines some listener never got

    kb = (held - baseline) / listeners / 1024
    return (
        name,
        listeners,
        percentile(latencies, 0.5),
        percentile(latencies, 0.99),
        kb,
        errors,
        connect_s,
        retried,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--listeners", default="1000,5000")
    parser.add_argument("--pushpin-listeners", default="1000,5000,10000")
    parser.add_argument("--floor-listeners", default="", help="the bare-daphne floor, e.g. 1000,5000")
    parser.add_argument(
        "--connect-rate", type=float, default=200, help="listeners joining per second (all clients)"
    )
    args = parser.parse_args()
    raise_nofile()
    rows = []
    for listeners in [int(n) for n in args.floor_listeners.split(",") if n]:
        port = free_port()
        env = {**os.environ, "BENCH_LINES": str(LINES), "BENCH_STEP_MS": str(STEP_MS)}
        floor = start_server(daphne_command(port, "benchmarks.peer_bare_fanout:app"), env, port)
        try:
            url = f"http://127.0.0.1:{port}"
            rows.append(run("bare ASGI/daphne", listeners, args.connect_rate, port, url, 0, [floor.pid]))
            print(f"  done: bare ASGI/daphne × {listeners}", file=sys.stderr)
        finally:
            floor.terminate()
            floor.wait(timeout=20)
    for mode, counts in (("daphne", args.listeners), ("pushpin", args.pushpin_listeners)):
        for listeners in [int(n) for n in counts.split(",") if n]:
            with tempfile.TemporaryDirectory() as tmp:
                port = free_port()
                pushpin = start_pushpin(upstream_ports=[port]) if mode == "pushpin" else None
                env = {"STATIONS_API_TOKEN": TOKEN, "LOG_LEVEL": "WARNING", "STREAMS_MAX_PER_CLIENT": "0"}
                if pushpin:
                    env["GRIP_URL"] = pushpin.grip_url
                project = Project(var_dir=Path(tmp) / "var", env=env)
                project.var_dir.mkdir()
                project.manage("migrate", "--noinput")
                lines = [
                    {"index": i, "time_ms": 1000 + i * STEP_MS, "text": f"line {i}"} for i in range(LINES)
                ]
                track_id = project.create_track(
                    title="Fan-out", synced=True, lines=lines, duration_ms=(LINES + 1) * STEP_MS
                )
                project.manage(
                    "shell",
                    "-c",
                    "from stations.models import Station; Station.objects.create(slug='b', name='B')",
                )
                server = start_daphne(project, port=port)
                try:
                    pids = [server.proc.pid] + ([pushpin.proc.pid] if pushpin else [])
                    listen_port = pushpin.port if pushpin else port
                    name = "daphne (embedded)" if not pushpin else "pushpin → daphne"
                    rate = args.connect_rate
                    rows.append(run(name, listeners, rate, listen_port, server.url, track_id, pids))
                    print(f"  done: {name} × {listeners}", file=sys.stderr)
                finally:
                    server.stop()
                    if pushpin:
                        pushpin.stop()
    cores = os.cpu_count()
    every = f"one `line` event every {STEP_MS / 1000:g} s, {LINES} lines"
    print(f"\n{every}; {cores} cores shared with the clients\n")
    print(
        f"{'serving':<20}{'listeners':>10}{'p50':>10}{'p99':>10}{'KB/listener':>13}{'errors':>8}"
        f"{'all in':>9}{'retried':>9}"
    )
    for name, listeners, p50, p99, kb, errors, connect_s, retried in rows:
        print(
            f"{name:<20}{listeners:>10}{p50:>8.1f}ms{p99:>8.1f}ms{kb:>13.1f}{errors:>8}{connect_s:>8.1f}s"
            f"{retried:>9}"
        )
    print(
        "\ntargets: one process p99 ≤ 100 ms for 1,000 listeners and ≤ 250 ms for 5,000;"
        " 10,000 through Pushpin p99 ≤ 500 ms"
    )


if __name__ == "__main__":
    main()
