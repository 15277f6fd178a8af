"""LRCLIB compatibility: its matching rules and its JSON shape, pure.

LRCLIB matches titles and artists after lower-casing, dropping accents and
punctuation and folding spaces; album is optional; a duration must agree to
within two seconds.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Protocol

from lyrics.export import to_lrc

DURATION_TOLERANCE_S = 2
MAX_SEARCH_RESULTS = 20
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalise_name(value: str) -> str:
    """A title or artist as LRCLIB compares it."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    # Dropping combining marks removes accents; Hangul jamo are letters and stay.
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    text = _PUNCTUATION.sub(" ", unicodedata.normalize("NFKC", stripped)).replace("_", " ")
    return _SPACES.sub(" ", text).strip()


class LrclibTrack(Protocol):
    """What :func:`as_lrclib` reads of a track (``lyrics.models.Track``, without importing Django)."""

    @property
    def pk(self) -> Any: ...
    @property
    def title(self) -> str: ...
    @property
    def artist(self) -> str: ...
    @property
    def album(self) -> str: ...
    @property
    def duration_ms(self) -> int | None: ...
    @property
    def lines(self) -> list[dict[str, Any]]: ...
    @property
    def synced(self) -> bool: ...


def _untimed(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**line, "time_ms": None} for line in lines]


def as_lrclib(track: LrclibTrack) -> dict[str, Any]:
    """A track in LRCLIB's JSON shape."""
    lines = track.lines
    # Translations stay in, in the dual-language convention, as in the file they came from.
    plain = to_lrc(_untimed(lines), translations=True) if lines else None
    synced = to_lrc(lines, words=False, translations=True) if track.synced and lines else None
    duration_ms = track.duration_ms
    return {
        "id": track.pk,
        "name": track.title,
        "trackName": track.title,
        "artistName": track.artist,
        "albumName": track.album,
        # LRCLIB always has a duration and its clients expect a number: 0 = unknown.
        "duration": round(duration_ms / 1000, 3) if duration_ms is not None else 0,
        "instrumental": not any(line["text"].strip() for line in lines),
        "plainLyrics": plain,
        "syncedLyrics": synced,
    }


def error(code: int, name: str, message: str) -> dict[str, int | str]:
    """LRCLIB's error shape (its clients look at ``statusCode``)."""
    return {"statusCode": code, "name": name, "message": message}
