"""Audio serving: Byeol on daphne against nginx sendfile, on the same 100 MB file.

    .venv/bin/python benchmarks/audio_bench.py [--size-mb 100] [--slow-clients 20]

Prints, in one run:
- throughput of whole-file downloads (curl; seven pairs, one from each server
  back to back, medians kept: nginx's own figure swings by half from one
  download to the next, so single downloads made the ratio swing too);
- `Range: bytes=0-1` probes per second (8 keep-alive connections, 5 s);
- server RSS growth while N clients read the file at 1 MB/s each for 20 s,
  for Byeol with write backpressure (the default), without it, and behind
  nginx with the X-Accel-Redirect offload.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.nginx import Nginx, run_nginx, start_nginx  # noqa: E402
from tests.support.servers import Project, free_port, start_daphne  # noqa: E402


def download_mb_s(url: str) -> float:
    out = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{speed_download}", url],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout) / 1e6


def paired_downloads(ours: str, theirs: str, pairs: int = 7) -> tuple[float, float, float]:
    """Median MB/s of each, and the median of the pairs' ratios (ours / theirs)."""
    measured = [(download_mb_s(ours), download_mb_s(theirs)) for _ in range(pairs)]
    return (
        statistics.median(a for a, _ in measured),
        statistics.median(b for _, b in measured),
        statistics.median(a / b for a, b in measured),
    )


async def _probe_loop(host: str, port: int, path: str, stop_at: float) -> int:
    """Range probes on a keep-alive connection, reconnecting when the server closes it."""
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nRange: bytes=0-1\r\n\r\n".encode()
    done = 0
    reader, writer = await asyncio.open_connection(host, port)
    while time.monotonic() < stop_at:
        try:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            length = int(
                next(line.split(b":")[1] for line in lines if line.lower().startswith(b"content-length"))
            )
            await reader.readexactly(length)
            done += 1
            if any(line.lower() == b"connection: close" for line in lines):
                raise ConnectionResetError
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            reader, writer = await asyncio.open_connection(host, port)
    writer.close()
    return done


def probes_per_s(port: int, path: str, seconds: float = 5.0, connections: int = 8) -> float:
    async def main() -> int:
        stop_at = time.monotonic() + seconds
        counts = await asyncio.gather(
            *(_probe_loop("127.0.0.1", port, path, stop_at) for _ in range(connections))
        )
        return sum(counts)

    return asyncio.run(main()) / seconds


def rss_growth_mb(pids: list[int], url: str, clients: int, seconds: float = 20.0) -> float:
    procs = [psutil.Process(pid) for pid in pids]

    def rss() -> int:
        total = 0
        for proc in procs:
            total += proc.memory_info().rss
            total += sum(child.memory_info().rss for child in proc.children(recursive=True))
        return total

    baseline = rss()
    readers = [
        subprocess.Popen(["curl", "-s", "--limit-rate", "1M", "-o", "/dev/null", url]) for _ in range(clients)
    ]
    peak = baseline
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        peak = max(peak, rss())
        time.sleep(0.25)
    for reader in readers:
        reader.terminate()
        reader.wait()
    return (peak - baseline) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--slow-clients", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        music = tmp_path / "music"
        music.mkdir()
        song = music / "big.mp3"
        with song.open("wb") as handle:
            for _ in range(args.size_mb):
                handle.write(os.urandom(2**20))
        rows = []

        def project(name: str, **env: str) -> tuple[Project, int]:
            proj = Project(
                var_dir=tmp_path / name, env={"LOG_LEVEL": "WARNING", "AUDIO_ROOTS": str(music), **env}
            )
            proj.var_dir.mkdir()
            proj.manage("migrate", "--noinput")
            return proj, proj.create_track(title="Big", audio_path=str(song))

        plain, track_id = project("plain")
        daphne = start_daphne(plain)
        peer = _static_nginx(tmp_path / "static-nginx", music)
        try:
            path = f"/tracks/{track_id}/audio"
            rows.append(("throughput MB/s", *paired_downloads(daphne.url + path, f"{peer.url}/big.mp3")))
            ours, theirs = probes_per_s(daphne.port, path), probes_per_s(peer.port, "/big.mp3")
            rows.append(("bytes=0-1 probes/s", ours, theirs, ours / theirs))
            growth_bp = rss_growth_mb([daphne.proc.pid], daphne.url + path, args.slow_clients)
        finally:
            daphne.stop()
            peer.stop()

        unbounded, track_id = project("unbounded", WRITE_BACKPRESSURE="false")
        daphne = start_daphne(unbounded)
        try:
            growth_nobp = rss_growth_mb(
                [daphne.proc.pid], daphne.url + f"/tracks/{track_id}/audio", args.slow_clients
            )
        finally:
            daphne.stop()

        offload, track_id = project("offload", AUDIO_ACCEL="nginx", AUDIO_ACCEL_ROOT=str(music))
        daphne = start_daphne(offload)
        nginx = start_nginx(
            tmp_path / "offload-nginx", upstream_port=daphne.port, audio_root=music, static_root=tmp_path
        )
        try:
            path = f"/tracks/{track_id}/audio"
            offload_throughput = download_mb_s(nginx.url + path)
            offload_probes = probes_per_s(nginx.port, path)
            growth_offload = rss_growth_mb(
                [daphne.proc.pid, nginx.proc.pid], nginx.url + path, args.slow_clients
            )
        finally:
            nginx.stop()
            daphne.stop()

    print(f"\n{args.size_mb} MB file; {os.cpu_count()} cores\n")
    print(f"{'measure':<24}{'byeol/daphne':>14}{'nginx sendfile':>16}{'ratio':>8}")
    for name, ours, theirs, ratio in rows:
        print(f"{name:<24}{ours:>14.1f}{theirs:>16.1f}{ratio:>8.0%}")
    print(f"\nRSS growth, {args.slow_clients} clients reading at 1 MB/s for 20 s:")
    print(f"  byeol/daphne, write backpressure (default) {growth_bp:8.1f} MB")
    print(f"  byeol/daphne, backpressure off             {growth_nobp:8.1f} MB")
    print(f"  byeol + nginx X-Accel offload (both)       {growth_offload:8.1f} MB")
    print(f"\noffload through nginx: {offload_throughput:.1f} MB/s, {offload_probes:.1f} probes/s")
    print("targets: throughput ≥ 50% of nginx's; ≥ 1,000 probes/s; RSS growth ≤ 64 MB for the slow readers")


def _static_nginx(run_dir: Path, music: Path) -> Nginx:
    """nginx serving ``music`` directly with sendfile: the peer."""
    port = free_port()
    site = (
        f"server {{ listen 127.0.0.1:{port}; location / {{ root {music}; sendfile on; tcp_nopush on; }} }}\n"
    )
    return run_nginx(run_dir, site, port)


if __name__ == "__main__":
    main()
