"""Station joins behind Pushpin: how many listeners a second one and two daphne processes let in.

    .venv/bin/python benchmarks/station_joins.py [--joins 2000] [--concurrency 200] [--rounds 1]

Every join is one GRIP request from Pushpin to Django, answered with the
station's opening; Pushpin then holds the listener. Three ways of serving, in
the same run, each with a fresh Pushpin and fresh daphne processes on
PostgreSQL and Redis: Pushpin straight to one daphne process (its routes file
names it), and Pushpin to nginx (deploy/nginx/byeol-origin.conf) in front of
one and of two daphne processes. Clients are raw sockets on one epoll loop per
client process, keeping ``--concurrency`` joins in flight between them as fast
as they can; a join is answered when its opening event has arrived, and the
listener stays connected until the round ends. A join refused (not 200:
Pushpin's 502 when the origin falls behind) is tried again at once and
counted. The rate is answered joins over the time from the first request to
the last opening. CPU per join is the CPU time (user + system) each part
used during the joins, over the joins: it does not depend on what else the
machine is doing, and says how many joins a second the cores could take.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import select
import socket
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import psycopg  # noqa: E402

from benchmarks.common import percentile, raise_nofile  # noqa: E402
from tests.support.pushpin import start_origin, start_pushpin  # noqa: E402
from tests.support.servers import free_port, start_daphne  # noqa: E402
from tests.support.stations import station_project  # noqa: E402

CLIENT_PROCESSES = 2
ADMIN_DB = "postgresql://postgres@127.0.0.1:5432/postgres"


def client(port: int, path: str, count: int, concurrency: int, results: mp.Queue) -> None:
    """``count`` joins, ``concurrency`` in flight at a time, on one epoll loop."""
    raise_nofile()
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode()
    poll = select.epoll()
    pending: dict[int, tuple[socket.socket, float, bytes]] = {}
    held: list[socket.socket] = []
    latencies: list[float] = []
    refused = 0
    started = time.monotonic()
    to_start = count
    while to_start or pending:
        while to_start and len(pending) < concurrency:
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(request)
            sock.setblocking(False)
            pending[sock.fileno()] = (sock, time.monotonic(), b"")
            poll.register(sock.fileno(), select.EPOLLIN)
            to_start -= 1
        for fd, _ in poll.poll(1.0):
            sock, began, received = pending[fd]
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            received += data
            if data and (len(received) < 12 or (received[9:12] == b"200" and b"event: " not in received)):
                pending[fd] = (sock, began, received)  # the status or the opening is not all here yet
                continue
            poll.unregister(fd)
            del pending[fd]
            if data and received[9:12] == b"200":
                latencies.append(time.monotonic() - began)
                held.append(sock)
            else:
                refused += 1
                to_start += 1
                sock.close()
    results.put((started, time.monotonic(), latencies, refused))
    for sock in held:
        sock.close()


def run_joins(port: int, path: str, joins: int, concurrency: int) -> tuple[float, list[float], int]:
    """Seconds from the first request to the last opening, every join's latency, and refusals."""
    results: mp.Queue = mp.Queue()
    shares = [joins // CLIENT_PROCESSES + (i < joins % CLIENT_PROCESSES) for i in range(CLIENT_PROCESSES)]
    procs = [
        mp.Process(target=client, args=(port, path, n, concurrency // CLIENT_PROCESSES, results))
        for n in shares
    ]
    for proc in procs:
        proc.start()
    collected = [results.get(timeout=300) for _ in procs]
    for proc in procs:
        proc.join(timeout=10)
    began = min(c[0] for c in collected)
    ended = max(c[1] for c in collected)
    latencies = sorted(value for c in collected for value in c[2])
    return ended - began, latencies, sum(c[3] for c in collected)


def cpu_s(pids: list[int]) -> float:
    """CPU time used so far by these processes and their children."""
    total = 0.0
    for pid in pids:
        proc = psutil.Process(pid)
        for each in [proc, *proc.children(recursive=True)]:
            times = each.cpu_times()
            total += times.user + times.system
    return total


def serve(project, mode: str, processes: int, run_dir: Path):  # type: ignore[no-untyped-def]
    """Start Pushpin (and nginx) and ``processes`` daphne processes; return the port, the processes
    of each part and a stop."""
    ports = [free_port() for _ in range(processes)]
    origin = (
        start_origin(run_dir / f"nginx-{mode}-{processes}", upstream_ports=ports) if mode == "nginx" else None
    )
    pushpin = start_pushpin(upstream_ports=[origin.port] if origin else ports)
    project.env["GRIP_URL"] = pushpin.grip_url
    servers = [start_daphne(project, port=port) for port in ports]

    def stop() -> None:
        for server in servers:
            server.stop()
        pushpin.stop()
        if origin:
            origin.stop()

    parts = {
        "daphne": [server.proc.pid for server in servers],
        "Pushpin": [pushpin.proc.pid],
        "nginx": [origin.proc.pid] if origin else [],
    }
    return pushpin.port, servers, parts, stop


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--joins", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=200, help="joins in flight (all clients)")
    parser.add_argument("--rounds", type=int, default=1, help="repeat every way of serving this often")
    args = parser.parse_args()
    raise_nofile()
    database = f"byeol_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_DB, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    ways = [("direct", 1, "Pushpin → daphne"), ("nginx", 1, "Pushpin → nginx → daphne"), ("nginx", 2, "")]
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            project, slug, _ = station_project(
                Path(tmp), f"postgres://postgres@127.0.0.1:5432/{database}", LOG_LEVEL="WARNING"
            )
            path = f"/stations/{slug}/events"
            for round_ in range(args.rounds):
                for mode, processes, name in ways:
                    port, servers, parts, stop = serve(project, mode, processes, Path(tmp) / f"r{round_}")
                    try:
                        run_joins(port, path, 50, 10)  # warm: connections, caches, Pushpin's routes
                        warm = [server.log().count(f'"GET {path}" 200') for server in servers]
                        cpu_before = {name: cpu_s(pids) for name, pids in parts.items()}
                        seconds, latencies, refused = run_joins(port, path, args.joins, args.concurrency)
                        cpu = {name: cpu_s(pids) - cpu_before[name] for name, pids in parts.items()}
                        served = [
                            server.log().count(f'"GET {path}" 200') - before
                            for server, before in zip(servers, warm, strict=True)
                        ]
                    finally:
                        stop()
                    label = name or "Pushpin → nginx → daphne"
                    row = (label, processes, len(latencies), seconds, latencies, refused, served, cpu)
                    rows.append(row)
                    print(f"  done: {label} × {processes}", file=sys.stderr)
    finally:
        with psycopg.connect(ADMIN_DB, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def pct(values: list[float], q: float) -> float:
        return percentile(values, q) * 1000

    load = os.getloadavg()[0]
    print(
        f"\n{args.joins} joins, {args.concurrency} in flight; {os.cpu_count()} cores shared with "
        f"the clients; load average {load:.1f} at the end\n"
    )
    print(
        f"{'serving':<28}{'daphne':>7}{'answered':>10}{'seconds':>9}{'joins/s':>9}{'p50':>9}{'p99':>10}"
        f"{'refused':>9}  CPU ms per join (daphne, Pushpin, nginx)  joins per process"
    )
    for label, processes, answered, seconds, latencies, refused, served, cpu in rows:
        per_join = ", ".join(
            f"{cpu[name] * 1000 / max(answered, 1):.2f}" for name in ("daphne", "Pushpin", "nginx")
        )
        print(
            f"{label:<28}{processes:>7}{answered:>10}{seconds:>9.2f}{answered / seconds:>9.0f}"
            f"{pct(latencies, 0.5):>7.0f}ms{pct(latencies, 0.99):>8.0f}ms{refused:>9}  {per_join:<41}{served}"
        )


if __name__ == "__main__":
    main()
