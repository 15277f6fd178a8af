"""``manage.py demo_station [--slug radio]``: a station playing the library round and round."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from lyrics.models import Track
from stations.control import MAX_QUEUE, station_enqueue, station_loop, station_play, station_skip
from stations.models import Station
from stations.schedule import track_length_ms


def _overdue(station: Station) -> bool:
    """Whether the current track should have ended already: its clock was stopped (the server was)."""
    track = station.current_track
    if track is None or station.started_at is None:
        return True
    length = timedelta(milliseconds=track_length_ms(track.lines, track.duration_ms))
    return station.started_at + length < timezone.now()


class Command(BaseCommand):
    help = (
        "Start a demo station: create it if missing (named 'Byeol Radio'), and unless it is already "
        "playing, queue every track with audio in library order (those not queued yet), turn loop on "
        "and play. Idempotent: run it again and a playing station is left as it is. A station left "
        "playing by a server that has since stopped, long enough that its song would have ended, "
        "moves on to the next track now instead of sending every line it missed meanwhile. "
        "A running server picks the change up within a few seconds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", default="radio", help="the station's slug (default: radio)")
        parser.add_argument("--name", default="Byeol Radio", help="its name, if it has to be created")

    def handle(self, *args: Any, slug: str, name: str, **options: Any) -> None:
        station, created = Station.objects.get_or_create(slug=slug, defaults={"name": name})
        if created:
            self.stdout.write(f"Created the station {station.name} ({slug}).")
        station = Station.objects.select_related("current_track").get(pk=station.pk)
        if station.playing and _overdue(station):
            station = station_skip(station)
            self.stdout.write(
                f"{station.name} was left playing by a stopped server: on to the next track now."
            )
        elif station.playing:
            self.stdout.write(f"{station.name} is already playing: left as it is.")
        if station.playing:
            self._report(station)
            return

        queued = set(station.queue.values_list("track_id", flat=True))
        room = MAX_QUEUE - station.queue.count()
        wanted = [pk for pk in Track.objects.with_audio().values_list("pk", flat=True) if pk not in queued]
        if len(wanted) > room:
            self.stdout.write(
                f"Queueing the first {room} of {len(wanted)} tracks (a queue holds {MAX_QUEUE})."
            )
            wanted = wanted[:room]
        if wanted:
            station = station_enqueue(station, wanted)
        if not station.queue.exists():
            self.stdout.write(
                f"{station.name} has nothing to play: no track has audio. Import a library first "
                "(manage.py import_library <folder>), then run this again."
            )
            return
        station = station_loop(station, True)
        station = station_play(station)
        self._report(station)

    def _report(self, station: Station) -> None:
        station = Station.objects.select_related("current_track").get(pk=station.pk)
        if not station.playing or station.current_track is None:
            self.stdout.write(f"{station.name} is not playing.")
            return
        self.stdout.write(
            f"{station.name} plays {station.current_track} "
            f"({station.queue.count()} more queued{', looping' if station.loop else ''}): "
            f"/stations/{station.slug}/"
        )
