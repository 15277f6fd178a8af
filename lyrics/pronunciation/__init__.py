"""Generated pronunciation (romanization) of lyric lines, for tracks whose source has none.

Pure Python, no Django. The language is chosen per line from its script:

- any kana → Japanese, Hepburn (`ja-Latn`);
- Hangul → Korean, Revised Romanization after the standard pronunciation (`ko-Latn`);
- Han without kana → Chinese, tone-marked Hanyu Pinyin (`zh-Latn-pinyin`), unless the
  track is Japanese (a line of kanji only, like 夜空, is then read as Japanese);
- Latin-only lines, empty lines and anything else get none.

Japanese and Chinese load their dictionaries on first use, not on import.
"""

from __future__ import annotations

import re

from .chinese import romanize_chinese
from .japanese import romanize_japanese
from .korean import romanize_korean

__all__ = ["SCRIPT_TAGS", "detect_language", "pronounce"]

SCRIPT_TAGS = {"ko": "ko-Latn", "ja": "ja-Latn", "zh": "zh-Latn-pinyin"}

# Hiragana and katakana (without the ・ middle dot, which Chinese text uses too), small
# katakana extensions and half-width katakana.
_KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9d]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# CJK unified ideographs, extension A, compatibility ideographs and the supplementary planes.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

_ROMANIZERS = {"ko": romanize_korean, "ja": romanize_japanese, "zh": romanize_chinese}


def detect_language(text: str, *, track_language: str = "") -> str | None:
    """The language of a lyric line by its script: "ko", "ja", "zh", or None for no romanization.

    `track_language` (a BCP 47 tag such as "ja" or "ja-JP") only decides lines of Han
    characters alone: Japanese on a Japanese track, Chinese otherwise.
    """
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    if _HAN.search(text):
        return "ja" if track_language.strip().lower().startswith("ja") else "zh"
    return None


def pronounce(text: str, *, track_language: str = "") -> tuple[str, str] | None:
    """The line's romanization and its BCP 47 script tag, or None for a line that gets none.

    The tag is "ko-Latn", "ja-Latn" or "zh-Latn-pinyin".
    """
    language = detect_language(text, track_language=track_language)
    if language is None:
        return None
    romanized = _ROMANIZERS[language](text).strip()
    return (romanized, SCRIPT_TAGS[language]) if romanized else None
