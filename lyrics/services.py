"""Writing tracks and their lyrics: the one place the admin, the importer and the APIs call.

Lyrics are decoded before they get here; they are parsed once, into the
layered model (``lyrics.reading``), with the pronunciation layer generated,
and stored with the text they came from.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from lyrics.library import FoundTrack
from lyrics.models import Track
from lyrics.reading import detect_format, read_lyrics
from lyrics.text import normalise_text

LYRIC_FIELDS = (
    "lyrics_text",
    "lyrics_format",
    "lines",
    "synced",
    "offset_ms",
    "agents",
    "translation_language",
    "pronunciation_script",
    "lyrics_source",
)


def lyric_fields(text: str, *, source: str, language: str = "", fmt: str | None = None) -> dict[str, Any]:
    """The Track fields that hold ``text`` as lyrics (parsed; ``TtmlError`` for a broken TTML)."""
    text = normalise_text(text)
    fmt = fmt or detect_format(text)
    lyrics = read_lyrics(text, fmt=fmt, language=language, pronunciation=settings.LYRICS_PRONUNCIATION)
    layers = lyrics.track_layers()
    return {
        "lyrics_text": text,
        "lyrics_format": fmt,
        "lines": lyrics.line_dicts(),
        "synced": lyrics.synced,
        "offset_ms": lyrics.offset_ms,
        "agents": layers["agents"],
        "translation_language": layers["translation_language"] or "",
        "pronunciation_script": layers["pronunciation_script"] or "",
        "lyrics_source": source if text.strip() else "",
    }


def track_lyrics_set(
    *, track: Track, text: str, source: str, fmt: str | None = None, save: bool = True
) -> Track:
    """Give ``track`` the lyrics ``text`` (from ``source``: "admin", "upload", …) and save them."""
    for name, value in lyric_fields(text, source=source, language=track.language, fmt=fmt).items():
        setattr(track, name, value)
    if save:
        if track.pk is None:
            track.save()
        else:
            track.save(update_fields=[*LYRIC_FIELDS, "updated_at"])
    return track


def _found_fields(found: FoundTrack) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": found.title[:500],
        "artist": found.artist[:500],
        "album": found.album[:500],
        "duration_ms": found.duration_ms,
        "language": found.language[:35],
        "audio_path": str(found.audio_path) if found.audio_path else "",
        "year": found.year,
        "genre": found.genre,
        "track_number": found.track_number,
        "disc_number": found.disc_number,
    }
    fields |= lyric_fields(
        found.lyrics_text,
        source=found.lyrics_source,
        language=found.language,
        fmt=found.lyrics_format or None,
    )
    return fields


def track_import(found: FoundTrack) -> str:
    """Create or update the Track read from a library folder: "added", "updated" or "unchanged"."""
    fields = _found_fields(found)
    with transaction.atomic():
        track = Track.objects.select_for_update().filter(source_path=str(found.source_path)).first()
        if track is None:
            Track.objects.create(source_path=str(found.source_path), **fields)
            return "added"
        changed = [name for name, value in fields.items() if getattr(track, name) != value]
        if not changed:
            return "unchanged"
        for name in changed:
            setattr(track, name, fields[name])
        track.save(update_fields=[*changed, "updated_at"])
        return "updated"
