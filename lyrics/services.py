"""Writing tracks and their lyrics: the one place the admin, the importer and the APIs call.

Lyrics are decoded before they get here; they are parsed once, into the
layered model (``lyrics.reading``), with the pronunciation layer generated,
and stored with the text they came from. Every write is kept as a revision
(``lyrics.revisions``); restoring, accepting and rejecting revisions and
LRCLIB publishing are writes too, and live here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lyrics import revisions
from lyrics.library import FoundTrack
from lyrics.lrclib import DURATION_TOLERANCE_S
from lyrics.models import Flag, Revision, Track
from lyrics.reading import detect_format, read_lyrics
from lyrics.text import normalise_text


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
    *,
    track: Track,
    text: str,
    source: str,
    fmt: str | None = None,
    save: bool = True,
    user: Any = None,
    client: str = "",
    origin: Revision | None = None,
) -> Track:
    """Give ``track`` the lyrics ``text`` (from ``source``: "admin", "upload", …) and save them.

    The write becomes a revision when the track is saved: here, or with
    ``save=False`` at the caller's own save (nothing is recorded if it never
    saves). ``user`` or ``client`` (an address) say who made it; ``origin``
    is the revision it restores or accepts. Writing the lyrics the track
    already has adds no revision.
    """
    before = revisions.stored_lyrics(track)
    fields = lyric_fields(text, source=source, language=track.language, fmt=fmt)
    for name, value in fields.items():
        setattr(track, name, value)
    draft = revisions.Draft(
        text=fields["lyrics_text"],
        lyrics_format=fields["lyrics_format"],
        source=source,
        origin=origin,
        before=before,
    )
    revisions.stage(track, draft)
    revisions.attribute(track, user=user, client=client)
    if save:
        with transaction.atomic():
            if track.pk is None:
                track.save()
            else:
                track.save(update_fields=[*fields, "updated_at"])
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
        fmt=found.lyrics_format,
    )
    return fields


def track_import(found: FoundTrack) -> str:
    """Create or update the Track read from a library folder: "added", "updated" or "unchanged"."""
    fields = _found_fields(found)
    draft = revisions.Draft(
        text=fields["lyrics_text"], lyrics_format=fields["lyrics_format"], source="import"
    )
    with transaction.atomic():
        track = Track.objects.select_for_update().filter(source_path=str(found.source_path)).first()
        if track is None:
            track = Track(source_path=str(found.source_path), **fields)
            revisions.stage(track, draft)
            track.save()
            return "added"
        changed = [name for name, value in fields.items() if getattr(track, name) != value]
        if not changed:
            return "unchanged"
        if {"lyrics_text", "lyrics_format"} & set(changed):
            draft.before = revisions.Stored(track.lyrics_text, track.lyrics_format, track.lyrics_source)
            revisions.stage(track, draft)
        for name in changed:
            setattr(track, name, fields[name])
        track.save(update_fields=[*changed, "updated_at"])
        return "updated"


class RevisionError(ValueError):
    """A review or restore that does not apply to the revision (already accepted, pending…)."""


def revision_restore(*, revision: Revision, user: Any = None, client: str = "") -> Revision | None:
    """Make an accepted revision's text the track's lyrics again: a new revision (None if it already is)."""
    if revision.track is None or revision.status != Revision.Status.ACCEPTED:
        raise RevisionError("only accepted revisions of a track can be restored")
    with transaction.atomic():
        track = Track.objects.select_for_update().get(pk=revision.track.pk)
        before = revisions.current(track)
        track_lyrics_set(
            track=track,
            text=revision.text,
            source="restore",
            fmt=revision.lyrics_format,
            user=user,
            client=client,
            origin=revision,
        )
        after = revisions.current(track)
    return after if after != before else None


def track_matching(
    *, title: str, artist: str, album: str = "", duration_ms: int | None = None
) -> Track | None:
    """The track published lyrics belong to, by LRCLIB's rules, in the database on the names' keys
    (``Track.name_key``): the same title and artist, the same album when both name one, durations
    within 2 s when both are known."""
    title_key, artist_key, album_key = Track.name_key(title), Track.name_key(artist), Track.name_key(album)
    if not title_key:
        return None
    tracks = Track.objects.filter(title_key=title_key, artist_key=artist_key)
    if album_key:
        tracks = tracks.filter(Q(album_key=album_key) | Q(album_key=""))
    if duration_ms is not None:
        tolerance_ms = DURATION_TOLERANCE_S * 1000
        near = Q(duration_ms__gte=duration_ms - tolerance_ms, duration_ms__lte=duration_ms + tolerance_ms)
        tracks = tracks.filter(near | Q(duration_ms__isnull=True))
    return tracks.order_by("id").first()


def lyrics_publish(
    *,
    title: str,
    artist: str,
    album: str,
    duration_ms: int | None,
    text: str,
    client: str = "",
    accept: bool = False,
) -> Revision | None:
    """Published lyrics (LRCLIB's ``POST /api/publish``): a pending revision for staff to review, or
    with ``accept`` the lyrics of the matching track (created, without audio, if none matches)."""
    track = track_matching(title=title, artist=artist, album=album, duration_ms=duration_ms)
    if not accept:
        return Revision.objects.create(
            track=track,
            text=normalise_text(text),
            lyrics_format="lrc",
            source="lrclib",
            status=Revision.Status.PENDING,
            client=client[:100],
            title=title[:500],
            artist=artist[:500],
            album=album[:500],
            duration_ms=duration_ms,
        )
    with transaction.atomic():
        if track is None:
            track = Track(title=title[:500], artist=artist[:500], album=album[:500], duration_ms=duration_ms)
        track_lyrics_set(track=track, text=text, source="lrclib", fmt="lrc", client=client)
        return revisions.current(track)


def revision_accept(*, revision: Revision, user: Any = None, client: str = "") -> Revision:
    """Accept a pending (or rejected) revision: its text becomes the track's lyrics, as a new revision
    by ``user``; a publish for a track Byeol lacks creates that track (without audio)."""
    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=revision.pk)
        if revision.status == Revision.Status.ACCEPTED:
            raise RevisionError("this revision is already accepted")
        track = revision.track or track_matching(
            title=revision.title,
            artist=revision.artist,
            album=revision.album,
            duration_ms=revision.duration_ms,
        )
        if track is None:
            track = Track(
                title=revision.title or "Untitled",
                artist=revision.artist,
                album=revision.album,
                duration_ms=revision.duration_ms,
            )
        track_lyrics_set(
            track=track,
            text=revision.text,
            source=revision.source,
            fmt=revision.lyrics_format,
            user=user,
            client=client,
            origin=revision,
        )
        revision.track = track
        revision.status = Revision.Status.ACCEPTED
        revision.reviewed_by = user if user is not None and user.is_authenticated else None
        revision.reviewed_at = timezone.now()
        revision.save(update_fields=["track", "status", "reviewed_by", "reviewed_at"])
    return revision


def revision_reject(*, revision: Revision, user: Any = None) -> Revision:
    """Reject a pending revision: it stays, marked, and changes nothing."""
    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=revision.pk)
        if revision.status != Revision.Status.PENDING:
            raise RevisionError("only pending revisions can be rejected")
        revision.status = Revision.Status.REJECTED
        revision.reviewed_by = user if user is not None and user.is_authenticated else None
        revision.reviewed_at = timezone.now()
        revision.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return revision


def track_flag(*, track: Track, content: str, client: str = "") -> Flag:
    """A report that ``track``'s lyrics (its current revision) are wrong (LRCLIB's ``POST /api/flag``)."""
    return Flag.objects.create(
        track=track, revision=revisions.current(track), content=content, client=client[:100]
    )
