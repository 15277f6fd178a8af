"""Audio made on the spot with Debian's ffmpeg, for tests and benchmarks."""

from __future__ import annotations

import subprocess
from pathlib import Path


def make_audio(path: Path, *, source: str = "sine=f=440:d=1.5", codec: tuple[str, ...] = ()) -> Path:
    """Encode the lavfi ``source`` (a tone by default) into ``path``, with no tags."""
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            source,
            *codec,
            "-map_metadata",
            "-1",
            str(path),
        ],
        check=True,
    )
    return path
