"""A small tagged library for the Subsonic tests: mp3s with ID3 tags and a cover, rich lyric lines."""

from __future__ import annotations

import io
from pathlib import Path

from mutagen.id3 import APIC, ID3, TALB, TCON, TDRC, TIT2, TPE1, TPOS, TRCK

from tests.support.media import make_audio

PASSWORD = "player-password-1"
COVER_SIZE = (600, 400)


def cover_jpeg(size: tuple[int, int] = COVER_SIZE) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 90)).save(out, "JPEG")
    return out.getvalue()


def tagged_mp3(
    path: Path,
    *,
    title: str,
    artist: str,
    album: str,
    year: int = 2024,
    genre: str = "K-pop",
    track: int = 1,
    disc: int = 1,
    cover: bytes | None = None,
    seconds: float = 1.5,
) -> Path:
    make_audio(path, source=f"sine=f=440:d={seconds}")
    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TPE1(encoding=3, text=artist))
    tags.add(TALB(encoding=3, text=album))
    tags.add(TDRC(encoding=3, text=str(year)))
    tags.add(TCON(encoding=3, text=genre))
    tags.add(TRCK(encoding=3, text=f"{track}/9"))
    tags.add(TPOS(encoding=3, text=f"{disc}/1"))
    if cover is not None:
        tags.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="cover", data=cover))
    tags.save(path)
    return path


def word_list(text: str, start_ms: int, step_ms: int) -> list[dict]:
    """One timed word per space-separated word of ``text``."""
    return [
        {"time_ms": start_ms + n * step_ms, "end_ms": start_ms + (n + 1) * step_ms, "text": word}
        for n, word in enumerate(text.split())
    ]


def rich_lines() -> list[dict]:
    """Two voices, background vocals, translation and pronunciation: every layer the contract has."""
    return [
        {
            "index": 0,
            "time_ms": 1000,
            "end_ms": 3000,
            "text": "눈을 뜬 순간",
            "words": word_list("눈을 뜬 순간", 1000, 600),
            "agent": "v1",
            "background": None,
            "translation": "The moment I opened my eyes",
            "pronunciation": "nuneul tteun sungan",
        },
        {
            "index": 1,
            "time_ms": 3000,
            "end_ms": 5000,
            "text": "모든 게 달라졌어",
            "words": word_list("모든 게 달라졌어", 3000, 600),
            "agent": "v2",
            "background": {"text": "달라졌어", "words": word_list("달라졌어", 4200, 500)},
            "translation": "Everything had changed",
            "pronunciation": "modeun ge dallajyeosseo",
        },
    ]


RICH_TRACK = {
    "language": "ko",
    "synced": True,
    "agents": [{"id": "v1", "name": "Byeol"}, {"id": "v2", "name": "Dal"}],
    "translation_language": "en",
    "pronunciation_script": "ko-Latn",
}


def token_params(username: str = "alice", password: str = PASSWORD, salt: str = "c19b2d") -> dict[str, str]:
    import hashlib

    token = hashlib.md5((password + salt).encode()).hexdigest()
    return {"u": username, "t": token, "s": salt, "v": "1.16.1", "c": "byeol-tests"}
