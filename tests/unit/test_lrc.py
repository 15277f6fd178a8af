"""Our LRC parser: the cases the PyPI parsers get wrong."""

import pytest

from lyrics.lrc import LrcError, format_lrc, parse_lrc, parse_lrc_strict


def times(text: str) -> list[int | None]:
    return [line.time_ms for line in parse_lrc(text).lines]


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
    assert [(w.time_ms, w.text) for w in line.words] == [
        (29000, "우리 "),
        (29700, "노래는 "),
        (30600, "계속돼"),
    ]
    assert line.as_dict()["words"][1] == {"time_ms": 29700, "text": "노래는 "}


def test_lines_without_word_timings_have_no_words_key():
    (line,) = parse_lrc("[00:01.00]plain").lines
    assert line.as_dict() == {"index": 0, "time_ms": 1000, "text": "plain"}


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


def test_format_lrc_round_trips_synced_lines():
    lines = [line.as_dict() for line in parse_lrc("[00:01.50]a\n[01:02.25]b").lines]
    assert format_lrc(lines) == "[00:01.50]a\n[01:02.25]b"
    assert [line.as_dict() for line in parse_lrc(format_lrc(lines)).lines] == lines
