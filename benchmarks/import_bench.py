"""Import speed: files per second for a generated library of small tracks, and what romanization costs.

    .venv/bin/python benchmarks/import_bench.py [--tracks 1000]

Each track is a tiny MP3 with ID3 tags and a sidecar .lrc of 20 lines: Korean
(in CP949, so decoding is exercised), Japanese or Chinese in turn. The first
run imports them all, the second finds them unchanged; the first run is
measured with generated pronunciation on (the default) and off
(``LYRICS_PRONUNCIATION=false``). Then a server process (``project.asgi``
loaded) reports its RSS before and after romanizing its first Japanese line,
which loads the morphological dictionary.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mutagen.id3 import ID3, TALB, TIT2, TPE1, Encoding

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.media import make_audio  # noqa: E402
from tests.support.servers import PYTHON, Project  # noqa: E402

LINES = ("밤하늘에 작은 별 하나", "君と歩いた道を覚えてる", "我们一起走过的路")

RSS_PROBE = """
import os, psutil
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
import project.asgi  # what daphne loads
from lyrics.reading import read_lyrics
rss = lambda: psutil.Process().memory_info().rss / 2**20
before = rss()
read_lyrics("[00:01.00]밤하늘에 작은 별 하나")
korean = rss()
read_lyrics("[00:01.00]我们一起走过的路")
chinese = rss()
read_lyrics("[00:01.00]君と歩いた道を覚えてる")
print(before, korean, chinese, rss())
"""


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
        line = LINES[i % 3]
        lrc = "".join(f"[00:{s:02d}.00]{line} {i} {s}\n" for s in range(20))
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
        rows = []
        for pronunciation in ("true", "false"):
            env = {"LOG_LEVEL": "WARNING", "LYRICS_PRONUNCIATION": pronunciation}
            project = Project(var_dir=Path(tmp) / f"var-{pronunciation}", env=env)
            project.var_dir.mkdir()
            project.manage("migrate", "--noinput")
            runs = (
                ("first run (all added)", "second run (unchanged)")
                if pronunciation == "true"
                else ("first run",)
            )
            for name in runs:
                started = time.perf_counter()
                done = project.manage("import_library", str(library), "--no-progress")
                elapsed = time.perf_counter() - started
                label = f"{name}, pronunciation {'on' if pronunciation == 'true' else 'off'}"
                rows.append((label, elapsed, files / elapsed, done.stdout.strip().splitlines()[-1]))
        probe = subprocess.run(
            [PYTHON, "-c", RSS_PROBE],
            cwd=ROOT,
            env=project.environ(),
            capture_output=True,
            text=True,
            check=True,
        )
        before, korean, chinese, japanese = (float(x) for x in probe.stdout.split()[-4:])
    print(f"\n{args.tracks} tracks, {files} files (audio + sidecar .lrc); times include Django start-up\n")
    print(f"{'run':<44}{'seconds':>9}{'files/s':>10}  summary")
    for name, elapsed, rate, summary in rows:
        print(f"{name:<44}{elapsed:>9.1f}{rate:>10.0f}  {summary}")
    print("\nA server process (project.asgi loaded), RSS in MB:")
    print(f"  at start {before:.1f}; after a Korean line {korean:.1f}; after a Chinese line {chinese:.1f};")
    print(f"  after a Japanese line {japanese:.1f} (+{japanese - chinese:.1f} for the Japanese dictionary)")


if __name__ == "__main__":
    main()
