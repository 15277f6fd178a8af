"""The peer: the same lyrics workload served the idiomatic sse-starlette way.

    uvicorn benchmarks.peer_sse_starlette:app --port 8001

A 60-line track, one line every 0.5 s (BENCH_LINES / BENCH_INTERVAL_S change
it): a ``lyrics`` snapshot, then ``line`` events paced with ``asyncio.sleep``
between lines, then ``end``.
"""

import asyncio
import json
import os

from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette
from starlette.routing import Route

LINES = int(os.environ.get("BENCH_LINES", "60"))
INTERVAL_S = float(os.environ.get("BENCH_INTERVAL_S", "0.5"))
TRACK = [
    {"index": i, "time_ms": round(i * INTERVAL_S * 1000), "text": f"라인 {i} — line {i}"}
    for i in range(LINES)
]


async def lyrics_events(request):
    async def events():
        yield {"event": "lyrics", "data": json.dumps({"track": {"id": 1}, "synced": True, "lines": TRACK})}
        previous = 0
        for line in TRACK:
            await asyncio.sleep((line["time_ms"] - previous) / 1000)
            previous = line["time_ms"]
            yield {"event": "line", "id": str(line["index"]), "data": json.dumps(line)}
        yield {"event": "end", "data": "{}"}

    return EventSourceResponse(events())


app = Starlette(routes=[Route("/tracks/1/lyrics/events", lyrics_events)])
