"""The sync editor: staff stamp a track's lines against its audio (contract: "Revisions and the sync editor").

``GET /tracks/<id>/sync`` is the page (static/lyrics/sync.js does the
stamping); ``POST`` to the same address (session + CSRF, JSON) saves: the
stamps are checked, written as LRC (enhanced with word stamps where the editor
timed words, translations as dual-language lines) and stored through
``track_lyrics_set``, which keeps a revision.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import (
    Http404,
    HttpRequest,
    HttpResponseBase,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse

from lyrics import revisions
from lyrics.document import MAX_TIME_MS
from lyrics.export import to_lrc
from lyrics.lrc import format_stamp
from lyrics.models import Track
from lyrics.services import track_lyrics_set
from project.answers import json_error
from project.clients import client_ip

MAX_LINES = 2_000
MAX_WORDS_PER_LINE = 300
MAX_BODY_BYTES = 1024 * 1024
# LRC keeps hundredths of a second: stamps are compared as they will be written.
RESOLUTION_MS = 10


class StampError(ValueError):
    """Stamps that cannot be saved; ``line`` is the 0-based index of the line at fault, if one is."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def may_sync(user: Any) -> bool:
    """Staff who may change tracks."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return bool(user.has_perm("lyrics.change_track"))


def lyrics_version(track: Track) -> str:
    """A token of the lyrics the editor was opened on: a save over other lyrics is refused."""
    return hashlib.sha256(f"{track.lyrics_format}\n{track.lyrics_text}".encode()).hexdigest()[:16]


def _stamp_ms(value: object, line: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TIME_MS:
        raise StampError(f"Line {line + 1}: {what} is not a time in milliseconds", line=line)
    return value - value % RESOLUTION_MS


def _words(line: dict[str, Any], words: object, time_ms: int, index: int) -> list[dict[str, Any]]:
    """The stamped words of one line: they spell the line's text and rise from its start."""
    if words is None or words == []:
        return []
    if not isinstance(words, list) or len(words) > MAX_WORDS_PER_LINE:
        raise StampError(f"Line {index + 1}: the word stamps are not a list of words", line=index)
    result: list[dict[str, Any]] = []
    for word in words:
        if not isinstance(word, dict) or not isinstance(word.get("text"), str) or not word["text"]:
            raise StampError(f"Line {index + 1}: a word has no text", line=index)
        name = f"Line {index + 1}: the word “{word['text'].strip()}”"
        if word.get("time_ms") is None:
            raise StampError(f"{name} has no stamp yet", line=index)
        at = _stamp_ms(word["time_ms"], index, "a word's stamp")
        floor = result[-1]["time_ms"] + RESOLUTION_MS if result else time_ms
        if at < floor:
            raise StampError(f"{name} is stamped before the word or line it follows", line=index)
        result.append({"time_ms": at, "end_ms": None, "text": word["text"]})
    joined = "".join(word["text"] for word in result)
    text = line["text"]
    if not text.endswith(joined) or text[: len(text) - len(joined)].strip():
        raise StampError(f"Line {index + 1}: the stamped words do not spell the line", line=index)
    return result


def stamped_lines(
    lines: list[dict[str, Any]], stamps: object, *, duration_ms: int | None
) -> list[dict[str, Any]]:
    """``lines`` (``Track.lines``) with the editor's ``stamps``, checked: every line with text
    stamped, times strictly increasing (at LRC's 10 ms), before the audio's end when it is known.
    An empty line left unstamped is dropped; stamped, it is an instrumental gap."""
    if len(lines) > MAX_LINES:
        raise StampError(f"The editor syncs at most {MAX_LINES} lines")
    if not isinstance(stamps, list) or len(stamps) != len(lines):
        raise StampError("The stamps do not match the lyrics' lines: reload the editor")
    result: list[dict[str, Any]] = []
    for index, (line, stamp) in enumerate(zip(lines, stamps, strict=True)):
        if not isinstance(stamp, dict):
            raise StampError(f"Line {index + 1}: not a stamp", line=index)
        if stamp.get("time_ms") is None:
            if line["text"].strip():
                raise StampError(f"Line {index + 1} has no stamp yet", line=index)
            continue
        time_ms = _stamp_ms(stamp["time_ms"], index, "its stamp")
        if result and time_ms <= result[-1]["time_ms"]:
            at = format_stamp(time_ms)
            raise StampError(f"Line {index + 1} starts at {at}, not after the line before it", line=index)
        if result and result[-1]["words"] and result[-1]["words"][-1]["time_ms"] >= time_ms:
            before = result[-1]["index"]
            message = f"Line {before + 1}: its last word is stamped after the next line starts"
            raise StampError(message, line=before)
        if duration_ms is not None and time_ms >= duration_ms:
            raise StampError(
                f"Line {index + 1} starts at {format_stamp(time_ms)}, after the audio ends "
                f"({format_stamp(duration_ms)})",
                line=index,
            )
        words = _words(line, stamp.get("words"), time_ms, index)
        if duration_ms is not None and words and words[-1]["time_ms"] >= duration_ms:
            raise StampError(f"Line {index + 1}: a word is stamped after the audio ends", line=index)
        result.append({**line, "time_ms": time_ms, "end_ms": None, "words": words})
    if not result:
        raise StampError("Nothing to save: stamp the lines first")
    return result


def stamped_lrc(lines: list[dict[str, Any]]) -> str:
    """The LRC that stores stamped lines (word stamps and translations kept)."""
    return to_lrc(lines, words=True, translations=True) + "\n"


def _editor(track: Track) -> dict[str, Any]:
    return {
        "id": track.pk,
        "lines": track.lines,
        "synced": track.synced,
        "duration_ms": track.duration_ms,
        "version": lyrics_version(track),
        "save_url": reverse("lyrics:track-sync", args=[track.pk]),
        "page_url": track.get_absolute_url(),
        "max_lines": MAX_LINES,
    }


def _problem(status: int, message: str, **extra: object) -> HttpResponseBase:
    return json_error(status, message, **extra).as_response()


def _save(request: HttpRequest, track_id: int) -> HttpResponseBase:
    if not may_sync(request.user):
        return _problem(403, "Only staff who may change tracks can save stamps: log in again.")
    track = Track.objects.filter(pk=track_id).first()
    if track is None:
        return _problem(404, "No such track")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
            return _problem(413, "Too many stamps to save at once")
        data = json.loads(request.body)
    except (ValueError, RecursionError, RequestDataTooBig):
        return _problem(400, "The stamps did not arrive as JSON")
    if not isinstance(data, dict):
        return _problem(400, "The stamps did not arrive as a JSON object")
    if data.get("version") != lyrics_version(track):
        return _problem(409, "The lyrics changed since the editor opened: reload it to stamp the new ones.")
    try:
        lines = stamped_lines(track.lines, data.get("lines"), duration_ms=track.duration_ms)
    except StampError as exc:
        return _problem(400, str(exc), line=exc.line)
    track_lyrics_set(
        track=track,
        text=stamped_lrc(lines),
        source="sync editor",
        fmt="lrc",
        user=request.user,
        client=client_ip(request),
    )
    revision = revisions.current(track)
    return JsonResponse(
        {
            "saved": True,
            "revision": revision.pk if revision else None,
            "version": lyrics_version(track),
            "lines": track.lines,
            "synced": track.synced,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def sync(request: HttpRequest, track_id: int) -> HttpResponseBase:
    """``GET /tracks/<id>/sync``: the editor (staff); ``POST``: save its stamps (JSON)."""
    if request.method == "POST":
        return _save(request, track_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not may_sync(request.user):
        raise PermissionDenied("Only staff who may change tracks can sync lyrics.")
    track = Track.objects.filter(pk=track_id).first()
    if track is None:
        raise Http404("no such track")
    context = {"track": track, "editor": _editor(track), "is_ttml": track.lyrics_format == "ttml"}
    return render(request, "lyrics/sync.html", context)
