"""Storing a station event and publishing it, as two steps: store inside the clock's transaction,
publish after it commits.

django-eventstream's ``send_event`` does both at once, so a process killed
between its publish and the clock's own bookkeeping made the next clock send
a line again. Here an event is stored in the same transaction as the station
row that records it, and published (to this process's listeners or Redis,
and to Pushpin) only once that commits. Publishing is idempotent by event
id: listeners drop an id they already have, so a clock that takes over may
publish the latest stored events again without anyone seeing one twice.
"""

from __future__ import annotations

import json
import logging
import time

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django_eventstream import eventstream
from django_eventstream.event import Event
from django_eventstream.utils import get_storage, publish_event
from django_eventstream.views import get_listener_manager

log = logging.getLogger("byeol.stations")

# Written for django-eventstream 5.3 (a test pins it): the pieces of its
# send_event used below. Another version must fail here, at start-up.
if not hasattr(eventstream, "redis_client"):  # pragma: no cover
    raise ImportError("django-eventstream changed send_event's internals: stations.publish needs updating")


def store(channel: str, event_type: str, data: dict[str, object]) -> Event:
    """Append an event to the channel's storage (inside the caller's transaction)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return get_storage().append_event(channel, event_type, text)


def publish(event: Event) -> None:
    """Deliver a stored event everywhere ``send_event`` would: local listeners or Redis, and GRIP."""
    if eventstream.redis_client is not None:
        message = {
            "channel": event.channel,
            "event_type": event.type,
            "data": event.data,
            "pub_id": str(event.id),
        }
        eventstream.redis_client.publish("events_channel", json.dumps(message))
    else:
        get_listener_manager().add_to_queues(event.channel, event)
    publish_event(event.channel, event.type, event.data, str(event.id), str(event.id - 1))


def _publish_late(event: Event) -> None:
    # Fault injection for the tests (STATIONS_FAULT_PUBLISH_DELAY_S): widen the
    # window between a step's commit and its publish, where a kill must lose nothing.
    log.warning(
        "fault injection: event %s:%s stored, publishing in %.2f s",
        event.channel,
        event.id,
        settings.STATIONS_FAULT_PUBLISH_DELAY_S,
    )
    time.sleep(settings.STATIONS_FAULT_PUBLISH_DELAY_S)
    publish(event)


def announce(channel: str, event_type: str, data: dict[str, object]) -> Event:
    """Store now, publish when the surrounding transaction commits (at once outside one)."""
    event = store(channel, event_type, data)
    if settings.STATIONS_FAULT_PUBLISH_DELAY_S:
        transaction.on_commit(lambda: _publish_late(event))
    else:
        transaction.on_commit(lambda: publish(event))
    return event


def recent(channel: str, count: int) -> list[Event]:
    """The channel's latest ``count`` stored events, oldest first."""
    events: list[Event] = get_storage().latest(channel, count)
    return events
