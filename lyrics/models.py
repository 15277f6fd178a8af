"""The catalog: one Track per song, its lyrics decoded and parsed once."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse


class TrackQuerySet(models.QuerySet):
    def with_audio(self) -> TrackQuerySet:
        return self.exclude(audio_path="")

    def search(self, query: str) -> TrackQuerySet:
        """Tracks whose title, artist, album or lyrics contain every word of ``query``."""
        result = self
        for word in query.split():
            result = result.filter(
                Q(title__icontains=word)
                | Q(artist__icontains=word)
                | Q(album__icontains=word)
                | Q(lyrics_text__icontains=word)
            )
        return result


class Track(models.Model):
    title = models.CharField(max_length=500)
    artist = models.CharField(max_length=500, blank=True)
    album = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    language = models.CharField(max_length=35, blank=True, help_text="BCP 47 tag, e.g. ko or en")

    # Absolute path of the audio file on the server; "" when the track has none.
    # Only ever set by the importer or staff, never from a request.
    audio_path = models.CharField(max_length=2048, blank=True)

    # The lyrics as decoded text (UTF-8, LF, NFC), in their own format, and as
    # parsed lines in the contract's "Rich lyrics" shape (lyrics.document.Line).
    lyrics_text = models.TextField(blank=True)
    lines = models.JSONField(default=list, blank=True)
    synced = models.BooleanField(default=False)
    offset_ms = models.IntegerField(default=0, help_text="The LRC [offset] tag, already applied to the lines")
    lyrics_source = models.CharField(max_length=50, blank=True, help_text="sidecar, embedded, upload…")
    # The format of lyrics_text: "lrc" (LRC or plain text) or "ttml".
    lyrics_format = models.CharField(max_length=10, default="lrc", blank=True)
    # The track-wide layers (contract: "Rich lyrics"): the voices that sing
    # [{"id", "name"}], and the language/script of the lines' translation and
    # pronunciation layers (BCP 47), "" when the lines carry none.
    agents = models.JSONField(default=list, blank=True)
    translation_language = models.CharField(max_length=35, blank=True)
    pronunciation_script = models.CharField(max_length=35, blank=True)

    # More tags, for players that browse by them (the Subsonic API): the
    # release year, the genre, and the track's place on its album.
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    genre = models.CharField(max_length=200, blank=True)
    track_number = models.PositiveSmallIntegerField(null=True, blank=True)
    disc_number = models.PositiveSmallIntegerField(null=True, blank=True)

    # The file this track was imported from: what makes a re-import an update.
    source_path = models.CharField(max_length=2048, unique=True, null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrackQuerySet.as_manager()

    class Meta:
        ordering = ["artist", "album", "title", "id"]

    def __str__(self) -> str:
        return f"{self.artist} – {self.title}" if self.artist else self.title

    def get_absolute_url(self) -> str:
        return reverse("lyrics:track-page", args=[self.pk])

    @property
    def has_audio(self) -> bool:
        return bool(self.audio_path)

    @property
    def duration_label(self) -> str:
        if self.duration_ms is None:
            return ""
        minutes, seconds = divmod(round(self.duration_ms / 1000), 60)
        return f"{minutes}:{seconds:02d}"

    def urls(self) -> dict[str, str]:
        from project.routing import stream_url  # the routing table imports this module

        return {
            "page": self.get_absolute_url(),
            "audio": stream_url("track-audio", track_id=self.pk),
            "events": stream_url("track-events", track_id=self.pk),
            "text": stream_url("track-text", track_id=self.pk),
        }

    def layers(self) -> dict[str, object]:
        """The track-wide part of the rich lyrics (contract: "Rich lyrics")."""
        return {
            "agents": self.agents,
            "translation_language": self.translation_language or None,
            "pronunciation_script": self.pronunciation_script or None,
        }

    def summary(self) -> dict:
        """The track as the catalog lists it (contract: GET /api/tracks)."""
        return {
            "id": self.pk,
            "title": self.title,
            "artist": self.artist,
            "album": self.album,
            "duration_ms": self.duration_ms,
            "synced": self.synced,
            "has_audio": self.has_audio,
            "urls": self.urls(),
        }

    def detail(self) -> dict:
        """The track with its lyrics (contract: GET /api/tracks/<id>)."""
        return {
            **self.summary(),
            "lines": self.lines,
            "offset_ms": self.offset_ms,
            "language": self.language,
            **self.layers(),
        }


class LibraryFolder(models.Model):
    """A folder ``import_library`` read: audio is served only from these (unless ``AUDIO_ROOTS`` says)."""

    path = models.CharField(max_length=2048, unique=True)
    imported_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.path
