"""The layered lyric model every lyric format parses into: pure, no Django.

A line carries its text and, where the source has them, its words' timings,
the voice that sings it, background vocals, a translation and a pronunciation
(contract: "Rich lyrics"). :meth:`Line.as_dict` is the shape ``Track.lines``
stores and the API and the event streams send; :meth:`Lyrics.track_layers` is
the track-wide part beside it.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# No song is a day long: a parsed time past this is a broken file, not a lyric.
MAX_TIME_MS = 24 * 60 * 60 * 1000

# The language a line's script implies (translations) and the romanization
# tag of lines in that script (pronunciations). Other scripts imply neither.
SCRIPT_LANGUAGE = {"Hang": "ko", "Jpan": "ja", "Hani": "zh", "Latn": "en"}
SCRIPT_ROMANIZATION = {"Hang": "ko-Latn", "Jpan": "ja-Latn", "Hani": "zh-Latn-pinyin"}


@dataclass(frozen=True)
class Word:
    time_ms: int
    end_ms: int | None
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"time_ms": self.time_ms, "end_ms": self.end_ms, "text": self.text}


@dataclass(frozen=True)
class Background:
    """Vocals sung under a line (its conventional parentheses already removed)."""

    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Line:
    index: int
    time_ms: int | None
    end_ms: int | None = None
    text: str = ""
    words: tuple[Word, ...] = ()
    agent: str | None = None
    background: Background | None = None
    translation: str | None = None
    pronunciation: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The line as ``Track.lines``, the API and the event streams carry it: every key present."""
        background = None
        if self.background is not None:
            background = {
                "text": self.background.text,
                "words": [word.as_dict() for word in self.background.words],
            }
        return {
            "index": self.index,
            "time_ms": self.time_ms,
            "end_ms": self.end_ms,
            "text": self.text,
            "words": [word.as_dict() for word in self.words],
            "agent": self.agent,
            "background": background,
            "translation": self.translation,
            "pronunciation": self.pronunciation,
        }


@dataclass(frozen=True)
class Problem:
    """Something a lenient parser skipped; ``line_no`` is 1-based."""

    line_no: int
    text: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Lyrics:
    lines: tuple[Line, ...]
    synced: bool
    offset_ms: int = 0
    tags: dict[str, str] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    agents: tuple[tuple[str, str | None], ...] = ()  # (id, name), ids "v1", "v2"…
    translation_language: str | None = None  # BCP 47, e.g. "en"
    pronunciation_script: str | None = None  # BCP 47, e.g. "ko-Latn"

    def line_dicts(self) -> list[dict[str, Any]]:
        return [line.as_dict() for line in self.lines]

    def track_layers(self) -> dict[str, Any]:
        """The track-wide layers the snapshot and ``/api/tracks/<id>`` add beside ``lines``."""
        return {
            "agents": [{"id": agent_id, "name": name} for agent_id, name in self.agents],
            "translation_language": self.translation_language,
            "pronunciation_script": self.pronunciation_script,
        }


def _char_script(ch: str) -> str | None:
    code = ord(ch)
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        return "Kana"
    if (
        0xAC00 <= code <= 0xD7A3
        or 0x1100 <= code <= 0x11FF
        or 0x3130 <= code <= 0x318F
        or 0xA960 <= code <= 0xA97F
        or 0xD7B0 <= code <= 0xD7FF
    ):
        return "Hang"
    if (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
        or ch == "\u3005"  # 々, the iteration mark
    ):
        return "Hani"
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "").split(" ", 1)[0]
    return {"LATIN": "Latn", "FULLWIDTH": "Latn", "CYRILLIC": "Cyrl", "GREEK": "Grek"}.get(
        name, name.title() or None
    )


def script_of(text: str) -> str | None:
    """The script a lyric line is written in, or None when it has no letters.

    Any kana makes a line Japanese (``"Jpan"``, kanji included), else any
    Hangul Korean (``"Hang"``), else any Han Chinese (``"Hani"``): a Korean
    line with an English word in it is still Korean. Otherwise the script of
    most of its letters: ``"Latn"``, ``"Cyrl"``, ``"Grek"``, or the Unicode
    script name for the rest (``"Thai"``, ``"Arabic"``…).
    """
    counts = Counter(script for ch in text if (script := _char_script(ch)) is not None)
    for script, code in (("Kana", "Jpan"), ("Hang", "Hang"), ("Hani", "Hani")):
        if counts[script]:
            return code
    return counts.most_common(1)[0][0] if counts else None


def add_pronunciation(lyrics: Lyrics, pronounce: Callable[[str], tuple[str, str] | None]) -> Lyrics:
    """Fill the pronunciation of lines that have none with ``pronounce(text)`` → (romanized, script tag).

    A source's own transliteration always wins. ``pronunciation_script``
    becomes the tag most lines carry (the source's counting for its lines).
    """
    scripts: Counter[str] = Counter()
    lines = []
    for line in lyrics.lines:
        if line.pronunciation is not None:
            if lyrics.pronunciation_script:
                scripts[lyrics.pronunciation_script] += 1
        elif line.text.strip() and (found := pronounce(line.text)) is not None and found[0]:
            romanized, script = found
            scripts[script] += 1
            line = dataclasses.replace(line, pronunciation=romanized)
        lines.append(line)
    main_script = scripts.most_common(1)[0][0] if scripts else lyrics.pronunciation_script
    return dataclasses.replace(lyrics, lines=tuple(lines), pronunciation_script=main_script)
