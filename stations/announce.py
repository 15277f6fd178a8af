"""What listeners are told, as django-eventstream events on the station's channel."""

from __future__ import annotations

from django.utils import timezone
from django_eventstream import send_event

from lyrics.streams import line_at
from stations.models import Station


def position_ms(station: Station, *, now=None) -> int:  # type: ignore[no-untyped-def]
    if station.started_at is None:
        return 0
    return max(0, int(((now or timezone.now()) - station.started_at).total_seconds() * 1000))


def track_event(station: Station, *, now=None) -> dict:  # type: ignore[no-untyped-def]
    track = station.current_track
    assert track is not None
    return {
        "track": track.summary(),
        "audio_url": track.urls()["audio"] if track.has_audio else None,
        "started_at": station.started_at.isoformat(),
        "position_ms": position_ms(station, now=now),
        "synced": track.synced,
    }


def line_event(station: Station, index: int) -> dict:
    track = station.current_track
    assert track is not None
    return {**track.lines[index], "track_id": track.pk}


def snapshot(station: Station) -> list[tuple[str, dict]]:
    """The events a listener joining now needs at once: the track, its current line."""
    if not station.playing or station.current_track is None:
        return [("stop", {})]
    now = timezone.now()
    events = [("track", track_event(station, now=now))]
    index = line_at(station.current_track.lines, position_ms(station, now=now))
    if index >= 0:
        events.append(("line", line_event(station, index)))
    return events


def send(station: Station, event_type: str, data: dict) -> None:
    """Store and publish one event (sync: django-eventstream's send_event is)."""
    send_event(station.channel, event_type, data)
