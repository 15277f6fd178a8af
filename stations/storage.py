"""Where station events are kept: django-eventstream's database storage, plus what a joiner needs.

Configured as ``EVENTSTREAM_STORAGE_CLASS`` (django-eventstream's documented
extension point), so every station event is stored here. A listener who
joins is opened with what the clock has actually sent (the latest ``track``
or ``stop`` and the latest ``line`` after it, the latest ``queue`` and
``listeners``), never a guess from the wall clock.
"""

from __future__ import annotations

import json

from django_eventstream.event import Event
from django_eventstream.models import Event as StoredEvent
from django_eventstream.storage import DjangoModelStorage


def _event(row: StoredEvent) -> Event:
    return Event(row.channel, row.type, json.loads(row.data), id=row.eid)


class StationStorage(DjangoModelStorage):  # type: ignore[misc]  # django-eventstream is untyped
    def opening(self, channel: str) -> list[Event]:
        """The events that tell a new listener where the station stands, in id order."""
        rows = StoredEvent.objects.filter(channel=channel, eid__gt=0)
        found = []
        anchor = rows.filter(type__in=("track", "stop")).order_by("-eid").first()
        if anchor is not None:
            found.append(anchor)
            if anchor.type == "track":
                found.append(rows.filter(type="line", eid__gt=anchor.eid).order_by("-eid").first())
        for kind in ("queue", "listeners"):
            found.append(rows.filter(type=kind).order_by("-eid").first())
        return sorted((_event(row) for row in found if row is not None), key=lambda event: event.id or 0)

    def latest(self, channel: str, count: int) -> list[Event]:
        """The channel's last ``count`` events, oldest first."""
        rows = StoredEvent.objects.filter(channel=channel, eid__gt=0).order_by("-eid")[:count]
        return [_event(row) for row in reversed(rows)]
