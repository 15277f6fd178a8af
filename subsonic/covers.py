"""Cover art: the picture embedded in an audio file, scaled with Pillow when asked (blocking I/O).

Read from the tags with mutagen: ID3 APIC (the front cover first), FLAC
pictures, MP4 ``covr`` and Vorbis/Opus ``METADATA_BLOCK_PICTURE``. ``size``
scales the picture to fit a size×size box (never up) and answers JPEG (PNG
when it has transparency); without ``size`` the embedded bytes go out as
they are.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mutagen
from mutagen.flac import Picture
from mutagen.id3 import ID3
from mutagen.mp4 import MP4Cover

# Bigger pictures are not scaled (a decompression bomb costs memory, not just time).
MAX_SOURCE_PIXELS = 40_000_000
MAX_PICTURE_BYTES = 20 * 1024 * 1024
FRONT_COVER = 3


@dataclass(frozen=True)
class CoverPicture:
    data: bytes
    mime: str


def _sniff(data: bytes, declared: str = "") -> str:
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:3] == b"GIF":
        return "image/gif"
    return declared if declared.startswith("image/") else "application/octet-stream"


def _best(pictures: list[tuple[int, bytes, str]]) -> CoverPicture | None:
    """The front cover if there is one, else the first picture."""
    usable = [p for p in pictures if p[1] and len(p[1]) <= MAX_PICTURE_BYTES]
    if not usable:
        return None
    _kind, data, mime = min(usable, key=lambda p: p[0] != FRONT_COVER)
    return CoverPicture(data, _sniff(data, mime))


def embedded_picture(path: Path) -> CoverPicture | None:
    """The picture embedded in the file at ``path``, or None (also for unreadable files)."""
    try:
        audio = mutagen.File(path)
    except Exception:  # mutagen raises many kinds for broken files
        return None
    if audio is None or (audio.tags is None and not getattr(audio, "pictures", None)):
        return None
    pictures: list[tuple[int, bytes, str]] = []
    tags = audio.tags
    if isinstance(tags, ID3):
        pictures += [(frame.type, frame.data, frame.mime) for frame in tags.getall("APIC")]  # type: ignore[no-untyped-call]
    for picture in getattr(audio, "pictures", None) or ():  # FLAC
        pictures.append((picture.type, picture.data, picture.mime))
    if tags is not None and not isinstance(tags, ID3):
        for cover in _get(tags, "covr"):  # MP4
            mime = "image/png" if getattr(cover, "imageformat", None) == MP4Cover.FORMAT_PNG else "image/jpeg"
            pictures.append((FRONT_COVER, bytes(cover), mime))
        for encoded in _get(tags, "metadata_block_picture"):  # Vorbis comments
            try:
                picture = Picture(base64.b64decode(encoded))  # type: ignore[no-untyped-call]
            except (binascii.Error, ValueError, TypeError, mutagen.MutagenError):
                continue
            pictures.append((picture.type, picture.data, picture.mime))
    return _best(pictures)


def _get(tags: object, key: str) -> list[Any]:
    try:
        found = tags[key]  # type: ignore[index]
    except (KeyError, ValueError, TypeError):
        return []
    return list(found) if isinstance(found, list) else []


def scaled(picture: CoverPicture, size: int) -> CoverPicture:
    """``picture`` fitted into size×size (aspect kept, never enlarged); as it was if it cannot be."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(picture.data)) as image:
            width, height = image.size
            if width * height > MAX_SOURCE_PIXELS or (width <= size and height <= size):
                return picture
            image.draft("RGB", (size, size))  # JPEG: decode at a reduced scale, much cheaper
            image.thumbnail((size, size), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
                image.save(out, "PNG", optimize=True)
                return CoverPicture(out.getvalue(), "image/png")
            image.convert("RGB").save(out, "JPEG", quality=88)
            return CoverPicture(out.getvalue(), "image/jpeg")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return picture
