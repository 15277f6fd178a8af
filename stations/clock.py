"""One station's clock: sends `track`, `line` and `stop` events when they are due.

The schedule is absolute, anchored on the station's ``started_at``. Each step
is one transaction: the event is stored and the station row records it
together, and the event is published only after that commits
(``stations.publish``). A clock that restarts, or another process that takes
the station over, carries on from the row: lines due meanwhile are sent at
once, in order, none twice; and it publishes the latest stored events again
first, in case the last clock died between a commit and its publish
(listeners drop ids they already have).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import timedelta
from typing import Literal

from channels.db import database_sync_to_async
from django.db import transaction
from django.utils import timezone

from stations.announce import announce_queue, line_event, track_event
from stations.control import advance
from stations.models import Station
from stations.publish import announce, publish, recent
from stations.schedule import next_step

# How many of the latest events a clock publishes again when it starts.
REPUBLISH = 8


def _step(slug: str) -> float | Literal[True] | None:
    """One step in one transaction: True when more may be due now, else the wait (None: until woken)."""
    with transaction.atomic():
        station = Station.objects.select_for_update().filter(slug=slug).first()
        if station is None:
            return None
        if not station.playing:
            if station.stop_announced:
                return None
            announce(station.channel, "stop", {})
            station.stop_announced = True
            station.announced_started_at = None
            station.save(update_fields=["stop_announced", "announced_started_at"])
            return None
        if station.announced_started_at != station.started_at:
            announce(station.channel, "track", track_event(station))
            station.announced_started_at = station.started_at
            station.save(update_fields=["announced_started_at"])
            return True
        track = station.current_track
        assert track is not None
        assert station.started_at is not None
        step = next_step(track.lines, track.duration_ms, station.last_line_index)
        due = station.started_at + timedelta(milliseconds=step.due_ms)
        wait_s = (due - timezone.now()).total_seconds()
        if wait_s > 0:
            return wait_s
        if step.kind == "line":
            announce(station.channel, "line", line_event(station, step.index))
            station.last_line_index = step.index
            station.save(update_fields=["last_line_index"])
        else:
            advance(station, at=due)
            announce_queue(station)
        return True


def tick(slug: str) -> float | None:
    """Send whatever is due now; return the seconds until the next step (None: until woken)."""
    while True:
        result = _step(slug)
        if result is not True:
            return result


def _republish(slug: str) -> None:
    for event in recent(Station(slug=slug).channel, REPUBLISH):
        publish(event)


def _tick_deadline_now(slug: str) -> float | None:
    """Run :func:`tick`; return the ``time.monotonic()`` of the next step (None: until woken).

    The deadline is fixed here, in the thread, so the time the event loop then
    takes to resume this clock (it may be busy writing the event just sent to
    every listener) is not added to the next step's wait.
    """
    wait_s = tick(slug)
    return None if wait_s is None else time.monotonic() + wait_s


_tick_deadline = database_sync_to_async(_tick_deadline_now, thread_sensitive=False)


async def run_clock(slug: str, wake: asyncio.Event) -> None:
    """Run a station's clock until cancelled; ``wake`` is set when the station changes."""
    await database_sync_to_async(_republish, thread_sensitive=False)(slug)
    while True:
        wake.clear()
        deadline = await _tick_deadline(slug)
        if deadline is None:
            await wake.wait()
        elif (wait_s := deadline - time.monotonic()) > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), wait_s)
