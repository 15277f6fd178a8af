"""The catalog: one Track per song, its lyrics decoded and parsed once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from lyrics.lrclib import normalise_name

# Search text is cut to this many characters.
MAX_QUERY_CHARS = 200


def search_query(value: str) -> str:
    """A client's search text as searches use it: trimmed, at most ``MAX_QUERY_CHARS``, without NUL
    (no text holds one, and PostgreSQL refuses one in a query: a 500)."""
    return value.replace("\x00", "").strip()[:MAX_QUERY_CHARS]


class TrackQuerySet(models.QuerySet["Track"]):
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

    # Title, artist and album as LRCLIB compares them (Track.name_key), kept by
    # save() and indexed, so that /api/get matches in the database.
    title_key = models.CharField(max_length=500, blank=True, editable=False)
    artist_key = models.CharField(max_length=500, blank=True, editable=False)
    album_key = models.CharField(max_length=500, blank=True, editable=False)

    # The file this track was imported from: what makes a re-import an update.
    source_path = models.CharField(max_length=2048, unique=True, null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrackQuerySet.as_manager()

    class Meta:
        ordering = ["artist", "album", "title", "id"]
        indexes = [models.Index(fields=["title_key", "artist_key"], name="track_lrclib_match")]

    def __str__(self) -> str:
        return f"{self.artist} – {self.title}" if self.artist else self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every write of a name goes through here (not bulk_create or update()).
        update_fields = kwargs.get("update_fields")
        named = {"title", "artist", "album"}
        if update_fields is None or named & set(update_fields):
            self.title_key = self.name_key(self.title)
            self.artist_key = self.name_key(self.artist)
            self.album_key = self.name_key(self.album)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "title_key", "artist_key", "album_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("lyrics:track-page", args=[self.pk])

    @staticmethod
    def name_key(value: str) -> str:
        """A title, artist or album as LRCLIB matches it, as the ``*_key`` fields hold it."""
        return normalise_name(value)[:500]

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

    def summary(self) -> dict[str, Any]:
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

    def detail(self) -> dict[str, Any]:
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


class RevisionQuerySet(models.QuerySet["Revision"]):
    def accepted(self) -> RevisionQuerySet:
        return self.filter(status=Revision.Status.ACCEPTED)

    def pending(self) -> RevisionQuerySet:
        return self.filter(status=Revision.Status.PENDING)


class Revision(models.Model):
    """One version of a track's lyrics, kept for good (contract: "Revisions and the sync editor").

    Every write of a track's lyrics adds one (``lyrics.revisions``); none is
    ever changed but for its review status. The newest accepted revision holds
    the text the track has now. A pending one (published through the LRCLIB
    API) changes nothing until staff accept it; it may name a track Byeol does
    not have yet (``track`` empty, the names below say which).
    """

    class Status(models.TextChoices):
        ACCEPTED = "accepted"
        PENDING = "pending"
        REJECTED = "rejected"

    track = models.ForeignKey(
        Track, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    text = models.TextField(blank=True)
    lyrics_format = models.CharField(max_length=10, default="lrc")
    source = models.CharField(max_length=50, help_text="import, admin, upload, sync editor, lrclib, restore…")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACCEPTED, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client = models.CharField(max_length=100, blank=True, help_text="the client's address, for API writes")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The revision this one restores or accepts.
    origin = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # What a publisher said the lyrics belong to (LRCLIB's publish request).
    title = models.CharField(max_length=500, blank=True)
    artist = models.CharField(max_length=500, blank=True)
    album = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.source} ({self.status})"

    @property
    def author(self) -> str:
        """Who made the change: the user, else the client's address."""
        if self.user is not None:
            return self.user.get_username()
        return self.client or "—"


class Flag(models.Model):
    """A report that a track's lyrics are wrong (LRCLIB's ``POST /api/flag``), for staff to look at."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="flags")
    # The lyrics flagged: the track's newest accepted revision when the flag came.
    revision = models.ForeignKey(
        Revision, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags"
    )
    content = models.TextField(blank=True)
    client = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["resolved", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"flag #{self.pk} on {self.track}"
