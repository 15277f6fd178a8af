"""Paced lyric streams: the only code in Byeol that waits.

A stream's schedule is absolute: line ``i`` is due at
``start + (time_ms[i] - position_ms) / rate`` on the stream's clock, so a late
wake-up never delays the lines after it (no drift over a long song). The clock
is injectable; tests drive it without sleeping.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
from bisect import bisect_right
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Line = dict[str, Any]  # lyrics.document.Line.as_dict(), as stored on Track.lines


class Clock(Protocol):
    def now(self) -> float:
        """Monotonic seconds."""

    async def sleep(self, seconds: float) -> None: ...


class LoopClock:
    """The event loop's own monotonic clock."""

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


LOOP_CLOCK = LoopClock()


@dataclass(frozen=True)
class Plan:
    """Which lines a stream sends, and from which position in the song."""

    lines: Sequence[Line]
    first: int  # index into lines of the first line to send
    position_ms: int  # the song position at the stream's start
    rate: float
    paced: bool


def line_at(lines: Sequence[Line], position_ms: int) -> int:
    """The index of the line active at ``position_ms`` (-1 before the first); untimed lines never are."""
    timed = [(line["time_ms"], index) for index, line in enumerate(lines) if line.get("time_ms") is not None]
    found = bisect_right(timed, (position_ms, math.inf)) - 1
    return timed[found][1] if found >= 0 else -1


def plan_from_position(lines: Sequence[Line], *, at_ms: int, rate: float = 1.0, paced: bool = True) -> Plan:
    """Start at ``at_ms``: the line active then comes first, at once; earlier ones are skipped."""
    if not paced:
        return Plan(lines, 0, 0, rate, False)
    return Plan(lines, max(line_at(lines, at_ms), 0), at_ms, rate, True)


def plan_after(lines: Sequence[Line], *, index: int, rate: float = 1.0, paced: bool = True) -> Plan:
    """Resume right after line ``index``, as if the song stood at that line's time."""
    position_ms = lines[index]["time_ms"] if paced and 0 <= index < len(lines) else 0
    return Plan(lines, index + 1, position_ms or 0, rate, paced)


def lines_version(lines: Sequence[Line]) -> str:
    """A short fingerprint of the lyrics: resume tokens from other lyrics are not honoured."""
    blob = json.dumps(lines, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.blake2s(blob, digest_size=4).hexdigest()


def line_token(version: str, index: int) -> str:
    return f"{version}-{index}"


def end_token(version: str) -> str:
    return f"{version}-end"


END = -1


def parse_token(token: str | None, *, version: str, count: int) -> int | None:
    """The line index a ``Last-Event-ID`` names, ``END`` after the end, None if not ours."""
    if not token:
        return None
    prefix, _, rest = token.strip().partition("-")
    if prefix != version:
        return None
    if rest == "end":
        return END
    if rest.isascii() and rest.isdigit() and len(rest) <= 9 and int(rest) < count:
        return int(rest)
    return None


@dataclass
class StreamStats:
    """What a stream did, for its log line."""

    lines_sent: int = 0
    outcome: str = "open"


async def paced(
    plan: Plan,
    *,
    encode_line: Callable[[Line], bytes],
    encode_heartbeat: Callable[[], bytes],
    heartbeat_s: float,
    clock: Clock,
    stats: StreamStats | None = None,
) -> AsyncIterator[bytes]:
    """Yield each planned line when it comes due, heartbeats while idle.

    Ends after the last line; the caller adds whatever closes its format.
    """
    stats = stats if stats is not None else StreamStats()
    start = clock.now()
    last_sent = start
    for line in plan.lines[plan.first :]:
        time_ms = line.get("time_ms")
        if plan.paced and time_ms is not None:
            due = start + max(0, time_ms - plan.position_ms) / 1000 / plan.rate
            while (wait := due - clock.now()) > 0:
                idle_left = last_sent + heartbeat_s - clock.now()
                if idle_left < wait:
                    await clock.sleep(max(idle_left, 0))
                    yield encode_heartbeat()
                    last_sent = clock.now()
                else:
                    await clock.sleep(wait)
        yield encode_line(line)
        stats.lines_sent += 1
        last_sent = clock.now()
