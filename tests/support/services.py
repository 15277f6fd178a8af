"""Real services a test needs: skipped on a user's machine without them, a failure in CI."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(name: str, host: str, port: int) -> None:
    """Skip on a user's machine without the service; fail in CI, where it must run."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return
    except OSError as exc:
        message = f"{name} is not reachable at {host}:{port} ({exc})"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def require_binary(path: Path | str, package: str) -> None:
    if Path(path).exists():
        return
    message = f"{path} is missing: apt-get install -y {package}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)
