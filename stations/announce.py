"""What listeners are told: the payloads of a station's ``track``, ``line`` and ``queue`` events."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from stations.models import Station
from stations.publish import announce

# The queue event lists this many tracks to come (the queue itself may hold more).
UP_NEXT = 50


def position_ms(started_at: datetime | None) -> int:
    """How far into its track a station that started it at ``started_at`` is now."""
    if started_at is None:
        return 0
    return max(0, int((timezone.now() - started_at).total_seconds() * 1000))


def track_event(station: Station) -> dict[str, object]:
    track = station.current_track
    assert track is not None
    assert station.started_at is not None
    return {
        "track": track.summary(),
        "audio_url": track.urls()["audio"] if track.has_audio else None,
        "started_at": station.started_at.isoformat(),
        "position_ms": position_ms(station.started_at),
        "synced": track.synced,
    }


def line_event(station: Station, index: int) -> dict[str, object]:
    track = station.current_track
    assert track is not None
    return {**track.lines[index], "track_id": track.pk}


def queue_event(station: Station) -> dict[str, object]:
    entries = list(station.queue.select_related("track")[:UP_NEXT])
    return {
        "playing": station.playing,
        "loop": station.loop,
        "length": station.queue.count(),
        "up_next": [{"entry": entry.pk, "track": entry.track.summary()} for entry in entries],
    }


def announce_queue(station: Station) -> None:
    """Tell listeners what comes next (stored now, published when the transaction commits)."""
    announce(station.channel, "queue", queue_event(station))
