"""What the benchmarks share: the open-file limit raised for thousands of sockets, percentiles,
starting a server to measure."""

from __future__ import annotations

import resource
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.support.servers import wait_for_port

ROOT = Path(__file__).resolve().parent.parent


def raise_nofile() -> None:
    """Raise this process's open-file limit to its hard limit (thousands of sockets)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values`` (nan when there are none)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def start_server(cmd: list[str], env: Mapping[str, str], port: int) -> subprocess.Popen[bytes]:
    """Start a server under test (its output discarded, its file limit raised) and wait for its port."""
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=raise_nofile
    )
    wait_for_port(port, timeout_s=30)
    time.sleep(1)
    return proc
