"""Concurrent synced lyric streams: Byeol on daphne vs sse-starlette on uvicorn (and a floor).

    .venv/bin/python benchmarks/sse_bench.py [--streams 1000,3000] [--lines 60] [--interval 0.5]

For each server and each stream count it opens that many concurrent streams
(lean raw-socket readers spread over client processes), and reports:
- pacing jitter p50/p99: each line's arrival, measured from the stream's first
  line, against its timestamp;
- first-event latency p50/p99: connect to the first byte of the stream;
- RSS per stream: the server's RSS growth at full load divided by the streams.

``--only bare`` (not run by default) measures the floor: the same bytes from a
bare ASGI app on daphne (``benchmarks/peer_bare_daphne.py``), what daphne and
Twisted cost with no framework at all.
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
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import percentile, raise_nofile, start_server  # noqa: E402
from tests.support.servers import Project, daphne_command, free_port  # noqa: E402

LINE = re.compile(rb'data: \{"index":\s*(\d+)')
CLIENT_PROCESSES = 4


async def one_stream(port: int, path: str, interval_s: float, lines: int, out: list) -> None:
    started = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        out.append(("error", "connect"))
        return
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())
    first_byte = None
    first_line = None
    jitters = []
    seen = 0
    tail = b""
    try:
        while seen < lines:
            chunk = await asyncio.wait_for(reader.read(65536), timeout=lines * interval_s + 30)
            now = time.monotonic()
            if not chunk:
                break
            if first_byte is None:
                first_byte = now - started
            data = tail + chunk
            # Only complete events count; the rest waits for the next read.
            end = max(data.rfind(b"\n\n"), data.rfind(b"\r\n\r\n"))
            if end < 0:
                tail = data
                continue
            data, tail = data[:end], data[end:]
            for match in LINE.finditer(data):
                index = int(match.group(1))
                if first_line is None:
                    first_line = now - index * interval_s
                jitters.append((now - first_line) - index * interval_s)
                seen += 1
    except (TimeoutError, OSError):
        out.append(("error", "read"))
        return
    finally:
        writer.close()
    out.append(("ok", first_byte, jitters, seen))


def client_process(
    port: int, path: str, count: int, ramp_s: float, interval_s: float, lines: int, queue
) -> None:
    raise_nofile()

    async def main() -> list:
        out: list = []
        tasks = []
        for _ in range(count):
            tasks.append(asyncio.create_task(one_stream(port, path, interval_s, lines, out)))
            await asyncio.sleep(ramp_s / count)
        await asyncio.gather(*tasks)
        return out

    queue.put(asyncio.run(main()))


def measure(name: str, proc: psutil.Process, port: int, path: str, streams: int, args) -> dict:
    baseline = proc.memory_info().rss
    cpu_before = proc.cpu_times()
    queue: mp.Queue = mp.Queue()
    per = [
        streams // CLIENT_PROCESSES + (1 if i < streams % CLIENT_PROCESSES else 0)
        for i in range(CLIENT_PROCESSES)
    ]
    ramp_s = max(1.0, streams / 1500)
    clients = [
        mp.Process(target=client_process, args=(port, path, n, ramp_s, args.interval, args.lines, queue))
        for n in per
    ]
    for c in clients:
        c.start()
    peak = baseline
    # A stream that falls behind ends late; one that stalls ends at its read timeout (+30 s).
    deadline = time.monotonic() + ramp_s + 2 * args.lines * args.interval + 90
    results: list = []
    while len(results) < len(clients) and time.monotonic() < deadline:
        peak = max(peak, proc.memory_info().rss)
        with contextlib.suppress(queue_module.Empty):
            results.append(queue.get(timeout=0.5))
    cpu_after = proc.cpu_times()
    for c in clients:
        c.join(timeout=5)
    flat = [item for result in results for item in result]
    ok = [item for item in flat if item[0] == "ok"]
    # Streams never reported (their client process did not finish in time) count as errors.
    errors = streams - len(ok) + sum(1 for item in ok if item[3] < args.lines)
    jitters = [abs(j) * 1000 for item in ok for j in item[2]]
    first = [item[1] * 1000 for item in ok if item[1] is not None]
    return {
        "server": name,
        "streams": streams,
        "jitter_p50": percentile(jitters, 0.5),
        "jitter_p99": percentile(jitters, 0.99),
        "first_p50": percentile(first, 0.5),
        "first_p99": percentile(first, 0.99),
        "kb_per_stream": (peak - baseline) / streams / 1024,
        "errors": errors,
        # The server's CPU time per event written (lines, snapshot and end), in µs.
        "cpu_us_per_event": (
            (cpu_after.user + cpu_after.system - cpu_before.user - cpu_before.system)
            / max(1, streams * (args.lines + 2))
            * 1e6
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--streams", default="1000,3000")
    parser.add_argument("--lines", type=int, default=60)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--only", choices=["byeol", "peer", "bare"], action="append")
    args = parser.parse_args()
    raise_nofile()

    with tempfile.TemporaryDirectory() as tmp:
        # Every benchmark stream comes from 127.0.0.1: lift the per-address limits.
        limits = {
            "STREAMS_MAX_PER_CLIENT": "0",
            "STREAMS_MAX_TOTAL": "0",
            **json.loads(os.environ.get("BENCH_ENV", "{}")),
        }
        project = Project(var_dir=Path(tmp) / "var", env={"LOG_LEVEL": "WARNING", **limits})
        project.var_dir.mkdir()
        project.manage("migrate", "--noinput")
        lines = [
            {"index": i, "time_ms": round(i * args.interval * 1000), "text": f"라인 {i} — line {i}"}
            for i in range(args.lines)
        ]
        track_id = project.create_track(title="Bench", synced=True, lines=lines)
        env = project.environ()
        env.update({"BENCH_LINES": str(args.lines), "BENCH_INTERVAL_S": str(args.interval)})
        servers = []
        only = args.only or ["byeol", "peer"]
        if "byeol" in only:
            port = free_port()
            servers.append(("byeol/daphne", daphne_command(port), port, f"/tracks/{track_id}/lyrics/events"))
        if "bare" in only:
            port = free_port()
            cmd = daphne_command(port, "benchmarks.peer_bare_daphne:app")
            servers.append(("bare ASGI/daphne", cmd, port, "/tracks/1/lyrics/events"))
        if "peer" in only:
            port = free_port()
            cmd = [
                sys.executable,
                "-m",
                "uvicorn",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "benchmarks.peer_sse_starlette:app",
            ]
            servers.append(("sse-starlette/uvicorn", cmd, port, "/tracks/1/lyrics/events"))
        rows = []
        for streams in [int(s) for s in args.streams.split(",")]:
            for name, cmd, port, path in servers:
                server = start_server(cmd, env, port)
                try:
                    rows.append(measure(name, psutil.Process(server.pid), port, path, streams, args))
                finally:
                    server.terminate()
                    server.wait(timeout=20)
                print(f"  done: {name} × {streams}", file=sys.stderr)

    cores = os.cpu_count()
    print(f"\n{args.lines} lines every {args.interval} s per stream; {cores} cores shared with the clients\n")
    columns = [("server", 24), ("streams", 8), ("jitter p50", 12), ("jitter p99", 12), ("first p50", 11)]
    columns += [("first p99", 11), ("KB/stream", 11), ("errors", 8), ("CPU µs/event", 14)]
    head = "".join(f"{name:<{width}}" if name == "server" else f"{name:>{width}}" for name, width in columns)
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['server']:<24}{r['streams']:>8}{r['jitter_p50']:>10.1f}ms{r['jitter_p99']:>10.1f}ms"
            f"{r['first_p50']:>9.1f}ms{r['first_p99']:>9.1f}ms{r['kb_per_stream']:>11.1f}{r['errors']:>8}"
            f"{r['cpu_us_per_event']:>14.0f}"
        )
    print(
        "\ntargets: p99 ≤ 20 ms at 1,000; at 3,000 p99 ≤ a fifth of the peer's,"
        " first-event p99 ≤ the peer's;\n         10,000 on one daphne p99 ≤ 250 ms and ≤ 27 KB/stream;"
        " KB/stream ≤ the peer's"
    )


if __name__ == "__main__":
    main()
