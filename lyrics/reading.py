"""Reading a lyrics text, in whichever format, into the layered model: pure, no Django.

LRC (plain text included) or TTML, told apart by the text itself; then the
pronunciation layer generated where the source has none (Korean, Japanese and
Chinese lines, ``lyrics.pronunciation``).
"""

from __future__ import annotations

from functools import partial

from lyrics.document import Lyrics, add_pronunciation
from lyrics.lrc import parse_lrc, parse_lrc_strict
from lyrics.pronunciation import pronounce
from lyrics.ttml import parse_ttml

FORMATS = ("lrc", "ttml")


def detect_format(text: str) -> str:
    """ "ttml" for a TTML document, else "lrc" (which covers plain text)."""
    head = text.lstrip("\ufeff \t\r\n")[:2048]
    return "ttml" if head.startswith("<") and "<tt" in head else "lrc"


def read_lyrics(
    text: str, *, fmt: str | None = None, language: str = "", strict: bool = False, pronunciation: bool = True
) -> Lyrics:
    """The layered lyrics of ``text``. Raises ``TtmlError`` for a TTML that cannot be read and,
    when ``strict``, ``LrcError`` for an LRC with stray lines."""
    if (fmt or detect_format(text)) == "ttml":
        lyrics = parse_ttml(text)
    elif strict:
        lyrics = parse_lrc_strict(text)
    else:
        lyrics = parse_lrc(text)
    if not pronunciation:
        return lyrics
    return add_pronunciation(lyrics, partial(pronounce, track_language=language or lyrics.tags.get("la", "")))
