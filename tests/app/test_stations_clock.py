"""A station clock keeps its schedule when the event loop is slow to come back to it."""

import asyncio
import time

from stations import clock


async def test_a_busy_event_loop_does_not_push_the_next_line_late(monkeypatch):
    loop = asyncio.get_running_loop()
    ticks: list[float] = []
    second_tick = asyncio.Event()

    def tick(slug: str) -> float:
        ticks.append(time.monotonic())
        if len(ticks) == 1:
            # Sending a line to thousands of listeners keeps the loop busy for a
            # while after the tick returns, before the clock gets to wait.
            loop.call_soon_threadsafe(time.sleep, 0.15)
        else:
            loop.call_soon_threadsafe(second_tick.set)
        return 0.2  # the next line is due in 0.2 s

    monkeypatch.setattr(clock, "tick", tick)
    monkeypatch.setattr(clock, "_republish", lambda slug: None)
    running = asyncio.ensure_future(clock.run_clock("radio", asyncio.Event()))
    try:
        await asyncio.wait_for(second_tick.wait(), 5)
    finally:
        running.cancel()
    # Due 0.2 s after the first tick, not 0.2 s after the loop came back (0.35 s).
    assert ticks[1] - ticks[0] < 0.3
