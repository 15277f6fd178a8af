"""Debian's nginx in front of a test daphne, unprivileged, in a temporary folder."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from string import Template

from tests.support.servers import ROOT, free_port, wait_for_port

NGINX = Path("/usr/sbin/nginx")
MAIN = """\
$USER
worker_processes 1;
pid $RUN/nginx.pid;
error_log $RUN/error.log warn;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $RUN/body;
    proxy_temp_path $RUN/proxy;
    fastcgi_temp_path $RUN/fastcgi;
    uwsgi_temp_path $RUN/uwsgi;
    scgi_temp_path $RUN/scgi;
    include $RUN/byeol.conf;
}
"""


@dataclass
class Nginx:
    port: int
    proc: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def start_nginx(run_dir: Path, *, upstream_port: int, audio_root: Path, static_root: Path) -> Nginx:
    """nginx with deploy/nginx/byeol.conf, proxying to daphne on ``upstream_port``."""
    run_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    site = Template((ROOT / "deploy" / "nginx" / "byeol.conf").read_text())
    # nginx's own $variables are not ours: substitute only the four placeholders.
    values = {
        "LISTEN": f"127.0.0.1:{port}",
        "UPSTREAM": f"127.0.0.1:{upstream_port}",
        "AUDIO_ROOT": f"{audio_root}/",
        "STATIC_ROOT": f"{static_root}/",
    }
    return run_nginx(run_dir, site.safe_substitute(values), port)


def run_nginx(run_dir: Path, site: str, port: int) -> Nginx:
    """Start nginx with ``site`` (server blocks) as its only site, listening on ``port``."""
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "byeol.conf").write_text(site)
    # Run as root, the workers could not read pytest's private temp folders as nobody.
    user = "user root;" if os.geteuid() == 0 else ""
    (run_dir / "nginx.conf").write_text(Template(MAIN).substitute(RUN=run_dir, USER=user))
    command = [
        str(NGINX),
        "-c",
        str(run_dir / "nginx.conf"),
        "-e",
        str(run_dir / "error.log"),
        "-g",
        "daemon off;",
    ]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return Nginx(port, proc)
