"""Soak: listeners churning against one daphne for a long while; RSS must stay flat.

    .venv/bin/python benchmarks/soak.py [--listeners 500] [--minutes 10]

Keeps N listeners connected to the demo song's lyric stream; each stays for a
random 2–20 s (from a random position, so lines keep flowing), then leaves and
is replaced. Samples the server's RSS every 10 s, fits a line through the
samples after the first minute (warm-up) and prints the slope, with the count
of streams served and of errors (refused connections, non-200 answers,
streams that broke before the listener left).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.servers import Project, start_daphne  # noqa: E402


async def listener(port: int, path: str, stop_at: float, stats: dict) -> None:
    rng = random.Random()
    while time.monotonic() < stop_at:
        stay_s = rng.uniform(2, 20)
        at_ms = rng.randrange(0, 40_000)
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET {path}?at={at_ms} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            if not head.startswith(b"HTTP/1.1 200"):
                stats["errors"] += 1
            leave_at = time.monotonic() + stay_s
            while (left := leave_at - time.monotonic()) > 0:
                try:
                    chunk = await asyncio.wait_for(reader.read(65536), left)
                except TimeoutError:
                    break
                if not chunk:  # the song ended: fine, the listener starts another
                    break
                stats["bytes"] += len(chunk)
            writer.close()
            stats["streams"] += 1
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            stats["errors"] += 1
            await asyncio.sleep(1)


def slope_mb_per_min(samples: list[tuple[float, int]]) -> float:
    xs = [t / 60 for t, _ in samples]
    ys = [rss / 2**20 for _, rss in samples]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


async def soak(port: int, pid: int, listeners: int, minutes: float) -> tuple[dict, list[tuple[float, int]]]:
    stats = {"streams": 0, "errors": 0, "bytes": 0}
    started = time.monotonic()
    stop_at = started + minutes * 60
    proc = psutil.Process(pid)
    tasks = [
        asyncio.create_task(listener(port, "/tracks/1/lyrics/events", stop_at, stats))
        for _ in range(listeners)
    ]
    samples = []
    while time.monotonic() < stop_at:
        await asyncio.sleep(10)
        samples.append((time.monotonic() - started, proc.memory_info().rss))
        print(
            f"  {samples[-1][0]:6.0f} s  RSS {samples[-1][1] / 2**20:7.1f} MB  streams {stats['streams']}"
            f"  errors {stats['errors']}",
            file=sys.stderr,
        )
    await asyncio.gather(*tasks)
    return stats, samples


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--listeners", type=int, default=500)
    parser.add_argument("--minutes", type=float, default=10)
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(
            var_dir=Path(tmp) / "var", env={"LOG_LEVEL": "WARNING", "STREAMS_MAX_PER_CLIENT": "0"}
        )
        project.var_dir.mkdir()
        project.manage("migrate", "--noinput")
        project.manage("import_library", str(ROOT / "demo" / "library"))
        server = start_daphne(project)
        try:
            stats, samples = asyncio.run(soak(server.port, server.proc.pid, args.listeners, args.minutes))
        finally:
            server.stop()
    steady = [s for s in samples if s[0] >= 60] or samples
    print(f"\n{args.listeners} listeners for {args.minutes} min, churning every 2–20 s\n")
    print(f"streams served        {stats['streams']}")
    print(f"errors                {stats['errors']}")
    print(f"RSS first / last      {samples[0][1] / 2**20:.1f} MB / {samples[-1][1] / 2**20:.1f} MB")
    print(f"RSS slope after 1 min {slope_mb_per_min(steady):+.2f} MB/min")
    print("targets: RSS flat (slope near 0), zero errors")


if __name__ == "__main__":
    main()
