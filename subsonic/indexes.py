"""Which index letter an artist is listed under (pure).

Latin names by their first letter without accents, an ignored article
("The Beatles" under B); Hangul by the initial consonant (방탄 under ㅂ);
kana and other letters by their first character; digits and symbols under #.
"""

from __future__ import annotations

import unicodedata

IGNORED_ARTICLES = "The El La Los Las Le Les"
_ARTICLES = tuple(f"{word.casefold()} " for word in IGNORED_ARTICLES.split())
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
# The 19 initial consonants, as compatibility jamo (what keyboards type).
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"


def without_article(name: str) -> str:
    folded = name.casefold()
    for article in _ARTICLES:
        if folded.startswith(article) and len(name) > len(article):
            return name[len(article) :].lstrip()
    return name


def index_letter(name: str) -> str:
    stripped = without_article(name.strip())
    if not stripped:
        return "#"
    first = stripped[0]
    if _HANGUL_FIRST <= ord(first) <= _HANGUL_LAST:
        return _INITIALS[(ord(first) - _HANGUL_FIRST) // 588]
    if not first.isalpha():
        return "#"
    base = unicodedata.normalize("NFD", first)[0]
    return base.upper() if base.isascii() else first.upper()


def sort_key(name: str) -> str:
    return unicodedata.normalize("NFKC", without_article(name.strip())).casefold()
