"""Decoding and normalising lyric text: pure, no Django.

Text is decoded once, at import or upload, and then stored as UTF-8 with LF
line ends in NFC. Bytes that fit no plausible encoding are an error, never
silent mojibake.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters that never appear in lyrics; their presence means binary.
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f"}


class TextDecodeError(ValueError):
    """Bytes that decode in no plausible encoding."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def normalise_text(text: str) -> str:
    """Strip a leading BOM, fold CRLF and CR to LF, and normalise to NFC."""
    text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS)
    return (controls > 0 and controls * 200 > len(text)) or "\x00" in text


def _share(text: str, predicate: Callable[[str], bool]) -> float:
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return 0.0
    return sum(1 for ch in wide if predicate(ch)) / len(wide)


def _is_kana(ch: str) -> bool:
    # Full-width kana only: half-width katakana is what Big5 bytes look like in CP932.
    return "\u3040" <= ch <= "\u30ff"


def _is_japanese(ch: str) -> bool:
    return _is_kana(ch) or _is_han(ch) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3" or "\u3130" <= ch <= "\u318f" or "\u1100" <= ch <= "\u11ff"


def _is_common_korean(ch: str) -> bool:
    # CP949 maps almost any byte pair to some rare syllable; real Korean text
    # keeps to the 2,350 syllables of KS X 1001 (what EUC-KR can encode).
    # Syllables only: stray compatibility jamo (ㄴ, ㅵ) are what Chinese bytes become.
    if not "\uac00" <= ch <= "\ud7a3":
        return False
    try:
        ch.encode("euc-kr")
    except UnicodeEncodeError:
        return False
    return True


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _is_chinese(ch: str) -> bool:
    return _is_han(ch) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _is_latin(ch: str) -> bool:
    return (unicodedata.category(ch)[0] in {"L", "P", "Z", "S", "N"} and ord(ch) <= 0x24F) or ch in "‘’“”–—…€"


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return None if _looks_binary(text) else text


def _utf8(data: bytes) -> str | None:
    """Strict UTF-8; a file cut off inside its last character loses only that character."""
    try:
        return _strict(data, "utf-8") if data.isascii() else _checked(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return _strict(data[: exc.start], "utf-8")
        return None


def _checked(text: str) -> str | None:
    return None if _looks_binary(text) else text


def _utf16_without_bom(data: bytes) -> str | None:
    if len(data) < 4 or len(data) % 2:
        return None
    even_nuls = data[0::2].count(0) / (len(data) / 2)
    odd_nuls = data[1::2].count(0) / (len(data) / 2)
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return _strict(data, "utf-16-le")
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return _strict(data, "utf-16-be")
    return None


def _is_common_simplified(ch: str) -> bool:
    if not _is_chinese(ch):
        return False
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _japanese_score(text: str) -> float:
    # Kana is what tells Japanese apart: kanji alone decode from Korean bytes too.
    return _share(text, _is_japanese) if _share(text, _is_kana) > 0.1 else 0.0


# Tried in this order; on a tie the earlier wins (kana before Hangul before Han).
_LEGACY = (
    ("shift_jis", "cp932", _japanese_score),
    ("cp949", "cp949", lambda text: _share(text, _is_common_korean)),
    ("gb18030", "gb18030", lambda text: _share(text, _is_common_simplified)),
    ("big5", "big5", lambda text: _share(text, _is_chinese)),
)


def _legacy(data: bytes) -> DecodedText | None:
    """The most plausible East Asian legacy encoding, else Western European."""
    best: tuple[float, DecodedText] | None = None
    for name, codec, score in _LEGACY:
        if (text := _strict(data, codec)) is None:
            continue
        value = score(text)
        if value >= 0.9 and (best is None or value > best[0]):
            best = (value, DecodedText(text, name))
    if best is not None:
        return best[1]
    if (text := _strict(data, "cp1252")) is not None and _share(text, _is_latin) > 0.95:
        return DecodedText(text, "cp1252")
    return None


def decode_text(data: bytes) -> DecodedText:
    """Decode lyric bytes: BOM, strict UTF-8, UTF-16, then a likely legacy encoding.

    The result is normalised (:func:`normalise_text`). Raises
    :class:`TextDecodeError` when no plausible encoding fits.
    """
    if not data:
        return DecodedText("", "utf-8")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(normalise_text(data[len(bom) :].decode(encoding)), encoding)
            except UnicodeDecodeError as exc:
                raise TextDecodeError(
                    f"starts with a {encoding} byte-order mark but is not {encoding}: {exc}"
                ) from exc
    candidates = [(_utf8(data), "utf-8"), (_utf16_without_bom(data), "utf-16")]
    for text, encoding in candidates:
        if text is not None:
            return DecodedText(normalise_text(text), encoding)
    if b"\x00" not in data and (found := _legacy(data)) is not None:
        return DecodedText(normalise_text(found.text), found.encoding)
    raise TextDecodeError("not text in UTF-8, UTF-16, CP949/EUC-KR, Shift_JIS, GBK, Big5 or Western European")


def repair_latin1_mojibake(text: str) -> str:
    """Undo UTF-8 (or CP949) bytes that were decoded as Latin-1/CP1252, as in old ID3 tags."""
    if not text or text.isascii():
        return text
    for wrong in ("latin-1", "cp1252"):
        try:
            raw = text.encode(wrong)
        except UnicodeEncodeError:
            continue
        for right in ("utf-8", "cp949"):
            try:
                fixed = raw.decode(right)
            except UnicodeDecodeError:
                continue
            if (
                fixed != text
                and not _looks_binary(fixed)
                and (right == "utf-8" or _share(fixed, _is_hangul) > 0.8)
            ):
                return unicodedata.normalize("NFC", fixed)
    return text
