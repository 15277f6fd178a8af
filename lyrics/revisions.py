"""Revisions: every write of a track's lyrics is kept (contract: "Revisions and the sync editor").

``lyrics.services`` stages what it writes on the track (:func:`stage`) and the
track's save records it (a ``post_save`` receiver): a write saved later (the
admin's form saves after the service has set the fields) is recorded when it
lands, one never saved records nothing, and the service stays the one place
that knows. Lyrics that reached the database some other way (rows older than
revisions, a bypass of the services) are recorded too, just before the write
that replaces them: no write loses the text that was there.

Which revision is current: the newest accepted one (by id, never by a clock);
its text is the track's ``lyrics_text``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_save
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from lyrics.models import Revision, Track

_DRAFT = "_lyrics_draft"
# Unchanged lines shown around each change in a diff.
CONTEXT_LINES = 3


@dataclass(frozen=True)
class Stored:
    """The lyrics a track's database row held."""

    text: str
    lyrics_format: str
    source: str


@dataclass
class Draft:
    """A write of a track's lyrics, waiting for the track's save."""

    text: str
    lyrics_format: str
    source: str
    user: Any = None
    client: str = ""
    origin: Revision | None = None
    before: Stored | None = None  # the row as it was when the write began; None for a new track


def _key(text: str, lyrics_format: str) -> tuple[str, str]:
    # Empty lyrics are empty whatever their format says.
    return (text, lyrics_format or "lrc") if text else ("", "")


def stored_lyrics(track: Track) -> Stored | None:
    """What the database holds for ``track`` now (None for an unsaved track)."""
    if track.pk is None:
        return None
    row = (
        Track.objects.filter(pk=track.pk).values_list("lyrics_text", "lyrics_format", "lyrics_source").first()
    )
    return Stored(*row) if row else None


def stage(track: Track, draft: Draft) -> None:
    """Record ``draft`` when ``track`` is next saved with its lyrics."""
    track.__dict__[_DRAFT] = draft


def attribute(track: Track, *, user: Any = None, client: str = "") -> None:
    """Name who makes the write staged on ``track`` (the admin knows; the form it calls does not)."""
    draft = track.__dict__.get(_DRAFT)
    if draft is not None:
        draft.user = user if user is not None and user.is_authenticated else None
        draft.client = client[:100]


def current(track: Track) -> Revision | None:
    """The newest accepted revision of ``track``: its lyrics now."""
    if track.pk is None:
        return None
    return track.revisions.accepted().order_by("-id").first()


def record(track: Track, draft: Draft) -> Revision | None:
    """Keep ``draft`` as an accepted revision of the saved ``track`` (None when it changed nothing)."""
    latest = current(track)
    latest_key = _key(latest.text, latest.lyrics_format) if latest else ("", "")
    before = draft.before
    if before is not None and _key(before.text, before.lyrics_format) != latest_key:
        # Text no revision holds: written before revisions existed, or past the services.
        Revision.objects.create(
            track=track,
            text=before.text,
            lyrics_format=before.lyrics_format or "lrc",
            source=before.source or "unrecorded",
        )
        latest_key = _key(before.text, before.lyrics_format)
    if _key(draft.text, draft.lyrics_format) == latest_key:
        return None
    return Revision.objects.create(
        track=track,
        text=draft.text,
        lyrics_format=draft.lyrics_format or "lrc",
        source=draft.source[:50],
        user=draft.user,
        client=draft.client[:100],
        origin=draft.origin,
    )


def _record_staged(sender: type[Track], instance: Track, update_fields: Any = None, **kwargs: Any) -> None:
    draft = instance.__dict__.get(_DRAFT)
    if draft is None or (
        update_fields is not None and not {"lyrics_text", "lyrics_format"} & set(update_fields)
    ):
        return
    del instance.__dict__[_DRAFT]
    record(instance, draft)


post_save.connect(_record_staged, sender=Track, dispatch_uid="lyrics.revisions.record")


def diff_rows(old: str, new: str) -> list[tuple[str, str, str]]:
    """A line diff of two texts: (kind, sign, line) rows, kind being "same", "removed", "added" or "skip"."""
    if old == new:
        return []
    old_lines, new_lines = old.split("\n"), new.split("\n")
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    rows: list[tuple[str, str, str]] = []
    for group in matcher.get_grouped_opcodes(CONTEXT_LINES):
        if rows:
            rows.append(("skip", "", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(("same", " ", line) for line in old_lines[i1:i2])
                continue
            rows.extend(("removed", "−", line) for line in old_lines[i1:i2])
            rows.extend(("added", "+", line) for line in new_lines[j1:j2])
    return rows


def diff_html(old: str, new: str) -> SafeString:
    """The line diff as escaped HTML: ``<del>`` for removed lines, ``<ins>`` for added ones."""
    rows = diff_rows(old, new)
    if not rows:
        return format_html('<p class="diff-none">{}</p>', "The two texts are the same.")
    tags = {"same": "span", "removed": "del", "added": "ins", "skip": "span"}
    body = format_html_join(
        "\n",
        '<{} class="diff-{}">{} {}</{}>',
        ((tags[kind], kind, sign, line, tags[kind]) for kind, sign, line in rows),
    )
    return format_html('<pre class="diff">{}</pre>', body)
