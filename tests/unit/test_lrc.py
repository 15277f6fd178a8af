"""Our LRC parser: the cases the PyPI parsers get wrong, enhanced words and dual-language files."""

import time
from pathlib import Path

import pytest

from lyrics.lrc import LrcError, parse_lrc, parse_lrc_strict

DATA = Path(__file__).resolve().parent.parent / "data"


def times(text: str) -> list[int | None]:
    return [line.time_ms for line in parse_lrc(text).lines]


def words(line) -> list[tuple[int, int | None, str]]:
    return [(w.time_ms, w.end_ms, w.text) for w in line.words]


@pytest.mark.parametrize(
    ("stamp", "ms"),
    [
        ("[01:02]", 62_000),
        ("[01:02.5]", 62_500),
        ("[01:02.50]", 62_500),
        ("[01:02.05]", 62_050),
        ("[01:02.005]", 62_005),
        ("[01:02:50]", 62_500),
        ("[75:00.00]", 4_500_000),
        ("[ 00:01.00 ]", 1_000),
        ("[0001:02.00]", 62_000),
    ],
)
def test_every_stamp_form_reads_as_milliseconds(stamp, ms):
    assert times(f"{stamp}text") == [ms]


def test_several_stamps_on_one_line_repeat_it_in_time_order():
    lyrics = parse_lrc("[00:10.00][00:02.00]chorus\n[00:05.00]verse")
    assert [(line.time_ms, line.text) for line in lyrics.lines] == [
        (2000, "chorus"),
        (5000, "verse"),
        (10000, "chorus"),
    ]
    assert [line.index for line in lyrics.lines] == [0, 1, 2]


def test_out_of_order_lines_sort_stably():
    lyrics = parse_lrc("[00:03.00]c\n[00:01.00]a\n[00:03.00]d\n[00:02.00]b")
    assert [line.text for line in lyrics.lines] == ["a", "b", "c", "d"]


def test_id_tags_are_tags_not_lines():
    lyrics = parse_lrc("[ti:별빛]\n[ar:Byeol]\n[al:Demo]\n[length:03:20]\n[00:01.00]첫 줄")
    assert lyrics.tags == {"ti": "별빛", "ar": "Byeol", "al": "Demo", "length": "03:20"}
    assert [line.text for line in lyrics.lines] == ["첫 줄"]


def test_positive_offset_shows_lyrics_earlier():
    lyrics = parse_lrc("[offset:+500]\n[00:01.00]a\n[00:00.20]b")
    assert lyrics.offset_ms == 500
    assert [(line.text, line.time_ms) for line in lyrics.lines] == [("b", 0), ("a", 500)]


def test_negative_offset_shows_lyrics_later():
    assert times("[offset:-250]\n[00:01.00]a") == [1250]


def test_enhanced_word_timings_become_words_and_plain_text():
    (line,) = parse_lrc("[00:29.00]<00:29.00>우리 <00:29.70>노래는 <00:30.60>계속돼").lines
    assert line.text == "우리 노래는 계속돼"
    assert words(line) == [(29000, 29700, "우리 "), (29700, 30600, "노래는 "), (30600, None, "계속돼")]
    assert line.end_ms is None
    assert line.as_dict()["words"][1] == {"time_ms": 29700, "end_ms": 30600, "text": "노래는 "}


def test_a_stamp_after_the_last_word_ends_it_and_the_line():
    (line,) = parse_lrc("[00:01.00]<00:01.00>a <00:01.50>b<00:02.00>").lines
    assert words(line) == [(1000, 1500, "a "), (1500, 2000, "b")]
    assert line.end_ms == 2000


def test_an_empty_stamp_between_words_is_a_pause_not_a_word():
    (line,) = parse_lrc("[00:01.00]<00:01.00>a <00:01.40><00:01.80>b").lines
    assert words(line) == [(1000, 1400, "a "), (1800, None, "b")]
    assert line.text == "a b"


def test_the_offset_applies_to_word_stamps_too():
    (line,) = parse_lrc("[offset:+200]\n[00:01.00]<00:01.00>a <00:01.50>b<00:02.00>").lines
    assert words(line) == [(800, 1300, "a "), (1300, 1800, "b")]
    assert line.end_ms == 1800


def test_text_before_the_first_word_stamp_is_text_but_no_word():
    (line,) = parse_lrc("[00:01.00]Let it <00:01.50>shine<00:02.00>").lines
    assert line.text == "Let it shine"
    assert words(line) == [(1500, 2000, "shine")]


def test_every_layer_is_in_the_dict_even_when_absent():
    (line,) = parse_lrc("[00:01.00]plain").lines
    assert line.as_dict() == {
        "index": 0,
        "time_ms": 1000,
        "end_ms": None,
        "text": "plain",
        "words": [],
        "agent": None,
        "background": None,
        "translation": None,
        "pronunciation": None,
    }


def test_empty_timed_lines_are_instrumental_gaps():
    lyrics = parse_lrc("[00:01.00]a\n[00:05.00]\n[00:09.00]b")
    assert [line.text for line in lyrics.lines] == ["a", "", "b"]


def test_stray_lines_are_reported_not_fatal():
    lyrics = parse_lrc("[00:01.00]a\nnot a lyric line\n[00:02.00]b")
    assert [line.text for line in lyrics.lines] == ["a", "b"]
    assert [(p.line_no, p.text) for p in lyrics.problems] == [(2, "not a lyric line")]


def test_strict_parsing_names_the_line_it_could_not_parse():
    with pytest.raises(LrcError, match="line 3") as caught:
        parse_lrc_strict("[00:01.00]a\n[00:02.00]b\n[0x:zz]broken")
    assert caught.value.line_no == 3


def test_plain_text_is_unsynced_lyrics_keeping_stanza_breaks():
    lyrics = parse_lrc("\nfirst\nsecond\n\nthird\n\n")
    assert not lyrics.synced
    assert [(line.time_ms, line.text) for line in lyrics.lines] == [
        (None, "first"),
        (None, "second"),
        (None, ""),
        (None, "third"),
    ]


def test_a_bom_and_crlf_do_not_hide_the_first_stamp():
    assert times("\ufeff[00:01.00]a\r\n[00:02.00]b\r\n") == [1000, 2000]


def test_text_after_the_stamp_keeps_its_own_spacing():
    assert [line.text for line in parse_lrc("[00:01.00]   indented\n[00:02.00] one space").lines] == [
        "  indented",
        "one space",
    ]


# Numbers from the text are bounded before they are read.


def test_an_absurd_stamp_is_a_problem_not_a_time():
    lyrics = parse_lrc("[00:01.00]a\n[99999:00.00]b\n[1441:00.00]c\n[00:03.00]d")
    assert [line.text for line in lyrics.lines] == ["a", "d"]
    assert [(p.line_no, p.reason) for p in lyrics.problems] == [
        (2, "timestamp out of range"),
        (3, "timestamp out of range"),
    ]
    with pytest.raises(LrcError, match="line 2: timestamp out of range"):
        parse_lrc_strict("[00:01.00]a\n[99999:00.00]b")


def test_a_five_thousand_digit_minute_is_refused_at_once():
    huge = "9" * 5000
    started = time.perf_counter()
    lyrics = parse_lrc(f"[00:01.00]<{huge}:00.00>a\n[{huge}:00.00]b\n[offset:{huge}]\n[00:02.00]c")
    assert time.perf_counter() - started < 0.5
    assert [line.text for line in lyrics.lines] == ["a", "c"]
    assert lyrics.offset_ms == 0
    assert [p.reason for p in lyrics.problems] == [
        "word timestamp out of range",
        "timestamp out of range",
        "offset is not a number of milliseconds within a day",
    ]


def test_one_absurd_stamp_among_several_keeps_the_others():
    lyrics = parse_lrc("[00:01.00][99999:00]chorus")
    assert [(line.time_ms, line.text) for line in lyrics.lines] == [(1000, "chorus")]
    assert len(lyrics.problems) == 1


# Dual-language LRC.


@pytest.mark.parametrize(
    ("first", "second", "language"),
    [
        ("밤하늘에 작은 별 하나", "A small star in the night sky", "en"),
        ("君と歩いた道", "The road I walked with you", "en"),
        ("I will sing for you", "我为你歌唱", "zh"),
        ("A small star", "작은 별", "ko"),
        ("Little star", "小さな星", "ja"),
    ],
)
def test_a_same_stamp_line_in_another_script_is_the_translation(first, second, language):
    lyrics = parse_lrc(f"[00:01.00]{first}\n[00:01.00]{second}\n[00:05.00]next")
    assert [(line.text, line.translation) for line in lyrics.lines] == [(first, second), ("next", None)]
    assert lyrics.translation_language == language


def test_same_stamp_lines_in_one_script_stay_lines():
    lyrics = parse_lrc("[00:01.00]하나 둘\n[00:01.00]셋 넷\n[00:02.00]one\n[00:02.00]two")
    assert [(line.text, line.translation) for line in lyrics.lines] == [
        ("하나 둘", None),
        ("셋 넷", None),
        ("one", None),
        ("two", None),
    ]
    assert lyrics.translation_language is None


def test_a_korean_line_with_english_words_is_still_korean():
    lyrics = parse_lrc("[00:01.00]사랑해 baby tonight\n[00:01.00]I love you baby tonight")
    assert lyrics.lines[0].translation == "I love you baby tonight"


def test_lines_with_a_different_stamp_are_never_translations():
    lyrics = parse_lrc("[00:01.00]밤하늘에\n[00:02.00]In the night sky")
    assert [line.translation for line in lyrics.lines] == [None, None]


def test_a_third_same_stamp_line_is_a_line_of_its_own():
    lyrics = parse_lrc("[00:01.00]별\n[00:01.00]star\n[00:01.00]byeol")
    assert [(line.text, line.translation) for line in lyrics.lines] == [("별", "star"), ("byeol", None)]


def test_repeated_stamps_pair_with_repeated_stamps():
    lyrics = parse_lrc("[00:10.00][00:20.00]랄라 별빛\n[00:10.00][00:20.00]La la starlight")
    assert [(line.time_ms, line.text, line.translation) for line in lyrics.lines] == [
        (10000, "랄라 별빛", "La la starlight"),
        (20000, "랄라 별빛", "La la starlight"),
    ]


def test_an_empty_same_stamp_line_is_no_translation():
    lyrics = parse_lrc("[00:01.00]별\n[00:01.00]\n")
    assert [(line.text, line.translation) for line in lyrics.lines] == [("별", None), ("", None)]


def test_a_tl_tag_names_the_translation_language():
    lyrics = parse_lrc("[tl:en-GB]\n[00:01.00]별\n[00:01.00]star")
    assert lyrics.translation_language == "en-GB"


def test_word_stamps_leave_a_translation_as_plain_text():
    lyrics = parse_lrc("[00:01.00]<00:01.00>별 <00:01.50>빛\n[00:01.00]<00:01.00>star<00:01.50>light")
    assert lyrics.lines[0].translation == "starlight"
    assert [w.text for w in lyrics.lines[0].words] == ["별 ", "빛"]


# The shared fixtures other tests import.


def test_the_dual_language_fixture():
    lyrics = parse_lrc_strict((DATA / "dual.lrc").read_text(encoding="utf-8"))
    assert [(line.time_ms, line.text, line.translation) for line in lyrics.lines] == [
        (1000, "밤하늘에 작은 별 하나", "A small star in the night sky"),
        (5000, "조용히 나를 비추네", "Quietly shining down on me"),
        (9000, "", None),
        (12000, "君と歩いた道", "The road I walked with you"),
        (16000, "I will sing for you", "我为你歌唱"),
        (20000, "랄라 랄라 별빛", "La la la, starlight"),
        (24000, "하나 둘", None),
        (24000, "셋 넷", None),
        (28000, "랄라 랄라 별빛", "La la la, starlight"),
        (32000, "", None),
    ]
    assert lyrics.translation_language == "en"
    assert lyrics.tags["la"] == "ko"


def test_the_enhanced_fixture():
    lyrics = parse_lrc_strict((DATA / "enhanced.lrc").read_text(encoding="utf-8"))
    assert lyrics.offset_ms == 500
    first, second, gap, third, fourth = lyrics.lines
    assert (first.time_ms, first.end_ms, first.text) == (1000, 4200, "밤하늘에 작은 별 하나")
    assert words(first) == [
        (1000, 1600, "밤하늘에 "),
        (1600, 2300, "작은 "),
        (2300, 2800, "별 "),
        (2800, 4200, "하나"),
    ]
    assert first.translation == "A small star in the night sky"
    assert (second.end_ms, second.words[-1].end_ms, second.translation) == (
        None,
        None,
        "Quietly shining down on me",
    )
    assert (gap.time_ms, gap.text) == (9000, "")
    assert words(third) == [(12000, 12700, "우리 "), (12700, 13400, "노래는 "), (13600, 15000, "계속돼")]
    assert fourth.text == "Let it shine, let it shine"
    assert fourth.end_ms == 19000
    assert lyrics.translation_language == "en"
