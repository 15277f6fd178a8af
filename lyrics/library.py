"""Reading a music folder: which files make which tracks, with what tags and lyrics.

Nothing here writes to the database or to the source files; the
``import_library`` command turns the :class:`FoundTrack` items into Tracks.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import mutagen
from mutagen.id3 import ID3, SYLT, USLT
from mutagen.mp4 import MP4

from lyrics.audio import MEDIA_TYPES
from lyrics.files import NotInRoot, TooLarge, inside, read_confined, real_roots
from lyrics.lrc import format_stamp
from lyrics.reading import read_lyrics
from lyrics.text import TextDecodeError, decode_text, normalise_text, repair_latin1_mojibake
from lyrics.ttml import TtmlError

# The audio files a library holds: every type we serve, but WebM, which mutagen cannot read.
AUDIO_SUFFIXES = set(MEDIA_TYPES) - {".weba", ".webm"}
# In order of preference when several share a stem: the richest format first.
LYRIC_SUFFIXES = (".ttml", ".lrc", ".txt")
MAX_LYRICS_BYTES = 2 * 1024 * 1024


class UnreadableFile(Exception):
    """A file the importer cannot read; the message says why, for the user."""


@dataclass
class FoundTrack:
    """One track as read from the folder."""

    source_path: Path
    title: str
    artist: str = ""
    album: str = ""
    duration_ms: int | None = None
    language: str = ""
    audio_path: Path | None = None
    lyrics_text: str = ""
    lyrics_source: str = ""  # "sidecar .lrc", "embedded USLT", ... or ""
    lyrics_format: str = "lrc"  # or "ttml"
    year: int | None = None
    genre: str = ""
    track_number: int | None = None
    disc_number: int | None = None
    warnings: list[str] = field(default_factory=list)


def _clean(value: object) -> str:
    text = str(value).strip() if value is not None else ""
    return unicodedata.normalize("NFC", repair_latin1_mojibake(text))


def _name_parts(path: Path) -> tuple[str, str]:
    """("Artist", "Title") from a file name like "Artist - Title.ext"."""
    stem = unicodedata.normalize("NFC", path.stem)
    artist, sep, title = stem.partition(" - ")
    return (artist.strip(), title.strip()) if sep else ("", stem.strip())


def read_lyrics_file(path: Path, roots: list[Path]) -> str:
    """A sidecar or lyric-only file's text inside ``roots``, decoded, or :class:`UnreadableFile`."""
    try:
        data = read_confined(path, roots, limit=MAX_LYRICS_BYTES)
    except NotInRoot:
        raise UnreadableFile("not a regular file inside the folder (a link out of it?)") from None
    except TooLarge:
        raise UnreadableFile("larger than 2 MB: not a lyrics file") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read: {exc.strerror or exc}") from exc
    try:
        return decode_text(data).text
    except TextDecodeError as exc:
        raise UnreadableFile(str(exc)) from exc


def _first(tags: object, *keys: str) -> str:
    for key in keys:
        try:
            value = tags[key]  # type: ignore[index]
        except (KeyError, ValueError, TypeError):
            continue
        if isinstance(value, list):
            value = value[0] if value else ""
        if hasattr(value, "text"):
            value = value.text[0] if value.text else ""
        if text := _clean(value):
            return text
    return ""


def _sylt_to_lrc(frame: SYLT) -> str:
    # SYLT times are in milliseconds when format == 2 (the usual case). mutagen sets a
    # frame's fields from its _framespec at run time, where mypy cannot see them.
    if frame.format != 2:  # type: ignore[attr-defined]
        return ""
    return "\n".join(
        f"[{format_stamp(time_ms)}]{_clean(text)}"
        for text, time_ms in frame.text  # type: ignore[attr-defined]
    )


def _embedded_lyrics(audio: mutagen.FileType) -> tuple[str, str]:
    """(text, source) of lyrics embedded in the file, synced preferred."""
    tags: mutagen.Tags | None = audio.tags  # FileType declares tags = None: mypy would skip the rest
    if tags is None:
        return "", ""
    if isinstance(tags, ID3):
        # mutagen's getall is unannotated, and a frame's fields are set at run time.
        for frame in tags.getall("SYLT"):  # type: ignore[no-untyped-call]
            if text := _sylt_to_lrc(frame):
                return text, "embedded SYLT"
        for frame in tags.getall("USLT"):  # type: ignore[no-untyped-call]
            if isinstance(frame, USLT) and (text := _clean(frame.text)):  # type: ignore[attr-defined]
                return text, "embedded USLT"
        return "", ""
    if isinstance(audio, MP4):
        text = _first(tags, "\xa9lyr")
        return (text, "embedded ©lyr") if text else ("", "")
    for key in ("SYNCEDLYRICS", "LYRICS", "UNSYNCEDLYRICS"):
        if text := _first(tags, key, key.lower()):
            return text, f"embedded {key}"
    return "", ""


def _tag_values(audio: mutagen.FileType) -> dict[str, str]:
    tags: mutagen.Tags | None = audio.tags
    if tags is None:
        return {}
    if isinstance(tags, ID3):
        return {
            "title": _first(tags, "TIT2"),
            "artist": _first(tags, "TPE1", "TPE2"),
            "album": _first(tags, "TALB"),
            "language": _first(tags, "TLAN"),
        }
    if isinstance(audio, MP4):
        return {
            "title": _first(tags, "\xa9nam"),
            "artist": _first(tags, "\xa9ART", "aART"),
            "album": _first(tags, "\xa9alb"),
        }
    return {
        "title": _first(tags, "title", "TITLE"),
        "artist": _first(tags, "artist", "ARTIST", "albumartist"),
        "album": _first(tags, "album", "ALBUM"),
        "language": _first(tags, "language", "LANGUAGE"),
    }


_LEADING_NUMBER = re.compile(r"\s*(\d{1,4})")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _number(value: object, *, maximum: int) -> int | None:
    """The leading number of a tag value ("3/12" -> 3, (3, 12) -> 3), or None."""
    if isinstance(value, tuple):
        value = value[0] if value else None
    if isinstance(value, int):
        number = value
    else:
        match = _LEADING_NUMBER.match(str(value or ""))
        if match is None:
            return None
        number = int(match.group(1))
    return number if 0 < number <= maximum else None


def _year(value: object) -> int | None:
    match = _YEAR.search(str(value or ""))
    return int(match.group(1)) if match and 1000 <= int(match.group(1)) <= 2999 else None


def _raw_first(tags: object, *keys: str) -> object:
    for key in keys:
        try:
            value = tags[key]  # type: ignore[index]
        except (KeyError, ValueError, TypeError):
            continue
        if hasattr(value, "text"):
            value = value.text
        if isinstance(value, list):
            value = value[0] if value else None
        if value not in (None, ""):
            return value
    return None


class _NumberingTags(TypedDict, total=False):
    year: int | None
    genre: str
    track_number: int | None
    disc_number: int | None


def _numbering_tags(audio: mutagen.FileType) -> _NumberingTags:
    """Year, genre, track and disc number from the tags (each None or "" when absent)."""
    tags: mutagen.Tags | None = audio.tags
    if tags is None:
        return {}
    if isinstance(tags, ID3):
        keys = {"year": ("TDRC", "TYER", "TDOR"), "genre": ("TCON",), "track": ("TRCK",), "disc": ("TPOS",)}
    elif isinstance(audio, MP4):
        keys = {"year": ("\xa9day",), "genre": ("\xa9gen",), "track": ("trkn",), "disc": ("disk",)}
    else:
        keys = {
            "year": ("date", "DATE", "year", "YEAR"),
            "genre": ("genre", "GENRE"),
            "track": ("tracknumber", "TRACKNUMBER"),
            "disc": ("discnumber", "DISCNUMBER"),
        }
    return {
        "year": _year(_raw_first(tags, *keys["year"])),
        "genre": _first(tags, *keys["genre"])[:200],
        "track_number": _number(_raw_first(tags, *keys["track"]), maximum=9999),
        "disc_number": _number(_raw_first(tags, *keys["disc"]), maximum=999),
    }


def _apply_lyrics_tags(track: FoundTrack) -> None:
    """Fill what tags left empty from the lyrics' own [ti]/[ar]/[al]/[la] tags (or TTML's)."""
    if not track.lyrics_text:
        return
    tags = read_lyrics(track.lyrics_text, fmt=track.lyrics_format, pronunciation=False).tags
    track.title = track.title or tags.get("ti", "")
    track.artist = track.artist or tags.get("ar", "")
    track.album = track.album or tags.get("al", "")
    track.language = track.language or tags.get("la", "")


def _sidecar(audio_path: Path, lyric_files: dict[str, Path]) -> Path | None:
    for suffix in LYRIC_SUFFIXES:
        if found := lyric_files.get(str(audio_path.with_suffix(suffix))):
            return found
    return None


def _format_of(path: Path) -> str:
    return "ttml" if path.suffix.lower() == ".ttml" else "lrc"


def read_audio(path: Path, sidecar: Path | None, roots: list[Path]) -> FoundTrack:
    """A track from an audio file, its tags, and its sidecar or embedded lyrics."""
    if not inside(Path(os.path.realpath(path)), roots):
        raise UnreadableFile("a link out of the folder (use --follow-links to import it)")
    try:
        audio = mutagen.File(path)
    except Exception as exc:  # mutagen raises many kinds for broken files
        raise UnreadableFile(f"not a readable audio file: {exc}") from exc
    if audio is None:
        raise UnreadableFile("not a recognised audio format")
    values = _tag_values(audio)
    artist, title = _name_parts(path)
    length = getattr(audio.info, "length", None)
    track = FoundTrack(
        source_path=path,
        title=values.get("title") or "",
        artist=values.get("artist") or "",
        album=values.get("album") or "",
        language=values.get("language") or "",
        duration_ms=round(length * 1000) if length else None,
        audio_path=path,
        **_numbering_tags(audio),
    )
    if sidecar is not None:
        try:
            track.lyrics_text = read_lyrics_file(sidecar, roots)
            track.lyrics_format = _format_of(sidecar)
            _apply_lyrics_tags(track)
            track.lyrics_source = f"sidecar {sidecar.suffix}"
        except (UnreadableFile, TtmlError) as exc:
            track.lyrics_text, track.lyrics_format = "", "lrc"
            track.warnings.append(f"{sidecar.name}: {exc}; trying embedded lyrics")
    if not track.lyrics_text:
        text, source = _embedded_lyrics(audio)
        if len(text) > MAX_LYRICS_BYTES:
            track.warnings.append(f"embedded lyrics ({source}) longer than 2 MB: left out")
        else:
            track.lyrics_text, track.lyrics_source = normalise_text(text), source
            _apply_lyrics_tags(track)
    track.title = track.title or title
    track.artist = track.artist or artist
    return track


def read_lyrics_only(path: Path, roots: list[Path]) -> FoundTrack:
    """A track without audio from a lone ``.ttml`` / ``.lrc`` / ``.txt`` file."""
    artist, title = _name_parts(path)
    track = FoundTrack(
        source_path=path,
        title="",
        lyrics_text=read_lyrics_file(path, roots),
        lyrics_source=f"file {path.suffix}",
        lyrics_format=_format_of(path),
    )
    try:
        _apply_lyrics_tags(track)
    except TtmlError as exc:
        raise UnreadableFile(str(exc)) from exc
    track.title = track.title or title
    track.artist = track.artist or artist
    return track


@dataclass(frozen=True)
class Entry:
    """One unit of import work: an audio file (with its sidecar) or a lone lyrics file."""

    path: Path
    sidecar: Path | None = None
    # The folders its files may be read from (the library, or / with --follow-links).
    roots: tuple[Path, ...] = ()
    # Why it cannot be imported at all (a file name that is not UTF-8), if so.
    problem: str = ""

    def read(self) -> FoundTrack:
        if self.problem:
            raise UnreadableFile(self.problem)
        if self.path.suffix.lower() in AUDIO_SUFFIXES:
            return read_audio(self.path, self.sidecar, list(self.roots))
        return read_lyrics_only(self.path, list(self.roots))


def _undecodable(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def scan(folder: Path, *, follow_links: bool = False) -> list[Entry]:
    """Every import unit under ``folder``, sorted by path; hidden files are skipped.

    Files are read only inside ``folder`` (links out of it are refused when
    read) unless ``follow_links``; a file name that is not UTF-8 becomes an
    entry that reports it.
    """
    roots = (Path("/"),) if follow_links else tuple(real_roots([folder]))
    audio: list[Path] = []
    lyric_files: dict[str, Path] = {}
    entries: list[Entry] = []
    for path in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts) or not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix not in AUDIO_SUFFIXES and suffix not in LYRIC_SUFFIXES:
            continue
        if _undecodable(path):
            shown = os.fsencode(path).decode("utf-8", "replace")
            entries.append(Entry(Path(shown), roots=roots, problem="the file name is not UTF-8: rename it"))
        elif suffix in AUDIO_SUFFIXES:
            audio.append(path)
        else:
            lyric_files[str(path.with_suffix(suffix))] = path
    used: set[Path] = set()
    for path in audio:
        sidecar = _sidecar(path, lyric_files)
        if sidecar is not None:
            used.add(sidecar)
        entries.append(Entry(path, sidecar, roots))
    # Lone lyric files sharing a stem are copies of one song: the richest format makes the track.
    best: dict[Path, Path] = {}
    for path in (p for p in lyric_files.values() if p not in used):
        stem = path.with_suffix("")
        rank = LYRIC_SUFFIXES.index(path.suffix.lower())
        if stem not in best or rank < LYRIC_SUFFIXES.index(best[stem].suffix.lower()):
            best[stem] = path
    entries += [Entry(p, roots=roots) for p in best.values()]
    # Audio first, so a folder's songs get the lowest ids, then lyric-only files.
    return sorted(
        entries, key=lambda e: (e.sidecar is None and e.path.suffix.lower() in LYRIC_SUFFIXES, str(e.path))
    )


def iter_read(entries: list[Entry]) -> Iterator[tuple[Entry, FoundTrack | UnreadableFile]]:
    for entry in entries:
        try:
            yield entry, entry.read()
        except UnreadableFile as exc:
            yield entry, exc
