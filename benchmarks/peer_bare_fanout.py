"""The floor for the station fan-out: one event written to every listener by a bare ASGI app on daphne.

    python -m daphne -e tcp:port=8002:interface=127.0.0.1:backlog=2048 benchmarks.peer_bare_fanout:app

It answers the requests ``station_fanout.py`` makes, and nothing else:
``GET /stations/b/events`` (an opening event, then whatever is played),
``POST /api/stations/b/queue`` (ignored) and ``POST /api/stations/b/play``
(a ``track`` event with ``started_at``, then each line at its time, each one
pre-encoded once and sent to every listener in a plain loop). No framework,
no guard, no backpressure, no storage: what daphne and Twisted cost by
themselves to write one event to N sockets. BENCH_LINES and BENCH_STEP_MS
match the benchmark's track.
"""

import asyncio
import json
import os
import time
from datetime import UTC, datetime

LINES = int(os.environ.get("BENCH_LINES", "6"))
STEP_MS = int(os.environ.get("BENCH_STEP_MS", "2000"))
HEADERS = [(b"content-type", b"text/event-stream; charset=utf-8"), (b"cache-control", b"no-cache")]
LISTENERS: set = set()
PLAYING: list[asyncio.Task] = []


def event(name: str, data: dict) -> dict:
    body = f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()
    return {"type": "http.response.body", "body": body, "more_body": True}


async def fan_out(message: dict) -> None:
    for send in list(LISTENERS):
        await send(message)


async def play() -> None:
    started = time.time() + 0.2
    await fan_out(event("track", {"started_at": datetime.fromtimestamp(started, UTC).isoformat()}))
    for index in range(LINES):
        time_ms = 1000 + index * STEP_MS
        await asyncio.sleep(max(0.0, started + time_ms / 1000 - time.time()))
        await fan_out(event("line", {"index": index, "time_ms": time_ms, "text": f"line {index}"}))


async def _until_disconnect(receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    if scope["path"] == "/stations/b/events":
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        await send(event("stop", {}))
        LISTENERS.add(send)
        try:
            await _until_disconnect(receive)
        finally:
            LISTENERS.discard(send)
        return
    while (await receive()).get("more_body"):
        pass
    if scope["path"] == "/api/stations/b/play":
        PLAYING.append(asyncio.get_running_loop().create_task(play()))
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]}
    )
    await send({"type": "http.response.body", "body": b"{}"})
