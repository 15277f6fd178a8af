"""Live stations: one queue, one clock, every listener on the same song and line."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from lyrics.models import Track


class Station(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)

    playing = models.BooleanField(default=False)
    # Play the queue round and round: a track that ends goes to the back of the queue.
    loop = models.BooleanField(default=False)
    current_track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The instant the current track's position 0 played: the station's clock.
    started_at = models.DateTimeField(null=True, blank=True)

    # What the clock has told listeners, so a restart or a takeover neither
    # repeats nor skips: the track it announced (by its start) and its last line.
    announced_started_at = models.DateTimeField(null=True, blank=True)
    last_line_index = models.IntegerField(default=-1)
    stop_announced = models.BooleanField(default=True)

    # Which process runs the clock, until when (a lease, renewed while alive).
    clock_holder = models.CharField(max_length=200, blank=True)
    clock_expires_at = models.DateTimeField(null=True, blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def urls(self) -> dict[str, str]:
        from project.routing import stream_url  # the routing table imports this module

        return {
            "page": reverse("stations:page", args=[self.slug]),
            "events": stream_url("station-events", slug=self.slug),
        }

    @property
    def channel(self) -> str:
        """The django-eventstream channel its listeners follow."""
        return f"station-{self.slug}"


class QueueEntry(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="queue")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "queue entries"

    def __str__(self) -> str:
        return f"{self.station} #{self.position}: {self.track}"
