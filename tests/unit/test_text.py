"""Decoding lyric bytes: correct text or a clear error, never mojibake."""

import codecs
import random
import unicodedata

import pytest

from lyrics.text import TextDecodeError, decode_text, normalise_text, repair_latin1_mojibake

KOREAN = "별빛이 내리는 밤\n우리 노래는 계속돼"
NFD_KOREAN = unicodedata.normalize("NFD", KOREAN)
MOJIBAKE_MARKS = ("Ã", "ê°", "ë", "\ufffd", "ì", "�")


def junk(size: int) -> bytes:
    rng = random.Random(7)
    return b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(size))


# (name, bytes, expected text or TextDecodeError)
CASES = [
    ("utf-8", KOREAN.encode(), KOREAN),
    ("utf-8 with BOM", codecs.BOM_UTF8 + KOREAN.encode(), KOREAN),
    ("cp949 Korean", KOREAN.encode("cp949"), KOREAN),
    ("euc-kr Korean", "별빛 노래\n안녕하세요".encode("euc-kr"), "별빛 노래\n안녕하세요"),
    ("shift_jis Japanese", "星の歌\nこんにちは、世界".encode("shift_jis"), "星の歌\nこんにちは、世界"),
    ("gbk Chinese", "星星的歌\n你好世界".encode("gbk"), "星星的歌\n你好世界"),
    ("big5 Chinese", "繁體中文歌詞\n星光燦爛".encode("big5"), "繁體中文歌詞\n星光燦爛"),
    ("utf-16 LE with BOM", codecs.BOM_UTF16_LE + KOREAN.encode("utf-16-le"), KOREAN),
    ("utf-16 BE with BOM", codecs.BOM_UTF16_BE + KOREAN.encode("utf-16-be"), KOREAN),
    ("utf-16 LE without BOM", "[00:01.00]Hello star".encode("utf-16-le"), "[00:01.00]Hello star"),
    ("NFD Hangul", NFD_KOREAN.encode(), KOREAN),
    ("CRLF line ends", b"a\r\nb\r\n", "a\nb\n"),
    ("lone CR line ends", b"a\rb\rc", "a\nb\nc"),
    ("a 1 MB line", ("별" * 350_000).encode(), "별" * 350_000),
    ("an empty file", b"", ""),
    ("an LRC of only tags", b"[ti:Title]\n[ar:Artist]\n", "[ti:Title]\n[ar:Artist]\n"),
    ("Western cp1252", "Café déjà vu – naïve".encode("cp1252"), "Café déjà vu – naïve"),
    ("invalid UTF-8 bytes", b"abc \xff\xfe\xfd\xfc \x80\x81", TextDecodeError),
    ("binary junk", junk(4096), TextDecodeError),
    ("NUL bytes in text", b"lyrics\x00\x00\x00with nul", TextDecodeError),
    ("truncated UTF-8 at the end", "별빛 노래 별빛 노래".encode()[:-1], "별빛 노래 별빛 노"),
    ("UTF-8 BOM on invalid bytes", codecs.BOM_UTF8 + b"\xff\xfe broken", TextDecodeError),
]


@pytest.mark.parametrize(("data", "expected"), [(d, e) for _, d, e in CASES], ids=[n for n, _, _ in CASES])
def test_malformed_input_gives_correct_text_or_a_clear_error(data, expected):
    if expected is TextDecodeError:
        with pytest.raises(TextDecodeError, match=r"not text|mark"):
            decode_text(data)
        return
    text = decode_text(data).text
    assert text == expected
    assert not any(mark in text for mark in MOJIBAKE_MARKS)
    assert text == unicodedata.normalize("NFC", text)


def test_there_are_at_least_twenty_malformed_cases():
    assert len(CASES) >= 20


def test_kana_is_checked_before_korean():
    # These Shift_JIS bytes also decode as CP949, into nonsense Hangul.
    data = "こんにちは".encode("shift_jis")
    data.decode("cp949")
    assert decode_text(data).encoding == "shift_jis"


def test_normalise_folds_line_ends_strips_bom_and_composes():
    assert normalise_text("\ufeffa\r\nb\rc" + NFD_KOREAN) == "a\nb\nc" + KOREAN


def test_repair_latin1_mojibake_undoes_utf8_read_as_latin1():
    assert repair_latin1_mojibake(KOREAN.encode().decode("latin-1")) == KOREAN
    assert repair_latin1_mojibake("Café") == "Café"
    assert repair_latin1_mojibake("별") == "별"
