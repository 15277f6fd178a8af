"""Where station events are kept: django-eventstream's database storage, plus the opening a joiner needs.

Configured as ``EVENTSTREAM_STORAGE_CLASS`` (django-eventstream's documented
extension point), so ``send_event`` stores every event here; a listener who
joins is opened with what the clock has actually sent (the latest ``track``
or ``stop`` and the latest ``line`` after it), never a guess from the wall
clock.
"""

from __future__ import annotations

import json

from django_eventstream.event import Event
from django_eventstream.models import Event as StoredEvent
from django_eventstream.storage import DjangoModelStorage


def _event(row: StoredEvent) -> Event:
    return Event(row.channel, row.type, json.loads(row.data), id=row.eid)


class StationStorage(DjangoModelStorage):
    def opening(self, channel: str) -> list[Event]:
        """The events that tell a new listener where the station stands, oldest first."""
        rows = StoredEvent.objects.filter(channel=channel, eid__gt=0)
        anchor = rows.filter(type__in=("track", "stop")).order_by("-eid").first()
        if anchor is None:
            return []
        events = [_event(anchor)]
        if anchor.type == "track":
            line = rows.filter(type="line", eid__gt=anchor.eid).order_by("-eid").first()
            if line is not None:
                events.append(_event(line))
        return events
