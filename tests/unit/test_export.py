"""Stored lines out as LRC and WebVTT: what other players read back."""

import html
import itertools
from pathlib import Path
from types import SimpleNamespace

import pytest
import webvtt
from hypothesis import given, settings
from hypothesis import strategies as st

from lyrics.export import to_lrc, to_webvtt
from lyrics.lrc import parse_lrc
from lyrics.lrclib import as_lrclib
from lyrics.ttml import parse_ttml

DATA = Path(__file__).resolve().parent.parent / "data"


def line(index, time_ms, text, *, end_ms=None, words=(), translation=None, pronunciation=None) -> dict:
    return {
        "index": index,
        "time_ms": time_ms,
        "end_ms": end_ms,
        "text": text,
        "words": [{"time_ms": t, "end_ms": e, "text": w} for t, e, w in words],
        "agent": None,
        "background": None,
        "translation": translation,
        "pronunciation": pronunciation,
    }


def cues(vtt: str) -> list[tuple[str, str, str, str]]:
    """(identifier, start, end, text) of each cue, as webvtt-py reads them."""
    return [(cue.identifier, cue.start, cue.end, cue.text) for cue in webvtt.from_string(vtt)]


# WebVTT


def test_webvtt_has_one_cue_per_line_that_webvtt_py_reads():
    lines = parse_ttml((DATA / "apple.ttml").read_text(encoding="utf-8")).line_dicts()
    vtt = to_webvtt(lines, duration_ms=20_000)
    assert vtt.startswith("WEBVTT\n\n")
    assert cues(vtt) == [
        ("0", "00:00:01.000", "00:00:04.200", "밤하늘에 작은 별 하나"),
        ("1", "00:00:05.000", "00:00:08.100", "조용히 나를 비추네"),
        ("2", "00:00:09.500", "00:00:13.000", "바람이 불어와도"),
        ("3", "00:00:13.500", "00:00:17.250", "우리 노래는 계속돼"),
        ("4", "00:00:18.000", "00:00:19.500", "Starlight"),
    ]


def test_word_timings_are_inline_timestamps_inside_the_cue():
    lines = [
        line(0, 1000, "a b c", end_ms=3000, words=[(1000, 1500, "a "), (1500, 2000, "b "), (2200, 3000, "c")])
    ]
    vtt = to_webvtt(lines)
    assert "00:00:01.000 --> 00:00:03.000\na <00:00:01.500>b <00:00:02.200>c\n" in vtt
    (cue,) = webvtt.from_string(vtt)
    assert cue.text == "a b c"


def test_a_cue_without_an_end_lasts_until_the_next_line_then_the_duration_then_five_seconds():
    lines = [line(0, 1000, "one"), line(1, 4000, ""), line(2, 6000, "two")]
    assert [(start, end) for _, start, end, _ in cues(to_webvtt(lines))] == [
        ("00:00:01.000", "00:00:04.000"),
        ("00:00:06.000", "00:00:11.000"),
    ]
    assert cues(to_webvtt(lines, duration_ms=7_500))[-1][2] == "00:00:07.500"


def test_a_cue_never_ends_before_it_starts():
    lines = [line(0, 5000, "bad end", end_ms=4000), line(1, 5000, "same start"), line(2, 9000, "later")]
    spans = [(start, end) for _, start, end, _ in cues(to_webvtt(lines, duration_ms=1000))]
    assert spans == [
        ("00:00:05.000", "00:00:09.000"),
        ("00:00:05.000", "00:00:09.000"),
        ("00:00:09.000", "00:00:14.000"),
    ]


def test_instrumental_gaps_and_unsynced_lines_make_no_cue():
    assert cues(to_webvtt([line(0, 1000, "a"), line(1, 2000, "  "), line(2, 3000, "b")]))[1][0] == "2"
    assert to_webvtt([line(0, None, "plain")]) == "WEBVTT\n"


def test_cue_text_is_escaped_as_webvtt_requires():
    vtt = to_webvtt([line(0, 0, "R&B <3 --> you", end_ms=1000)])
    assert "\nR&amp;B &lt;3 --&gt; you\n" in vtt
    # webvtt-py strips tags but leaves character references as they are.
    assert html.unescape(cues(vtt)[0][3]) == "R&B <3 --> you"


def test_a_layer_gives_its_text_without_word_timestamps():
    lines = [
        line(0, 1000, "별 빛", words=[(1000, 1500, "별 "), (1500, 2000, "빛")], translation="starlight"),
        line(1, 3000, "노래", pronunciation="norae"),
    ]
    translation = to_webvtt(lines, layer="translation")
    assert [text for *_, text in cues(translation)] == ["starlight"]
    assert "<00:" not in translation
    assert [(start, end, text) for _, start, end, text in cues(to_webvtt(lines, layer="pronunciation"))] == [
        ("00:00:03.000", "00:00:08.000", "norae")
    ]


def test_an_unknown_layer_is_refused():
    with pytest.raises(ValueError, match="layer"):
        to_webvtt([], layer="background")


# LRC


def test_unsynced_lines_are_plain_text():
    assert to_lrc([line(0, None, "first"), line(1, None, ""), line(2, None, "second")]) == "first\n\nsecond"


def test_lrc_writes_word_stamps_pauses_and_the_end_without_an_offset_tag():
    lyrics = parse_lrc((DATA / "enhanced.lrc").read_text(encoding="utf-8"))
    assert to_lrc(lyrics.line_dicts()).split("\n") == [
        "[00:01.00]<00:01.00>밤하늘에 <00:01.60>작은 <00:02.30>별 <00:02.80>하나<00:04.20>",
        "[00:05.00]<00:05.00>조용히 <00:05.90>나를 <00:06.50>비추네",
        "[00:09.00]",
        "[00:12.00]<00:12.00>우리 <00:12.70>노래는 <00:13.40><00:13.60>계속돼<00:15.00>",
        "[00:16.00]Let it <00:16.50>shine, <00:17.10>let it <00:17.60>shine<00:19.00>",
    ]


def test_line_level_lrc_leaves_the_words_out():
    lyrics = parse_lrc((DATA / "enhanced.lrc").read_text(encoding="utf-8"))
    assert to_lrc(lyrics.line_dicts(), words=False).split("\n")[:2] == [
        "[00:01.00]밤하늘에 작은 별 하나",
        "[00:05.00]조용히 나를 비추네",
    ]


def test_translations_come_back_as_dual_language_lrc():
    lyrics = parse_lrc((DATA / "dual.lrc").read_text(encoding="utf-8"))
    written = to_lrc(lyrics.line_dicts(), translations=True)
    assert written.startswith("[00:01.00]밤하늘에 작은 별 하나\n[00:01.00]A small star in the night sky\n")
    assert parse_lrc(written).line_dicts() == lyrics.line_dicts()


def test_a_line_starting_with_a_space_keeps_it():
    lines = [line(0, 1000, " indented")]
    assert parse_lrc(to_lrc(lines)).line_dicts() == lines


def test_ttml_words_survive_the_trip_through_lrc():
    lyrics = parse_ttml((DATA / "amll.ttml").read_text(encoding="utf-8"))
    back = parse_lrc(to_lrc(lyrics.line_dicts()))
    assert [(line.time_ms, line.text) for line in back.lines] == [
        (line.time_ms, line.text) for line in lyrics.lines
    ]
    assert [w.as_dict() for w in back.lines[3].words] == [w.as_dict() for w in lyrics.lines[3].words]


def test_lrclib_gets_plain_and_line_level_synced_text():
    lines = parse_lrc("[offset:+100]\n[00:01.00]<00:01.00>별 <00:01.50>빛\n[00:03.00]노래").line_dicts()
    track = SimpleNamespace(
        pk=7, title="별빛", artist="Byeol", album="", duration_ms=None, synced=True, lines=lines
    )
    answer = as_lrclib(track)
    assert answer["syncedLyrics"] == "[00:00.90]별 빛\n[00:02.90]노래"
    assert answer["plainLyrics"] == "별 빛\n노래"


# Hypothesis: whatever lines the parser can produce, LRC gives them back (at 10 ms).

WORD_CHARS = st.sampled_from(list("abcxyz 가나다별빛君と!?,.'-"))
WORD = st.text(WORD_CHARS, min_size=1, max_size=6)
LAST_WORD = st.text(WORD_CHARS, min_size=1, max_size=6).map(str.rstrip).filter(bool)


@st.composite
def stored_lines(draw) -> list[dict]:
    lines = []
    time_ms = draw(st.integers(0, 100_000))
    for index in range(draw(st.integers(1, 6))):
        time_ms += draw(st.integers(10, 20_000)) if index else 0
        prefix = draw(st.sampled_from(["", "intro ", " lead "]))
        texts = [*draw(st.lists(WORD, max_size=4)), draw(LAST_WORD)]
        if draw(st.booleans()):
            lines.append(line(index, time_ms, (prefix + "".join(texts)).rstrip()))
            continue
        words, start = [], time_ms
        for k, text in enumerate(texts):
            length = draw(st.integers(10, 2_000))
            pause = draw(st.sampled_from([0, 0, 30, 400]))
            last = k == len(texts) - 1
            end = draw(st.sampled_from([None, start + length])) if last else start + length
            words.append((start, end, text))
            start += length + pause
        lines.append(line(index, time_ms, prefix + "".join(texts), end_ms=words[-1][1], words=words))
    return lines


def at_10_ms(lines: list[dict]) -> list[dict]:
    def floor(ms):
        return None if ms is None else ms // 10 * 10

    return [
        {
            **item,
            "time_ms": floor(item["time_ms"]),
            "end_ms": floor(item["end_ms"]),
            "words": [
                {"time_ms": floor(w["time_ms"]), "end_ms": floor(w["end_ms"]), "text": w["text"]}
                for w in item["words"]
            ],
        }
        for item in lines
    ]


@given(stored_lines(), st.integers(0, 9))
@settings(max_examples=300, deadline=None)
def test_lrc_output_parses_back_to_the_same_lines_words_and_times(lines, jitter):
    lines = [{**item, "time_ms": item["time_ms"] + jitter} if not item["words"] else item for item in lines]
    if any(b["time_ms"] // 10 <= a["time_ms"] // 10 for a, b in itertools.pairwise(lines)):
        return  # the jitter made two lines share a stamp
    assert parse_lrc(to_lrc(lines)).line_dicts() == at_10_ms(lines)


@given(stored_lines(), st.integers(1_000, 600_000))
@settings(max_examples=200, deadline=None)
def test_every_timed_line_with_text_is_one_cue_that_ends_after_it_starts(lines, duration_ms):
    read = webvtt.from_string(to_webvtt(lines, duration_ms=duration_ms))
    assert [cue.identifier for cue in read] == [str(item["index"]) for item in lines if item["text"].strip()]
    for cue, item in zip(read, [item for item in lines if item["text"].strip()], strict=True):
        assert cue.start_time.in_milliseconds() == item["time_ms"]
        assert cue.end_time.in_milliseconds() > cue.start_time.in_milliseconds()
        assert cue.text == item["text"]
