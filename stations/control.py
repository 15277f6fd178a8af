"""Changing a station: the control API, the demo command and the clock call these (sync, transactional).

Each change is written to the database, the new queue is announced to
listeners (a ``queue`` event, published when the transaction commits), and
the channel layer's "stations" group is told, so the process that runs the
station's clock (maybe another one) wakes up and sends what is due.
"""

from __future__ import annotations

from datetime import datetime

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from lyrics.models import Track
from stations.announce import announce_queue
from stations.models import QueueEntry, Station

GROUP = "stations"
# A queue longer than this is refused: nobody listens to more, and every join reads it.
MAX_QUEUE = 500


class NothingToPlay(Exception):
    """The station has no current track and an empty queue."""


class QueueFull(ValueError):
    """The queue would pass :data:`MAX_QUEUE`."""


class NoSuchEntry(LookupError):
    """No such entry in this station's queue."""


def notify(slug: str) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(GROUP, {"type": "station.changed", "slug": slug})


def _locked(station: Station) -> Station:
    return Station.objects.select_for_update().get(pk=station.pk)


def _start(station: Station, track: Track, *, at: datetime | None = None) -> None:
    station.current_track = track
    station.started_at = at or timezone.now()
    station.playing = True
    station.last_line_index = -1
    station.stop_announced = False


def _append(station: Station, tracks: list[Track]) -> None:
    last = station.queue.order_by("-position").values_list("position", flat=True).first() or 0
    QueueEntry.objects.bulk_create(
        QueueEntry(station=station, track=track, position=last + i) for i, track in enumerate(tracks, start=1)
    )


def _pop_next(station: Station) -> Track | None:
    entry = station.queue.select_related("track").first()
    if entry is None:
        return None
    entry.delete()
    return entry.track


def _changed(station: Station) -> None:
    announce_queue(station)
    transaction.on_commit(lambda: notify(station.slug))


def station_enqueue(station: Station, track_ids: list[int]) -> Station:
    """Add tracks at the end of the queue; unknown ids raise Track.DoesNotExist, too many QueueFull."""
    tracks = Track.objects.in_bulk(track_ids)
    missing = [track_id for track_id in track_ids if track_id not in tracks]
    if missing:
        raise Track.DoesNotExist(f"no tracks with ids {missing}")
    with transaction.atomic():
        station = _locked(station)
        if station.queue.count() + len(track_ids) > MAX_QUEUE:
            raise QueueFull(f"a queue holds at most {MAX_QUEUE} tracks")
        _append(station, [tracks[track_id] for track_id in track_ids])
        _changed(station)
    return station


def station_remove(station: Station, entry_id: int) -> Station:
    with transaction.atomic():
        station = _locked(station)
        if not station.queue.filter(pk=entry_id).delete()[0]:
            raise NoSuchEntry(entry_id)
        _changed(station)
    return station


def station_move(station: Station, entry_id: int, index: int) -> Station:
    """Move a queued entry to ``index`` (0 is next; past the end means last)."""
    with transaction.atomic():
        station = _locked(station)
        entries = list(station.queue.all())
        moving = next((entry for entry in entries if entry.pk == entry_id), None)
        if moving is None:
            raise NoSuchEntry(entry_id)
        entries.remove(moving)
        entries.insert(max(0, min(index, len(entries))), moving)
        for position, entry in enumerate(entries, start=1):
            entry.position = position
        QueueEntry.objects.bulk_update(entries, ["position"])
        _changed(station)
    return station


def station_loop(station: Station, loop: bool) -> Station:
    with transaction.atomic():
        station = _locked(station)
        station.loop = loop
        station.save(update_fields=["loop", "updated_at"])
        _changed(station)
    return station


def station_play(station: Station) -> Station:
    """Start playing (the current track again from its start, or the next in the queue)."""
    with transaction.atomic():
        station = _locked(station)
        if not station.playing:
            track = station.current_track or _pop_next(station)
            if track is None:
                raise NothingToPlay(station.slug)
            _start(station, track)
            station.save()
        _changed(station)
    return station


def station_skip(station: Station) -> Station:
    """Play the next queued track now; with an empty queue, stop."""
    with transaction.atomic():
        station = advance(station, at=timezone.now())
        _changed(station)
    return station


def _stop(station: Station) -> None:
    station.playing = False
    station.current_track = None
    station.started_at = None
    station.stop_announced = False


def station_stop(station: Station) -> Station:
    with transaction.atomic():
        station = _locked(station)
        _stop(station)
        station.save()
        _changed(station)
    return station


def advance(station: Station, *, at: datetime) -> Station:
    """A track's end: the next track starts exactly ``at``, or the station stops.

    On a looping station the track that ended goes to the back of the queue first.
    """
    with transaction.atomic():
        station = _locked(station)
        if station.loop and station.current_track is not None:
            _append(station, [station.current_track])
        track = _pop_next(station)
        if track is None:
            _stop(station)
        else:
            _start(station, track, at=at)
        station.save()
    return station
