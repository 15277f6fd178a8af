"""TTML sidecars: Apple Music's and AMLL's shapes, TTML's time expressions, and safe, named failures."""

import json
from pathlib import Path

import pytest

from lyrics.document import add_pronunciation, script_of
from lyrics.ttml import TtmlError, parse_ttml

DATA = Path(__file__).resolve().parent.parent / "data"
NAMESPACES = (
    'xmlns="http://www.w3.org/ns/ttml" xmlns:ttm="http://www.w3.org/ns/ttml#metadata" '
    'xmlns:ttp="http://www.w3.org/ns/ttml#parameter" xmlns:tts="http://www.w3.org/ns/ttml#styling" '
    'xmlns:itunes="http://music.apple.com/lyric-ttml-internal"'
)


def document(body: str, *, head: str = "", attributes: str = "") -> str:
    return f"<tt {NAMESPACES} {attributes}><head><metadata>{head}</metadata></head><body>{body}</body></tt>"


def words(line) -> list[tuple[int, int | None, str]]:
    return [(w.time_ms, w.end_ms, w.text) for w in line.words]


@pytest.fixture(scope="module")
def apple():
    return parse_ttml((DATA / "apple.ttml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def amll():
    return parse_ttml((DATA / "amll.ttml").read_text(encoding="utf-8"))


# Apple Music


def test_apple_lines_are_paragraphs_with_their_word_spans(apple):
    assert apple.synced
    assert [(line.index, line.time_ms, line.end_ms, line.text) for line in apple.lines] == [
        (0, 1000, 4200, "밤하늘에 작은 별 하나"),
        (1, 5000, 8100, "조용히 나를 비추네"),
        (2, 9500, 13000, "바람이 불어와도"),
        (3, 13500, 17250, "우리 노래는 계속돼"),
        (4, 18000, 19500, "Starlight"),
    ]
    # The space between two spans ends the first word; no space, no space.
    assert words(apple.lines[0]) == [
        (1000, 1600, "밤하늘에 "),
        (1600, 2300, "작은 "),
        (2300, 2800, "별 "),
        (2800, 4200, "하나"),
    ]
    assert words(apple.lines[4]) == [(18000, 18600, "Star"), (18600, 19500, "light")]


def test_apple_agents_are_numbered_voices_with_names(apple):
    assert apple.track_layers()["agents"] == [{"id": "v1", "name": "하늘"}, {"id": "v2", "name": "Byeol"}]
    assert [line.agent for line in apple.lines] == ["v1", "v1", "v2", "v2", "v1"]


def test_apple_head_translations_follow_the_line_keys(apple):
    assert [line.translation for line in apple.lines] == [
        "A small star in the night sky",
        "Quietly shining down on me",
        "Even when the wind blows",  # the background part of the translation is not the line's
        "Our song goes on",
        None,
    ]
    assert apple.translation_language == "en"


def test_apple_transliterations_give_the_pronunciation_even_with_timed_spans(apple):
    assert [line.pronunciation for line in apple.lines] == [
        "bamhaneure jageun byeol hana",
        "joyonghi nareul bichune",
        "barami bureowado",
        None,
        None,
    ]
    assert apple.pronunciation_script == "ko-Latn"


def test_background_vocals_lose_their_parentheses_and_keep_their_words(apple):
    background = apple.lines[2].background
    assert background.text == "우리 함께"
    assert [(w.time_ms, w.end_ms, w.text) for w in background.words] == [
        (11000, 11700, "우리 "),
        (11700, 12600, "함께"),
    ]
    assert apple.lines[2].as_dict()["background"] == {
        "text": "우리 함께",
        "words": [
            {"time_ms": 11000, "end_ms": 11700, "text": "우리 "},
            {"time_ms": 11700, "end_ms": 12600, "text": "함께"},
        ],
    }


def test_the_document_language_is_the_la_tag(apple):
    assert apple.tags == {"la": "ko"}


def test_line_dicts_are_json_with_every_layer(apple):
    data = json.loads(json.dumps(apple.line_dicts()))
    assert set(data[0]) == {
        "index",
        "time_ms",
        "end_ms",
        "text",
        "words",
        "agent",
        "background",
        "translation",
        "pronunciation",
    }


# AMLL


def test_amll_inline_translations_and_romanizations(amll):
    assert [(line.text, line.translation, line.pronunciation) for line in amll.lines] == [
        ("君と歩いた道", "The road I walked with you", "kimi to aruita michi"),
        ("夜空に光る星", "A star shining in the night sky", "yozora ni hikaru hoshi"),
        ("忘れないで", "Don't forget", "wasurenaide"),
        ("Stay with me 今夜", "Stay with me tonight", "Stay with me kon'ya"),
        ("ララララ", None, None),
    ]
    # x-roman spans without xml:lang: the script of the lines says Japanese.
    assert (amll.translation_language, amll.pronunciation_script) == ("en", "ja-Latn")


def test_amll_agent_on_a_div_applies_to_its_lines(amll):
    assert amll.track_layers()["agents"] == [{"id": "v1", "name": "Aoi"}, {"id": "v2", "name": "ひかり"}]
    assert [line.agent for line in amll.lines] == ["v1", "v1", "v2", "v2", "v2"]


def test_amll_background_layers_stay_out_of_the_line(amll):
    line = amll.lines[2]
    assert line.background.text == "ずっと"
    assert [w.text for w in line.background.words] == ["ずっ", "と"]
    assert line.translation == "Don't forget"


def test_syllable_spans_without_spaces_make_one_word_of_text(amll):
    assert [w.text for w in amll.lines[0].words] == ["君", "と", "歩", "い", "た", "道"]


def test_a_span_without_an_end_ends_with_its_line(amll):
    assert words(amll.lines[4]) == [(18000, 20000, "ラララ"), (20000, 22000, "ラ")]


def test_amll_meta_gives_title_artist_and_album(amll):
    assert amll.tags == {"ti": "星の道 (Star Road)", "ar": "Byeol Demo", "al": "Byeol Demo Library"}


# Time expressions and the time model


@pytest.mark.parametrize(
    ("expression", "ms"),
    [
        ("01:02:03.456", 3_723_456),
        ("00:00:01.5", 1_500),
        ("1:02.345", 62_345),
        ("00:01.000", 1_000),
        ("12.345", 12_345),
        ("7", 7_000),
        ("12.3s", 12_300),
        ("123ms", 123),
        ("1.5m", 90_000),
        ("2h", 7_200_000),
        ("45f", 1_500),  # 30 frames a second by default
        ("00:00:01:15", 1_500),
        ("3t", 3_000),  # one tick a second by default
        (" 2s ", 2_000),
    ],
)
def test_every_time_expression_reads_as_milliseconds(expression, ms):
    (line,) = parse_ttml(document(f'<div><p begin="{expression}">x</p></div>')).lines
    assert line.time_ms == ms


def test_frame_and_tick_rates_come_from_the_tt_element():
    attributes = 'ttp:frameRate="25" ttp:frameRateMultiplier="1000 1001" ttp:subFrameRate="2"'
    body = '<div><p begin="25f">a</p><p begin="00:00:02:00.1">b</p><p begin="100t">c</p></div>'
    # Frames at 25 × 1000/1001 a second, half-frames; ticks default to frames × sub-frames a second.
    assert [
        (line.text, line.time_ms) for line in parse_ttml(document(body, attributes=attributes)).lines
    ] == [
        ("a", 1001),
        ("c", 2002),
        ("b", 2020),
    ]
    ticks = parse_ttml(document('<div><p begin="2500000t">a</p></div>', attributes='ttp:tickRate="10000000"'))
    assert ticks.lines[0].time_ms == 250


def test_children_that_begin_before_their_parent_are_timed_from_it_as_ttml_says():
    body = (
        '<div begin="10s"><p begin="1s" end="3s">'
        '<span begin="0s" end="1s">a</span> <span begin="1s" end="2s">b</span></p></div>'
    )
    (line,) = parse_ttml(document(body)).lines
    assert (line.time_ms, line.end_ms) == (11000, 13000)
    assert words(line) == [(11000, 12000, "a "), (12000, 13000, "b")]


def test_absolute_times_inside_timed_divs_stay_absolute():
    body = (
        '<div begin="10s" end="20s"><p begin="12s" end="14s"><span begin="12s" end="13s">a</span></p></div>'
    )
    (line,) = parse_ttml(document(body)).lines
    assert (line.time_ms, line.end_ms, words(line)) == (12000, 14000, [(12000, 13000, "a")])


def test_dur_bounds_the_end():
    body = '<div><p begin="1s" dur="2s">a</p><p begin="5s" end="9s" dur="1s">b</p></div>'
    assert [(line.time_ms, line.end_ms) for line in parse_ttml(document(body)).lines] == [
        (1000, 3000),
        (5000, 6000),
    ]


def test_a_line_without_an_end_ends_with_its_last_word_not_its_div():
    body = (
        '<div begin="0s" end="60s"><p begin="1s"><span begin="1s" end="2s">a</span></p>'
        '<p begin="3s">b</p></div>'
    )
    assert [line.end_ms for line in parse_ttml(document(body)).lines] == [2000, None]


def test_a_paragraph_without_begin_starts_with_its_first_word():
    body = '<div><p><span begin="4s" end="5s">a</span></p><p begin="1s">b</p></div>'
    assert [(line.time_ms, line.text) for line in parse_ttml(document(body)).lines] == [
        (1000, "b"),
        (4000, "a"),
    ]


def test_a_document_without_times_is_unsynced():
    lyrics = parse_ttml(
        document('<div><p>first line</p><p>second <span tts:color="red">line</span></p></div>')
    )
    assert not lyrics.synced
    assert [(line.time_ms, line.text, line.words) for line in lyrics.lines] == [
        (None, "first line", ()),
        (None, "second line", ()),
    ]


def test_pretty_printed_paragraphs_collapse_their_whitespace():
    body = """<div>
      <p begin="1s" end="2s">
        <span begin="1s" end="1.5s">hello</span>
        <span begin="1.5s" end="2s">world</span>
        <br/>
      </p>
    </div>"""
    (line,) = parse_ttml(document(body)).lines
    assert line.text == "hello world"
    assert [w.text for w in line.words] == ["hello ", "world"]


def test_one_voice_names_no_agent_on_lines():
    head = '<ttm:agent type="person" xml:id="v1"><ttm:name type="full">Solo</ttm:name></ttm:agent>'
    lyrics = parse_ttml(document('<div><p begin="1s" ttm:agent="v1">a</p></div>', head=head))
    assert lyrics.lines[0].agent is None
    assert lyrics.track_layers()["agents"] == [{"id": "v1", "name": "Solo"}]


def test_voices_are_numbered_in_declaration_order_whatever_their_ids():
    head = (
        '<ttm:agent type="person" xml:id="b"/><ttm:agent type="group" xml:id="v1000"/><ttm:agent xml:id="a"/>'
    )
    body = (
        '<div><p begin="1s" ttm:agent="a">x</p><p begin="2s" ttm:agent="b">y</p>'
        '<p begin="3s" ttm:agent="z">z</p></div>'
    )
    lyrics = parse_ttml(document(body, head=head))
    assert [line.agent for line in lyrics.lines] == ["v2", "v1", "v3"]
    # v1000 sings no line: not a voice of this track; z was never declared: no name.
    assert lyrics.agents == (("v1", None), ("v2", None), ("v3", None))


def test_inline_layers_win_over_the_head():
    head = (
        '<iTunesMetadata xmlns="http://music.apple.com/lyric-ttml-internal"><translations>'
        '<translation xml:lang="en"><text for="L1">from the head</text><text for="L2">head only</text>'
        "</translation></translations></iTunesMetadata>"
    )
    body = (
        '<div><p begin="1s" itunes:key="L1">별'
        '<span ttm:role="x-translation" xml:lang="en-GB">inline</span></p>'
        '<p begin="2s" itunes:key="L2">빛</p></div>'
    )
    lyrics = parse_ttml(document(body, head=head))
    assert [line.translation for line in lyrics.lines] == ["inline", "head only"]


# Safety and errors that name what they could not read

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE tt [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="1s">&lol9;</p></div></body></tt>"""


def test_a_billion_laughs_is_refused():
    with pytest.raises(TtmlError, match="entity declarations are refused"):
        parse_ttml(BILLION_LAUGHS)


def test_an_external_entity_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not leak", encoding="utf-8")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE tt [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="1s">&xxe;</p></div></body></tt>'
    )
    with pytest.raises(TtmlError, match="xxe") as caught:
        parse_ttml(xxe)
    assert "do not leak" not in str(caught.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '<div><p begin="1s">a</p><p begin="2s">b</p><p begin="abc">c</p></div>',
            '<p> #3 (begin="abc"): bad time expression',
        ),
        (
            '<div><p begin="1s"><span begin="1s">a</span><span begin="2s" end="2x">b</span></p></div>',
            '<span> #2 in <p> #1 (end="2x"): bad time expression',
        ),
        ('<div begin="soon"><p>a</p></div>', '<div> #1 (begin="soon"): bad time expression'),
        ('<div><p begin="25h">a</p></div>', '<p> #1 (begin="25h"): time past a day'),
        ('<div><p begin="1s" dur="-1s">a</p></div>', '<p> #1 (dur="-1s"): bad time expression'),
    ],
)
def test_a_bad_time_names_its_element(body, message):
    with pytest.raises(TtmlError) as caught:
        parse_ttml(document(body))
    assert str(caught.value) == message


def test_a_five_thousand_digit_time_is_refused_at_once():
    with pytest.raises(TtmlError, match=r"<p> #1 \(begin=\"9{40}…\"\): bad time expression"):
        parse_ttml(document(f'<div><p begin="{"9" * 5000}s">a</p></div>'))


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ('ttp:timeBase="clock"', '<tt> (ttp:timeBase="clock"): only media and smpte time bases are read'),
        ('ttp:frameRate="0"', '<tt> (ttp:frameRate="0"): not a positive whole number'),
        ('ttp:tickRate="fast"', '<tt> (ttp:tickRate="fast"): not a positive whole number'),
        (
            'ttp:frameRateMultiplier="1000 0"',
            '<tt> (ttp:frameRateMultiplier="1000 0"): not two positive numbers',
        ),
    ],
)
def test_bad_timing_parameters_name_the_tt_element(attributes, message):
    with pytest.raises(TtmlError) as caught:
        parse_ttml(document('<div><p begin="1s">a</p></div>', attributes=attributes))
    assert str(caught.value) == message


def test_broken_xml_says_where():
    with pytest.raises(TtmlError, match=r"line 3, column \d+ .*mismatched tag"):
        parse_ttml('<tt xmlns="http://www.w3.org/ns/ttml">\n<body><div>\n<p begin="1s">a</div></body></tt>')


def test_another_root_is_not_ttml():
    with pytest.raises(TtmlError, match=r"^<html>: not a TTML document"):
        parse_ttml("<html><body><p>hello</p></body></html>")


def test_absurd_nesting_is_refused_before_it_is_walked():
    with pytest.raises(TtmlError, match="<span>: elements nested more than"):
        parse_ttml(document('<div><p begin="1s">' + "<span>" * 1000 + "x" + "</span>" * 1000 + "</p></div>"))


def test_an_empty_document_has_no_lines():
    lyrics = parse_ttml('<tt xmlns="http://www.w3.org/ns/ttml"/>')
    assert (lyrics.lines, lyrics.synced, lyrics.agents) == ((), False, ())


# The shared model's generated pronunciation over a source's own (lyrics.document)


def fake_pronounce(text: str) -> tuple[str, str] | None:
    script = script_of(text)
    if script == "Hang":
        return f"rom({text})", "ko-Latn"
    if script == "Jpan":
        return f"romaji({text})", "ja-Latn"
    return None


def test_generated_pronunciation_fills_only_lines_without_one(apple):
    filled = add_pronunciation(apple, fake_pronounce)
    assert [line.pronunciation for line in filled.lines] == [
        "bamhaneure jageun byeol hana",  # the source's own transliterations win
        "joyonghi nareul bichune",
        "barami bureowado",
        "rom(우리 노래는 계속돼)",
        None,  # Latin: nothing to pronounce
    ]
    assert filled.pronunciation_script == "ko-Latn"
    assert apple.lines[3].pronunciation is None, "the input is left as it was"


def test_the_pronunciation_script_is_the_one_most_lines_carry():
    lyrics = parse_ttml(
        document(
            '<div><p begin="1s">별</p><p begin="2s">君と</p><p begin="3s">夜空に</p><p begin="4s"></p></div>'
        )
    )
    called = []
    filled = add_pronunciation(lyrics, lambda text: called.append(text) or fake_pronounce(text))
    assert filled.pronunciation_script == "ja-Latn"
    assert called == ["별", "君と", "夜空に"], "empty lines are not pronounced"


def test_without_any_pronunciation_the_script_stays_none():
    lyrics = parse_ttml(document('<div><p begin="1s">hello</p></div>'))
    assert add_pronunciation(lyrics, fake_pronounce).pronunciation_script is None


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("밤하늘에 작은 별", "Hang"),
        ("사랑해 baby, tonight", "Hang"),
        ("君と歩いた道", "Jpan"),
        ("カタカナ only", "Jpan"),
        ("我为你歌唱", "Hani"),
        ("A small star", "Latn"),
        ("Ｆｕｌｌ", "Latn"),
        ("Звезда", "Cyrl"),
        ("ดาว", "Thai"),
        ("123 ... !", None),
        ("", None),
    ],
)
def test_the_script_of_a_line(text, script):
    assert script_of(text) == script
