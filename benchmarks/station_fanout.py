"""Station fan-out: how late one `line` event reaches 1,000 / 5,000 / 10,000 listeners.

    .venv/bin/python benchmarks/station_fanout.py [--listeners 1000,5000]
                                                  [--pushpin-listeners 1000,5000,10000]

One daphne process (embedded: no Redis), and the same behind Pushpin (GRIP),
each with a station playing a track whose lines come every 2 s. Listeners are
lean raw-socket readers spread over client processes. Latency is each `line`
event's arrival against its due time (the station's started_at + the line's
time_ms, on this machine's clock). RSS per listener is the growth of the
serving processes' RSS (daphne, and Pushpin's processes) over the listeners.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import queue as queue_module
import re
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pushpin import start_pushpin  # noqa: E402
from tests.servers import Project, free_port, start_daphne  # noqa: E402

TOKEN = "bench-token"
LINES = 6
STEP_MS = 2000
CLIENT_PROCESSES = 4
EVENT = re.compile(rb"event: (track|line)\r?\n(?:id: [^\n]*\n)?data: (\{[^\n]*\})\r?\n")


def raise_nofile() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def listen(port: int, path: str, out: list, ready: list) -> None:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        out.append(("error", None))
        return
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())
    started_at, buffer, seen = None, b"", 0
    ready.append(1)
    try:
        while seen < LINES:
            chunk = await asyncio.wait_for(reader.read(65536), timeout=LINES * STEP_MS / 1000 + 60)
            now = time.time()
            if not chunk:
                break
            buffer += chunk
            end = buffer.rfind(b"\n\n")
            if end < 0:
                continue
            complete, buffer = buffer[: end + 1], buffer[end + 1 :]
            for kind, raw in EVENT.findall(complete):
                data = json.loads(raw)
                if kind == b"track":
                    started_at = datetime.fromisoformat(data["started_at"]).timestamp()
                elif started_at is not None:
                    out.append(("ok", now - (started_at + data["time_ms"] / 1000)))
                    seen += 1
    except (TimeoutError, OSError):
        out.append(("error", None))
    finally:
        writer.close()


def client(port: int, path: str, count: int, results, ready_counter) -> None:
    raise_nofile()

    async def main() -> list:
        out: list = []
        ready: list = []
        tasks = []
        for _ in range(count):
            tasks.append(asyncio.create_task(listen(port, path, out, ready)))
            await asyncio.sleep(0.001)
        while len(ready) < count:  # noqa: ASYNC110 - waiting for every connection to be made
            await asyncio.sleep(0.1)
        with ready_counter.get_lock():
            ready_counter.value += count
        await asyncio.gather(*tasks)
        return out

    results.put(asyncio.run(main()))


def rss(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        proc = psutil.Process(pid)
        total += proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
    return total


def run(
    name: str, listeners: int, listen_port: int, control_url: str, slug: str, track_id: int, pids: list[int]
):
    baseline = rss(pids)
    results: mp.Queue = mp.Queue()
    ready = mp.Value("i", 0)
    per = [
        listeners // CLIENT_PROCESSES + (1 if i < listeners % CLIENT_PROCESSES else 0)
        for i in range(CLIENT_PROCESSES)
    ]
    path = f"/stations/{slug}/events"
    procs = [mp.Process(target=client, args=(listen_port, path, n, results, ready)) for n in per]
    for proc in procs:
        proc.start()
    deadline = time.monotonic() + 120
    while ready.value < listeners and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)
    held = rss(pids)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    httpx.post(f"{control_url}/api/stations/{slug}/queue", json={"track_ids": [track_id]}, headers=auth)
    httpx.post(f"{control_url}/api/stations/{slug}/play", headers=auth)
    collected = []
    while len(collected) < len(procs):
        with contextlib.suppress(queue_module.Empty):
            collected.append(results.get(timeout=1))
        if time.monotonic() > deadline + LINES * STEP_MS / 1000:
            break
    for proc in procs:
        proc.join(timeout=5)
    flat = [item for chunk in collected for item in chunk]
    latencies = sorted(value * 1000 for kind, value in flat if kind == "ok")
    errors = sum(1 for kind, _ in flat if kind == "error") + max(0, listeners * LINES - len(latencies))

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")

    return (name, listeners, pct(0.5), pct(0.99), (held - baseline) / listeners / 1024, errors)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--listeners", default="1000,5000")
    parser.add_argument("--pushpin-listeners", default="1000,5000,10000")
    args = parser.parse_args()
    raise_nofile()
    rows = []
    for mode, counts in (("daphne", args.listeners), ("pushpin", args.pushpin_listeners)):
        for listeners in [int(n) for n in counts.split(",") if n]:
            with tempfile.TemporaryDirectory() as tmp:
                port = free_port()
                pushpin = start_pushpin(upstream_ports=[port]) if mode == "pushpin" else None
                env = {"STATIONS_API_TOKEN": TOKEN, "LOG_LEVEL": "WARNING"}
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
                    rows.append(run(name, listeners, listen_port, server.url, "b", track_id, pids))
                    print(f"  done: {name} × {listeners}", file=sys.stderr)
                finally:
                    server.stop()
                    if pushpin:
                        pushpin.stop()
    cores = os.cpu_count()
    every = f"one `line` event every {STEP_MS / 1000:g} s, {LINES} lines"
    print(f"\n{every}; {cores} cores shared with the clients\n")
    print(f"{'serving':<20}{'listeners':>10}{'p50':>10}{'p99':>10}{'KB/listener':>13}{'errors':>8}")
    for name, listeners, p50, p99, kb, errors in rows:
        print(f"{name:<20}{listeners:>10}{p50:>8.1f}ms{p99:>8.1f}ms{kb:>13.1f}{errors:>8}")
    print(
        "\ntargets: p99 ≤ 250 ms for 1,000 listeners on one process; 10,000 through Pushpin with p99 ≤ 500 ms"
    )


if __name__ == "__main__":
    main()
