"""What a station's clock does next: pure, no Django, no waiting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# A track with no known duration ends this long after its last line.
TAIL_MS = 5000


@dataclass(frozen=True)
class Step:
    kind: str  # "line" (send lines[index]) or "advance" (the track is over)
    due_ms: int  # position in the track when it is due
    index: int = -1


def track_length_ms(lines: list[dict[str, Any]], duration_ms: int | None) -> int:
    if duration_ms:
        return duration_ms
    times = [line["time_ms"] for line in lines if line.get("time_ms") is not None]
    return (max(times) if times else 0) + TAIL_MS


def next_step(lines: list[dict[str, Any]], duration_ms: int | None, last_line_index: int) -> Step:
    """The clock's next step after ``last_line_index`` was sent (-1: none yet).

    Unsynced lines are not paced: a station shows them only as the track's lyrics.
    """
    for index in range(last_line_index + 1, len(lines)):
        time_ms = lines[index].get("time_ms")
        if time_ms is not None:
            return Step("line", time_ms, index)
    return Step("advance", track_length_ms(lines, duration_ms))
