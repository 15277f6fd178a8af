"""Japanese in Hepburn romaji, from a morphological reading of the kanji.

Kanji have several readings and only the word around them tells which: 君と歩いた道
is "kimi to aruita michi", where a character-by-character converter says "kun to
arui ta michi". cutlet reads the line with MeCab (fugashi) and the UniDic dictionary
(unidic-lite), then writes each word's reading in Hepburn.

The Hepburn is cutlet's, lower case, with these choices, the same for every line:
long vowels are spelled as the kana spell them (ou, uu, ei; ー doubles the vowel:
koohii), no macrons; the particles は へ を are wa e o; ん before a vowel or y is n'
(ren'ai); katakana loanwords are romanized as said, not given their English spelling
(コーヒー koohii, not coffee); and no place-name shortcuts (東京 toukyou, like 学校 gakkou).

The dictionary is about 250 MB on disk. MeCab maps it into memory rather than
reading it, so loading costs little resident memory (a few MB, measured in the
tests' report), but it is still loaded only on the first call, never on import.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cutlet import Cutlet

_lock = threading.Lock()
_converter: Cutlet | None = None

# UniDic-lite reads 私 as the formal ワタクシ; lyrics mean わたし.
_WORD_READINGS = {"私": "watashi"}


def romanize_japanese(text: str) -> str:
    """Hepburn romaji for a line of Japanese (kanji, kana, and any Latin kept as it is)."""
    if not text.strip():
        return ""
    with _lock:  # one MeCab tagger, which is not safe to share between threads at once
        romaji: str = _load().romaji(text, capitalize=False)  # cutlet is untyped
        return romaji.lower()


def is_loaded() -> bool:
    """Whether the dictionary has been loaded in this process."""
    return _converter is not None


def _load() -> Cutlet:
    global _converter
    if _converter is None:
        import cutlet  # imports fugashi; the dictionary opens when the tagger is made

        converter = cutlet.Cutlet("hepburn", use_foreign_spelling=False, ensure_ascii=False)
        converter.use_wo = False  # を as o, like は wa and へ e (cutlet's Hepburn default writes wo)
        converter.exceptions = dict(_WORD_READINGS)  # drop cutlet's Tokyo/Kyoto spellings
        _converter = converter
    return _converter
