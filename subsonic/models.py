"""What the Subsonic API keeps per user: credentials, stars, plays, what is playing now."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lyrics.models import Track


class SubsonicAccount(models.Model):
    """A Django user's Subsonic password, encrypted (subsonic/crypto.py says why and how)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subsonic")
    password_encrypted = models.TextField(blank=True, help_text="Fernet token; empty = no password login")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Subsonic account"

    def __str__(self) -> str:
        return str(self.user)


class ApiKey(models.Model):
    """An API key (apiKeyAuthentication extension): only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subsonic_keys")
    key_hash = models.CharField(max_length=64, unique=True)
    # The key's first characters, so a user can tell keys apart when revoking one.
    prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Subsonic API key"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class Star(models.Model):
    """A song, album or artist a user starred (albums and artists by their tag-derived ids)."""

    SONG, ALBUM, ARTIST = "song", "album", "artist"
    KINDS = [(SONG, "song"), (ALBUM, "album"), (ARTIST, "artist")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=6, choices=KINDS)
    item_id = models.CharField(max_length=24)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind", "item_id"], name="subsonic_star_once")]

    def __str__(self) -> str:
        return f"{self.user} ★ {self.kind} {self.item_id}"


class Play(models.Model):
    """How often a user played a track (scrobbles), and when last."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=0)
    last_played_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "track"], name="subsonic_play_once")]

    def __str__(self) -> str:
        return f"{self.user}: {self.track} ×{self.count}"


class NowPlaying(models.Model):
    """What a user's player said it started (a scrobble with submission=false)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    player = models.CharField(max_length=100, help_text="the client's c parameter")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "player"], name="subsonic_now_playing_once")]

    def __str__(self) -> str:
        return f"{self.user} on {self.player}: {self.track}"
