"""Stable Subsonic ids for what Byeol keeps as tags (pure).

Songs are tracks: their id is the track's primary key in decimal. Artists and
albums are not rows but names in the tracks' tags, so their ids are hashes of
the normalised names: ``ar-`` + 16 hex digits of SHA-256 of the artist,
``al-`` + the same of artist and album. They survive re-imports, restarts and
moves to another database, and change only when the tags do.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

UNKNOWN_ARTIST = "[Unknown Artist]"
UNKNOWN_ALBUM = "[Unknown Album]"

_SONG = re.compile(r"[1-9][0-9]{0,17}")
_ARTIST = re.compile(r"ar-[0-9a-f]{16}")
_ALBUM = re.compile(r"al-[0-9a-f]{16}")
_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """NFKC, case-folded, inner whitespace collapsed: "BTS", "bts " and "Ｂts" are one artist."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return _SPACES.sub(" ", text).strip()


def _digest(*parts: str) -> str:
    joined = "\x1f".join(normalise_name(part) for part in parts)
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def artist_id(artist: str) -> str:
    return "ar-" + _digest(artist)


def album_id(artist: str, album: str) -> str:
    return "al-" + _digest(artist, album)


def song_id(track_pk: int) -> str:
    return str(track_pk)


def parse_song_id(value: str) -> int | None:
    """The track pk of a song id, or None when ``value`` cannot be one."""
    return int(value) if _SONG.fullmatch(value) and int(value) < 2**63 else None


def is_artist_id(value: str) -> bool:
    return bool(_ARTIST.fullmatch(value))


def is_album_id(value: str) -> bool:
    return bool(_ALBUM.fullmatch(value))


def display_artist(artist: str) -> str:
    return artist.strip() or UNKNOWN_ARTIST


def display_album(album: str) -> str:
    return album.strip() or UNKNOWN_ALBUM
