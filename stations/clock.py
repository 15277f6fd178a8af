"""One station's clock: sends `track`, `line` and `stop` events when they are due.

The schedule is absolute, anchored on the station's ``started_at``, and what
was sent is recorded on the station, so a clock that restarts (or another
process that takes the station over) carries on where the last one stopped:
lines due while no clock ran are sent at once, in order, none twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.db import connections
from django.utils import timezone

from stations import announce
from stations.control import station_advance
from stations.models import Station
from stations.schedule import next_step


def tick(slug: str) -> float | None:
    """Send whatever is due now; return the seconds until the next step (None: until woken)."""
    try:
        station = Station.objects.select_related("current_track").get(slug=slug)
    except Station.DoesNotExist:
        return None
    if not station.playing:
        if not station.stop_announced:
            announce.send(station, "stop", {})
            station.stop_announced = True
            station.announced_started_at = None
            station.save(update_fields=["stop_announced", "announced_started_at"])
        return None
    while True:
        track = station.current_track
        if station.announced_started_at != station.started_at:
            announce.send(station, "track", announce.track_event(station))
            station.announced_started_at = station.started_at
            station.save(update_fields=["announced_started_at"])
        step = next_step(track.lines, track.duration_ms, station.last_line_index)
        due = station.started_at + timedelta(milliseconds=step.due_ms)
        wait_s = (due - timezone.now()).total_seconds()
        if wait_s > 0:
            return wait_s
        if step.kind == "line":
            announce.send(station, "line", announce.line_event(station, step.index))
            station.last_line_index = step.index
            station.save(update_fields=["last_line_index"])
            continue
        station = station_advance(station, at=due)
        if not station.playing:
            return 0.0  # announce the stop on the next tick


def _tick_and_release(slug: str) -> float | None:
    """Run :func:`tick`; return the ``time.monotonic()`` of the next step (None: until woken).

    The deadline is fixed here, in the thread, so the time the event loop then
    takes to resume this clock (it may be busy writing the event just sent to
    every listener) is not added to the next step's wait.
    """
    try:
        wait_s = tick(slug)
        return None if wait_s is None else time.monotonic() + wait_s
    finally:
        for conn in connections.all(initialized_only=True):
            if not conn.in_atomic_block:
                conn.close()


async def run_clock(slug: str, wake: asyncio.Event) -> None:
    """Run a station's clock until cancelled; ``wake`` is set when the station changes."""
    while True:
        wake.clear()
        deadline = await sync_to_async(_tick_and_release, thread_sensitive=False)(slug)
        if deadline is None:
            await wake.wait()
        elif (wait_s := deadline - time.monotonic()) > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), wait_s)
