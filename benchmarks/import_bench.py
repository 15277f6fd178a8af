"""Import speed: files per second for a generated library of small tracks.

    .venv/bin/python benchmarks/import_bench.py [--tracks 1000]

Each track is a tiny MP3 with ID3 tags and a sidecar .lrc in CP949 every
third track (so decoding is exercised); the first run imports them all, the
second finds them unchanged.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from mutagen.id3 import ID3, TALB, TIT2, TPE1, Encoding

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.media import make_audio  # noqa: E402
from tests.support.servers import Project  # noqa: E402


def make_library(folder: Path, count: int) -> None:
    tone = folder / "tone.mp3"
    make_audio(tone, source="sine=f=440:d=1", codec=("-c:a", "libmp3lame", "-b:a", "32k"))
    for i in range(count):
        album = folder / f"Artist {i % 20}" / f"Album {i % 50}"
        album.mkdir(parents=True, exist_ok=True)
        song = album / f"{i:04d} 노래 {i}.mp3"
        shutil.copy(tone, song)
        tags = ID3()
        tags.add(TIT2(encoding=Encoding.UTF8, text=f"노래 {i}"))
        tags.add(TPE1(encoding=Encoding.UTF8, text=f"Artist {i % 20}"))
        tags.add(TALB(encoding=Encoding.UTF8, text=f"Album {i % 50}"))
        tags.save(song)
        lrc = "".join(f"[00:{s:02d}.00]가사 {i} 줄 {s}\n" for s in range(20))
        song.with_suffix(".lrc").write_bytes(lrc.encode("cp949" if i % 3 == 0 else "utf-8"))
    tone.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tracks", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        library = Path(tmp) / "library"
        library.mkdir()
        make_library(library, args.tracks)
        files = sum(1 for p in library.rglob("*") if p.is_file())
        project = Project(var_dir=Path(tmp) / "var", env={"LOG_LEVEL": "WARNING"})
        project.var_dir.mkdir()
        project.manage("migrate", "--noinput")
        rows = []
        for name in ("first run (all added)", "second run (unchanged)"):
            started = time.perf_counter()
            done = project.manage("import_library", str(library), "--no-progress")
            elapsed = time.perf_counter() - started
            rows.append((name, elapsed, files / elapsed, done.stdout.strip().splitlines()[-1]))
    print(f"\n{args.tracks} tracks, {files} files (audio + sidecar .lrc); times include Django start-up\n")
    print(f"{'run':<26}{'seconds':>9}{'files/s':>10}  summary")
    for name, elapsed, rate, summary in rows:
        print(f"{name:<26}{elapsed:>9.1f}{rate:>10.0f}  {summary}")


if __name__ == "__main__":
    main()
