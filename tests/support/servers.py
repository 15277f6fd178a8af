"""Real servers for tests: daphne on a free local port, with its own database.

Tests that need HTTP over a socket (curl, Chromium, httpx-sse) start the
project exactly as a user would: ``daphne project.asgi:application``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, timeout_s: float = 20.0, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listened on {host}:{port} within {timeout_s} s")


@dataclass
class Project:
    """The project configured against one private var dir and database."""

    var_dir: Path
    env: dict[str, str] = field(default_factory=dict)

    def environ(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "project.settings",
                "BYEOL_VAR_DIR": str(self.var_dir),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.pop("DATABASE_URL", None)
        env.update(self.env)
        return env

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.environ(),
            capture_output=True,
            text=True,
            check=check,
        )

    def create_track(self, **fields: object) -> int:
        """Create a Track (lyrics given as ``lyrics_text`` are parsed) and return its id."""
        script = (
            "import json, sys\n"
            "from lyrics.models import Track\n"
            "from lyrics.services import track_lyrics_set\n"
            "fields = json.loads(sys.stdin.read())\n"
            "text = fields.pop('lyrics_text', None)\n"
            "track = Track(**fields)\n"
            "if text is not None:\n"
            "    track_lyrics_set(track=track, text=text, source='test', save=False)\n"
            "track.save()\n"
            "print(track.pk)\n"
        )
        done = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=self.environ(),
            input=json.dumps(fields),
            capture_output=True,
            text=True,
            check=True,
        )
        return int(done.stdout.strip().splitlines()[-1])


@dataclass
class Daphne:
    project: Project
    port: int
    proc: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def track_id(self, title: str) -> int:
        """The id of the one track whose title contains ``title`` (the demo's ids depend on file order)."""
        found = [
            t["id"]
            for t in httpx.get(f"{self.url}/api/tracks", params={"q": title}).json()["tracks"]
            if title in t["title"]
        ]
        assert len(found) == 1, (title, found)
        return found[0]

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 10.0) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def daphne_endpoint(port: int) -> str:
    """daphne's listening socket as deploy/byeol.service sets it: a listen queue of 2048, not Twisted's 50."""
    return f"tcp:port={port}:interface=127.0.0.1:backlog=2048"


def daphne_command(port: int, app: str = "project.asgi:application") -> list[str]:
    """The command that serves ``app`` with daphne on ``port``, listening as the shipped service does."""
    return [PYTHON, "-m", "daphne", "-e", daphne_endpoint(port), app]


def start_daphne(project: Project, *, port: int | None = None, extra_env: Mapping[str, str] = ()) -> Daphne:
    """Start ``daphne project.asgi:application`` and wait until it answers."""
    port = port or free_port()
    log_path = project.var_dir / f"daphne-{port}.log"
    env = project.environ()
    env.update(dict(extra_env))
    with log_path.open("ab") as log_file:
        proc = subprocess.Popen(
            daphne_command(port),
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = Daphne(project, port, proc, log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"daphne exited with {proc.returncode}:\n{server.log()}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.stop()
    raise TimeoutError(f"daphne did not answer /healthz:\n{server.log()}")


def running(project: Project, **kwargs: object) -> Iterator[Daphne]:
    server = start_daphne(project, **kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()
