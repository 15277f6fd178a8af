"""Debian's Pushpin in front of test daphne processes, in a temporary folder, on its own ports;
and nginx between them (deploy/nginx/byeol-origin.conf) to spread the joins."""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from string import Template

from tests.support.nginx import Nginx, run_nginx
from tests.support.servers import ROOT, free_port, wait_for_port

PUSHPIN = shutil.which("pushpin") or "/usr/bin/pushpin"


@dataclass
class Pushpin:
    port: int
    offset: int
    key: str
    proc: subprocess.Popen[bytes]
    run_dir: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def grip_url(self) -> str:
        """Byeol's GRIP_URL for this Pushpin."""
        return f"http://127.0.0.1:{5561 + self.offset}?iss=pushpin&key={self.key}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.run_dir, ignore_errors=True)


def _free_offset() -> int:
    """A port offset whose Pushpin ports (5560-5564 + offset) are free now.

    Offsets stay below Linux's ephemeral range (32768 and up), where a busy
    benchmark's own client connections would otherwise collide with them.
    """
    for _ in range(50):
        offset = random.randrange(20, 270) * 100
        try:
            for port in range(5560 + offset, 5565 + offset):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return offset
    raise RuntimeError("no free port range for Pushpin")


def start_pushpin(*, upstream_ports: list[int], key: str = "byeol-test-key") -> Pushpin:
    """Pushpin with deploy/pushpin/pushpin.conf, routing to ``upstream_ports`` (a daphne process, or
    nginx in front of several). Pushpin tries several targets in order: the second only serves when
    the first cannot be reached."""
    # A short folder: Pushpin's IPC socket paths must fit in 108 bytes.
    run_dir = Path(tempfile.mkdtemp(prefix="pushpin-"))
    offset = _free_offset()
    port = free_port()
    config = Template((ROOT / "deploy" / "pushpin" / "pushpin.conf").read_text())
    values = {"RUNDIR": str(run_dir), "PORT_OFFSET": str(offset), "SIG_KEY": key}
    (run_dir / "pushpin.conf").write_text(config.safe_substitute(values))
    targets = " ".join(f"127.0.0.1:{port}" for port in upstream_ports)
    (run_dir / "routes").write_text(f"* {targets}\n")
    with (run_dir / "pushpin.out").open("ab") as out:
        proc = subprocess.Popen(
            [
                PUSHPIN,
                "--config",
                str(run_dir / "pushpin.conf"),
                "--merge-output",
                "--port",
                f"127.0.0.1:{port}",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=run_dir,
        )
    wait_for_port(port, timeout_s=30)
    wait_for_port(5561 + offset, timeout_s=30)
    return Pushpin(port, offset, key, proc, run_dir)


def start_origin(run_dir: Path, *, upstream_ports: list[int]) -> Nginx:
    """nginx with deploy/nginx/byeol-origin.conf, spreading requests over ``upstream_ports``."""
    port = free_port()
    site = []
    for line in (ROOT / "deploy" / "nginx" / "byeol-origin.conf").read_text().splitlines():
        if line.strip().startswith("server ${DAPHNE_2}"):
            continue
        if line.strip().startswith("server ${DAPHNE_1}"):
            # The shipped file names two processes: one line per process here.
            site += [line.replace("${DAPHNE_1}", f"127.0.0.1:{up}") for up in upstream_ports]
        else:
            site.append(line)
    text = Template("\n".join(site)).safe_substitute({"LISTEN": f"127.0.0.1:{port}"})
    return run_nginx(run_dir, text, port)
