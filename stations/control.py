"""Changing a station: the control API and the admin call these (sync, transactional).

Each change is written to the database and then announced on the channel
layer's "stations" group, so the process that runs the station's clock (maybe
another one) wakes up and tells the listeners.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from lyrics.models import Track
from stations.models import QueueEntry, Station

GROUP = "stations"


class NothingToPlay(Exception):
    """The station has no current track and an empty queue."""


def notify(slug: str) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(GROUP, {"type": "station.changed", "slug": slug})


def _locked(station: Station) -> Station:
    return Station.objects.select_for_update().get(pk=station.pk)


def _start(station: Station, track: Track, *, at=None) -> None:  # type: ignore[no-untyped-def]
    station.current_track = track
    station.started_at = at or timezone.now()
    station.playing = True
    station.last_line_index = -1
    station.stop_announced = False


def _pop_next(station: Station) -> Track | None:
    entry = station.queue.select_related("track").first()
    if entry is None:
        return None
    entry.delete()
    return entry.track


def station_enqueue(station: Station, track_ids: list[int]) -> list[QueueEntry]:
    """Add tracks at the end of the queue; unknown ids raise Track.DoesNotExist."""
    tracks = Track.objects.in_bulk(track_ids)
    missing = [track_id for track_id in track_ids if track_id not in tracks]
    if missing:
        raise Track.DoesNotExist(f"no tracks with ids {missing}")
    with transaction.atomic():
        _locked(station)
        last = station.queue.order_by("-position").values_list("position", flat=True).first() or 0
        entries = [
            QueueEntry.objects.create(station=station, track=tracks[track_id], position=last + i)
            for i, track_id in enumerate(track_ids, start=1)
        ]
    notify(station.slug)
    return entries


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
    notify(station.slug)
    return station


def station_skip(station: Station) -> Station:
    """Play the next queued track now; with an empty queue, stop."""
    station = station_advance(station, at=timezone.now())
    notify(station.slug)
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
    notify(station.slug)
    return station


def station_advance(station: Station, *, at) -> Station:  # type: ignore[no-untyped-def]
    """The clock's move at a track's end: the next track starts exactly ``at``, or the station stops."""
    with transaction.atomic():
        station = _locked(station)
        track = _pop_next(station)
        if track is None:
            _stop(station)
        else:
            _start(station, track, at=at)
        station.save()
    return station
