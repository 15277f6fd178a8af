"""The Subsonic API against the catalog API, on daphne, on a generated 10,000-track library.

    .venv/bin/python benchmarks/subsonic_bench.py [--tracks 10000] [--seconds 5] [--clients 8]

Prints requests per second and median latency, in one run, for:
- ``search3`` (token auth, 20 songs/albums/artists a page) vs ``/api/tracks?q=``;
- ``getAlbumList2`` (newest, 20 albums) vs ``/api/tracks`` (the whole catalog);
- ``getLyricsBySongId`` (enhanced=true: cues, agents, kinds) vs ``/api/tracks/<id>``.

The library: 10,000 tracks, 200 artists, 1,000 albums, Korean and English
titles, 40 synced lines each with word timings and translations. Every track
points at one small real mp3 (the requests measured never read it). The load
comes from keep-alive httpx clients in this process, on the same two cores as
daphne: the figures compare the two APIs, not the machine's ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.media import make_audio  # noqa: E402
from tests.support.servers import PYTHON, Project, start_daphne  # noqa: E402
from tests.support.subsonic_library import token_params  # noqa: E402

PASSWORD = "bench-player-password"
SALT = "b3nchs4lt"
WORDS = ["별빛", "노래", "바람", "하늘", "star", "night", "wind", "song", "river", "light"]

GENERATE = """
import json, sys
from lyrics.models import Track
spec = json.loads(sys.stdin.read())
words = spec["words"]
tracks = []
for i in range(spec["count"]):
    lines = []
    for n in range(40):
        text = f"{words[(i + n) % len(words)]} {words[(i * 7 + n) % len(words)]} {n}"
        start = 1000 + n * 4000
        lines.append({
            "index": n, "time_ms": start, "end_ms": start + 3500, "text": text,
            "words": [{"time_ms": start + k * 1000, "end_ms": start + k * 1000 + 900, "text": w}
                      for k, w in enumerate(text.split())],
            "agent": None, "background": None, "translation": f"line {n}", "pronunciation": None,
        })
    tracks.append(Track(
        title=f"{words[i % len(words)]} {words[(i // 10) % len(words)]} {i}",
        artist=f"가수 {i % 200}" if i % 2 else f"Artist {i % 200}",
        album=f"Album {i % 1000}",
        year=1990 + i % 35, genre=["K-pop", "Ballad", "Rock", "Jazz"][i % 4],
        track_number=i // 1000 + 1, duration_ms=180_000,
        audio_path=spec["audio"], source_path=f"/bench/{i}.mp3",
        lines=lines, synced=True, language="ko", translation_language="en",
        lyrics_text="\\n".join(line["text"] for line in lines), lyrics_source="bench",
    ))
Track.objects.bulk_create(tracks, batch_size=500)
print(Track.objects.count())
"""


def build(project: Project, count: int, audio: Path) -> None:
    import subprocess

    subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", GENERATE],
        cwd=ROOT,
        env=project.environ(),
        input=json.dumps({"count": count, "audio": str(audio), "words": WORDS}),
        text=True,
        capture_output=True,
        check=True,
    )
    project.manage("subsonic_user", "bench", "--password", PASSWORD)


def subsonic(method: str, **params: object) -> tuple[str, dict[str, str]]:
    auth = {**token_params("bench", PASSWORD, SALT), "c": "bench", "f": "json"}
    return f"/rest/{method}.view", {**auth, **{k: str(v) for k, v in params.items()}}


async def measure(base: str, make_request, *, seconds: float, clients: int) -> tuple[float, float, int]:
    """(requests per second, median ms, failures) of ``clients`` keep-alive loops for ``seconds``."""
    latencies: list[float] = []
    failures = 0

    async def loop(client: httpx.AsyncClient, stop_at: float, record: bool) -> None:
        nonlocal failures
        while time.monotonic() < stop_at:
            path, params = make_request()
            began = time.perf_counter()
            response = await client.get(path, params=params)
            took = time.perf_counter() - began
            ok = response.status_code == 200 and (
                not path.startswith("/rest/") or response.json()["subsonic-response"]["status"] == "ok"
            )
            if record:
                latencies.append(took)
                failures += 0 if ok else 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        await asyncio.gather(*(loop(client, time.monotonic() + 0.5, False) for _ in range(clients)))
        began = time.monotonic()
        await asyncio.gather(*(loop(client, began + seconds, True) for _ in range(clients)))
        elapsed = time.monotonic() - began
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, failures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tracks", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="byeol-subsonic-bench-") as tmp:
        music = Path(tmp) / "music"
        music.mkdir()
        audio = make_audio(music / "tone.mp3", source="sine=f=440:d=1")
        project = Project(var_dir=Path(tmp) / "var", env={"AUDIO_ROOTS": str(music), "LOG_LEVEL": "WARNING"})
        project.var_dir.mkdir()
        project.manage("migrate", "--noinput")
        began = time.monotonic()
        build(project, args.tracks, audio)
        print(f"library: {args.tracks} tracks generated in {time.monotonic() - began:.1f} s")
        server = start_daphne(project)
        try:
            rng = random.Random(13)
            cases = [
                (
                    "search3 / ?q=",
                    lambda: subsonic(
                        "search3", query=rng.choice(WORDS), songCount=20, albumCount=20, artistCount=20
                    ),
                    lambda: ("/api/tracks", {"q": rng.choice(WORDS)}),
                ),
                (
                    "getAlbumList2 / list",
                    lambda: subsonic("getAlbumList2", type="newest", size=20, offset=rng.randrange(0, 900)),
                    lambda: ("/api/tracks", {}),
                ),
                (
                    "getLyricsBySongId / detail",
                    lambda: subsonic(
                        "getLyricsBySongId", id=rng.randrange(1, args.tracks + 1), enhanced="true"
                    ),
                    lambda: (f"/api/tracks/{rng.randrange(1, args.tracks + 1)}", {}),
                ),
            ]
            rows = []
            for name, rest, catalog in cases:
                rest_result = asyncio.run(
                    measure(server.url, rest, seconds=args.seconds, clients=args.clients)
                )
                catalog_result = asyncio.run(
                    measure(server.url, catalog, seconds=args.seconds, clients=args.clients)
                )
                rows.append((name, rest_result, catalog_result))
        finally:
            server.stop()

    print(f"\n{args.clients} keep-alive clients, {args.seconds:g} s each, one daphne process\n")
    print(
        f"| {'call (Subsonic / catalog)':<28} | Subsonic req/s | p50 ms | catalog req/s | p50 ms | failed |"
    )
    print(f"|{'-' * 30}|---------------:|-------:|--------------:|-------:|-------:|")
    for name, (rps, p50, bad), (crps, cp50, cbad) in rows:
        print(f"| {name:<28} | {rps:14.1f} | {p50:6.1f} | {crps:13.1f} | {cp50:6.1f} | {bad + cbad:6d} |")


if __name__ == "__main__":
    main()
