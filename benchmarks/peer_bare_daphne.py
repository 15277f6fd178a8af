"""The floor: the same lyrics workload as a bare ASGI app on daphne, no framework at all.

    python -m daphne -e tcp:port=8002:interface=127.0.0.1:backlog=2048 benchmarks.peer_bare_daphne:app

What daphne and Twisted cost by themselves: the bytes Byeol sends (a
``lyrics`` snapshot, ``line`` events paced with ``asyncio.sleep``, ``end``),
written straight to ``send`` with no routing, guard, limits, backpressure or
logging. Byeol on daphne cannot be faster than this; the gap between them is
Byeol's own cost. BENCH_LINES and BENCH_INTERVAL_S set the track, as for the
sse-starlette peer.
"""

import asyncio
import json
import os

LINES = int(os.environ.get("BENCH_LINES", "60"))
INTERVAL_S = float(os.environ.get("BENCH_INTERVAL_S", "0.5"))
TRACK = [
    {"index": i, "time_ms": round(i * INTERVAL_S * 1000), "text": f"라인 {i} — line {i}"}
    for i in range(LINES)
]
HEADERS = [(b"content-type", b"text/event-stream; charset=utf-8"), (b"cache-control", b"no-cache")]


def event(name: str, data: str, event_id: str | None = None) -> bytes:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: {data}\n\n".encode()


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    snapshot = json.dumps({"track": {"id": 1}, "synced": True, "lines": TRACK}, ensure_ascii=False)
    await send({"type": "http.response.body", "body": event("lyrics", snapshot), "more_body": True})
    loop = asyncio.get_running_loop()
    start = loop.time()
    for line in TRACK:
        await asyncio.sleep(max(0.0, start + line["time_ms"] / 1000 - loop.time()))
        body = event("line", json.dumps(line, ensure_ascii=False, separators=(",", ":")), str(line["index"]))
        await send({"type": "http.response.body", "body": body, "more_body": True})
    await send({"type": "http.response.body", "body": event("end", "{}"), "more_body": False})
