"""Exactly one clock per station, across processes, also after a crash.

Every process that serves Byeol runs a supervisor. It takes a lease on each
station that needs a clock (an atomic UPDATE on the station's row, so it works
the same on SQLite and PostgreSQL) and runs the clocks of the stations it holds;
it renews its leases every third of their life and gives up a station whose
lease it lost. When a process dies its leases lapse and another process's
supervisor takes its stations over within ``STATIONS_LEASE_S``. Changes made
through the control API reach the right clock at once through the channel
layer's "stations" group (in memory in one process, Redis across several).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from datetime import timedelta

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from project.asgi_types import ASGIApp, Receive, Scope, Send
from stations import listeners
from stations.clock import run_clock
from stations.control import GROUP
from stations.models import Station
from stations.publish import announce

log = logging.getLogger("byeol.stations")


class Supervisor:
    def __init__(self) -> None:
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.clocks: dict[str, tuple[asyncio.Task[None], asyncio.Event]] = {}
        self.kick = asyncio.Event()

    def claim(self) -> set[str]:
        """Take or renew the leases of stations that need a clock; return those held."""
        now = timezone.now()
        until = now + timedelta(seconds=settings.STATIONS_LEASE_S)
        needing = Station.objects.filter(Q(playing=True) | Q(stop_announced=False))
        free = Q(clock_holder=self.holder) | Q(clock_expires_at__isnull=True) | Q(clock_expires_at__lt=now)
        held = set()
        for slug in needing.values_list("slug", flat=True):
            taken = Station.objects.filter(free, slug=slug).update(
                clock_holder=self.holder, clock_expires_at=until
            )
            if taken:
                held.add(slug)
        Station.objects.filter(clock_holder=self.holder, playing=False, stop_announced=True).update(
            clock_holder="", clock_expires_at=None
        )
        return held

    async def run(self) -> None:
        listener = asyncio.ensure_future(self._listen())
        counter = asyncio.ensure_future(self.count_listeners())
        # Every process follows Pushpin's counts, so a clock taken over counts at once.
        pushpin = asyncio.ensure_future(listeners.follow_pushpin())
        try:
            while True:
                try:
                    held = await database_sync_to_async(self.claim, thread_sensitive=False)()
                except Exception:  # a database hiccup must not stop every clock for good
                    log.exception("station leases could not be renewed")
                    held = set(self.clocks)
                for slug in held - self.clocks.keys():
                    wake = asyncio.Event()
                    self.clocks[slug] = (asyncio.ensure_future(run_clock(slug, wake)), wake)
                    log.info("station clock started slug=%s holder=%s", slug, self.holder)
                for slug in self.clocks.keys() - held:
                    self.clocks.pop(slug)[0].cancel()
                    log.info("station clock handed over slug=%s", slug)
                for slug, (task, _) in list(self.clocks.items()):
                    if task.done():  # a clock that failed is restarted on the next round
                        self.clocks.pop(slug)
                        if not task.cancelled() and task.exception():
                            log.error("station clock failed slug=%s", slug, exc_info=task.exception())
                self.kick.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.kick.wait(), settings.STATIONS_LEASE_S / 3)
        finally:
            listener.cancel()
            counter.cancel()
            pushpin.cancel()
            for task, _ in self.clocks.values():
                task.cancel()

    async def count_listeners(self) -> None:
        """Report this process's listeners; for the stations it clocks, announce the total when it changes."""
        announced: dict[str, int] = {}
        while True:
            await asyncio.sleep(listeners.REPORT_S)
            try:
                await listeners.report()
                for slug in list(self.clocks):
                    channel = Station(slug=slug).channel
                    count = await listeners.total(channel)
                    if announced.get(slug) != count:
                        await database_sync_to_async(announce, thread_sensitive=False)(
                            channel, "listeners", {"count": count}
                        )
                        announced[slug] = count
            except Exception:  # Redis or the database away for a moment: try again next round
                log.exception("station listeners could not be counted")

    async def _listen(self) -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        name = await layer.new_channel()
        await layer.group_add(GROUP, name)
        while True:
            message = await layer.receive(name)
            clock = self.clocks.get(message.get("slug", ""))
            if clock is not None:
                clock[1].set()
            else:
                self.kick.set()


_started: asyncio.Task[None] | None = None


def ensure_supervisor() -> None:
    """Start this process's supervisor once (from inside the event loop)."""
    global _started
    if _started is None or _started.done():
        _started = asyncio.ensure_future(Supervisor().run())


class StartStationClocks:
    """ASGI wrapper: the first request a process serves starts its station supervisor."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _started is None:
            ensure_supervisor()
        await self.app(scope, receive, send)
