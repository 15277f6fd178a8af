"""Fuzzing the parsers of what clients and files send.

Nothing escapes parse_lrc, only TtmlError escapes parse_ttml; the Last-Event-ID
parsers of lyric and station streams and the Range parser (the audit's
payloads among the examples) never raise but RangeNotSatisfiable, and what
they return is always in bounds.
"""

from urllib.parse import quote

from hypothesis import example, given, settings
from hypothesis import strategies as st

from lyrics.audio import ByteRange, RangeNotSatisfiable, parse_range
from lyrics.document import MAX_TIME_MS
from lyrics.lrc import parse_lrc
from lyrics.streams import END, parse_token
from lyrics.ttml import TtmlError, parse_ttml
from stations.endpoints import parse_last_id

# Bytes as a careless decoder would hand them over: every code point from 0 to 255.
BYTES_AS_TEXT = st.binary(max_size=600).map(lambda data: data.decode("latin-1"))
ANY_TEXT = st.text(max_size=400)  # surrogates included

DIGITS = st.one_of(
    st.text("0123456789", min_size=1, max_size=4), st.just("9" * 5000), st.just("0" * 60 + "1")
)
STAMP = st.builds(
    lambda m, s, f, sep, open_, close: f"{open_}{m}:{s}{sep}{f}{close}",
    DIGITS,
    DIGITS,
    DIGITS,
    st.sampled_from([".", ":", ""]),
    st.sampled_from(["[", "<", "[ "]),
    st.sampled_from(["]", ">", " ]"]),
)
LRC_PIECE = st.one_of(
    STAMP,
    st.sampled_from(["\n", "\r\n", "\r", " ", "\ufeff", "[offset:", "[tl:", "]", "+", "-", "[ti:x]\n"]),
    st.text(st.sampled_from("별빛君とabc 我"), max_size=5),
    DIGITS,
)
LRC_LIKE = st.lists(LRC_PIECE, max_size=40).map("".join)


def check_lrc_invariants(text: str) -> None:
    lyrics = parse_lrc(text)
    assert [line.index for line in lyrics.lines] == list(range(len(lyrics.lines)))
    for line in lyrics.lines:
        line.as_dict()
        if lyrics.synced:
            assert line.time_ms is not None
            assert 0 <= line.time_ms <= MAX_TIME_MS
            assert line.end_ms is None or line.end_ms >= line.time_ms
        for word in line.words:
            assert 0 <= word.time_ms <= MAX_TIME_MS
            assert word.end_ms is None or word.end_ms >= word.time_ms
    if lyrics.synced:
        assert [line.time_ms for line in lyrics.lines] == sorted(line.time_ms for line in lyrics.lines)


@given(st.one_of(BYTES_AS_TEXT, ANY_TEXT, LRC_LIKE))
@settings(max_examples=500, deadline=None)
def test_nothing_escapes_the_lrc_parser(text):
    check_lrc_invariants(text)


TIME = st.one_of(
    st.sampled_from(
        ["1s", "00:01.000", "1:02.5", "12.345", "00:00:01:12", "30f", "100t", "500ms", "1.5m", "2h"]
    ),
    st.sampled_from(["", "abc", "-1s", "25h", "1e3s", "٣s", "9" * 5000, "1:99:99.9", "00:00:00:99.9"]),
    st.text("0123456789:.smhft ", max_size=12),
)
ATTRIBUTE = st.one_of(
    st.tuples(st.sampled_from(["begin", "end", "dur"]), TIME),
    st.tuples(st.just("ttm:role"), st.sampled_from(["x-bg", "x-translation", "x-roman", "x-other"])),
    st.tuples(st.just("ttm:agent"), st.sampled_from(["v1", "v2", "v1000", ""])),
    st.tuples(st.just("itunes:key"), st.sampled_from(["L1", "L2"])),
    st.tuples(st.just("xml:lang"), st.sampled_from(["en", "ko-Latn", ""])),
    st.tuples(st.just("xml:id"), st.sampled_from(["v1", "v2"])),
    st.tuples(st.just("for"), st.sampled_from(["L1", "L2"])),
)
NAME = st.sampled_from(
    ["head", "metadata", "body", "div", "p", "span", "br", "ttm:agent", "ttm:name", "translations",
     "translation", "transliterations", "transliteration", "text", "iTunesMetadata", "amll:meta", "x"]
)  # fmt: skip
TEXT = st.text(st.sampled_from("별빛 君と ab(c)&<>\n\t"), max_size=6).map(
    lambda text: text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
)


def element(name: str, attributes: list[tuple[str, str]], children: list[str]) -> str:
    attrs = "".join(f' {key}="{value}"' for key, value in dict(attributes).items())
    return f"<{name}{attrs}>{''.join(children)}</{name}>"


TREE = st.recursive(
    TEXT,
    lambda inner: st.builds(element, NAME, st.lists(ATTRIBUTE, max_size=3), st.lists(inner, max_size=4)),
    max_leaves=30,
)
ROOT_ATTRIBUTES = st.lists(
    st.sampled_from(
        ['ttp:frameRate="25"', 'ttp:tickRate="0"', 'ttp:timeBase="smpte"', 'ttp:timeBase="clock"',
         'ttp:frameRateMultiplier="1000 1001"', 'ttp:subFrameRate="x"', 'xml:lang="ko"']
    ),
    max_size=2,
)  # fmt: skip
TTML_LIKE = st.builds(
    lambda attributes, children: (
        '<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttm="http://www.w3.org/ns/ttml#metadata" '
        'xmlns:ttp="http://www.w3.org/ns/ttml#parameter" xmlns:amll="http://www.example.com/ns/amll" '
        'xmlns:itunes="http://music.apple.com/lyric-ttml-internal" '
        f"{' '.join(attributes)}>{''.join(children)}</tt>"
    ),
    ROOT_ATTRIBUTES,
    st.lists(TREE, max_size=3),
)


# The same, shaped like lyrics: a head, then body > div > p > spans, times mostly well formed.
GOOD_TIME = st.builds(lambda s, ms: f"{s}.{ms:03d}", st.integers(0, 30), st.integers(0, 999))
# One bad time in twenty: enough to fail somewhere, rare enough that most documents get read.
MOSTLY_GOOD_TIME = st.integers(0, 19).flatmap(lambda n: TIME if n == 0 else GOOD_TIME)
TIMING = st.lists(
    st.tuples(st.sampled_from(["begin", "end", "dur"]), MOSTLY_GOOD_TIME),
    max_size=2,
)
ROLE = st.lists(
    st.tuples(st.just("ttm:role"), st.sampled_from(["x-bg", "x-translation", "x-roman"])), max_size=1
)
SPAN = st.recursive(
    st.builds(lambda timing, text: element("span", timing, [text]), TIMING, TEXT),
    lambda inner: st.builds(
        lambda timing, role, children: element("span", timing + role, children),
        TIMING,
        ROLE,
        st.lists(st.one_of(inner, st.sampled_from(["", " "])), max_size=4),
    ),
    max_leaves=12,
)
PARAGRAPH = st.builds(
    lambda timing, agent, children: element("p", timing + agent, children),
    TIMING,
    st.lists(
        st.tuples(st.sampled_from(["ttm:agent", "itunes:key"]), st.sampled_from(["v1", "v2", "L1"])),
        max_size=2,
    ),
    st.lists(st.one_of(SPAN, TEXT), max_size=6),
)
HEAD = st.sampled_from(
    [
        "",
        '<head><metadata><ttm:agent xml:id="v1"><ttm:name>A</ttm:name></ttm:agent><ttm:agent xml:id="v2"/>'
        "</metadata></head>",
        '<head><metadata><translations><translation xml:lang="en"><text for="L1">hi <span ttm:role="x-bg">'
        "(bg)</span></text></translation></translations><transliterations><transliteration>"
        '<text for="L1"><span begin="1">ro</span></text></transliteration></transliterations>'
        "</metadata></head>",
    ]
)
LYRICS_ROOT = st.lists(
    st.sampled_from(['ttp:frameRate="25"', 'ttp:tickRate="1000"', 'ttp:timeBase="smpte"', 'xml:lang="ja"']),
    max_size=2,
    unique=True,
)
LYRICS_LIKE = st.builds(
    lambda attributes, head, timing, divs: (
        '<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttm="http://www.w3.org/ns/ttml#metadata" '
        'xmlns:ttp="http://www.w3.org/ns/ttml#parameter" '
        f'xmlns:itunes="http://music.apple.com/lyric-ttml-internal" {" ".join(attributes)}>'
        f"{head}{element('body', timing, divs)}</tt>"
    ),
    LYRICS_ROOT,
    HEAD,
    TIMING,
    st.lists(
        st.builds(
            lambda timing, ps: element("div", timing, ps), TIMING, st.lists(PARAGRAPH, min_size=1, max_size=4)
        ),
        min_size=1,
        max_size=3,
    ),
)


def check_ttml(text: str) -> None:
    try:
        lyrics = parse_ttml(text)
    except TtmlError:
        return
    assert [line.index for line in lyrics.lines] == list(range(len(lyrics.lines)))
    for line in lyrics.lines:
        line.as_dict()
        assert (line.time_ms is not None) == lyrics.synced
        for word in line.words:
            assert word.end_ms is None or word.end_ms >= word.time_ms
    lyrics.track_layers()


@given(st.one_of(TTML_LIKE, LYRICS_LIKE))
@settings(max_examples=500, deadline=None)
def test_only_ttml_errors_escape_the_ttml_parser_on_ttml_like_documents(text):
    check_ttml(text)


@given(st.one_of(TTML_LIKE, LYRICS_LIKE), st.integers(0, 2000), st.text(max_size=5))
@settings(max_examples=200, deadline=None)
def test_only_ttml_errors_escape_the_ttml_parser_on_damaged_documents(text, cut, noise):
    check_ttml(text[:cut] + noise + text[cut:])


@given(st.one_of(ANY_TEXT, BYTES_AS_TEXT))
@settings(max_examples=300, deadline=None)
def test_only_ttml_errors_escape_the_ttml_parser_on_anything(text):
    check_ttml(text)


# --- Last-Event-ID and Range: what any client may send ---------------------------------

VERSION = "0a1b2c3d"
NUMBER = st.one_of(
    st.text("0123456789", min_size=1, max_size=20),
    st.sampled_from(["9" * 5000, "0" * 4000 + "1", "-1", "+1", " 1", "1 ", "١٢", "１", "1_000", "0x10"]),
)
TOKEN = st.one_of(
    ANY_TEXT,
    st.builds(
        lambda prefix, sep, rest: f"{prefix}{sep}{rest}",
        st.sampled_from([VERSION, VERSION.upper(), "", "x", f" {VERSION}"]),
        st.sampled_from(["-", "--", "", ":", "-end-"]),
        st.one_of(NUMBER, st.sampled_from(["end", "END", "end\n", ""])),
    ),
)


@given(TOKEN, st.integers(0, 10_000))
@example(f"{VERSION}-" + "9" * 5000, 10)
@example(f"{VERSION}-end", 0)
@settings(max_examples=500, deadline=None)
def test_a_lyric_stream_token_names_a_line_of_the_song_or_nothing(token, count):
    index = parse_token(token, version=VERSION, count=count)
    assert index is None or index == END or 0 <= index < count


CHANNEL = "station-radio"
LAST_ID = st.one_of(
    ANY_TEXT,
    st.builds(
        lambda channel, sep, digits: f"{channel}{sep}{digits}",
        st.sampled_from([CHANNEL, quote(CHANNEL), "station-other", "", "station-radio:station-radio"]),
        st.sampled_from([":", "::", "", " : "]),
        st.one_of(NUMBER, st.sampled_from(["abc", ""])),
    ),
)


@given(LAST_ID)
@example("station-radio:abc")
@example("station-radio:" + "9" * 5000)
@example("x" * 10_000)
@settings(max_examples=500, deadline=None)
def test_a_station_last_event_id_is_a_stored_id_on_that_channel_or_nothing(value):
    last_id = parse_last_id(value, CHANNEL)
    assert last_id is None or 0 <= last_id < 10**18


RANGE = st.one_of(
    ANY_TEXT,
    st.builds(
        lambda unit, first, dash, last, more: f"{unit}={first}{dash}{last}{more}",
        st.sampled_from(["bytes", "BYTES", " bytes ", "items", ""]),
        st.one_of(st.just(""), NUMBER),
        st.sampled_from(["-", "", "--", " - "]),
        st.one_of(st.just(""), NUMBER),
        st.sampled_from(["", ",0-1", ", 5-"]),
    ),
)


@given(RANGE, st.integers(0, 2**40))
@example("bytes=" + "9" * 5000 + "-", 10)
@example("bytes=-" + "9" * 5000, 10)
@example("bytes=0-" + "9" * 5000, 10)
@example("bytes=--1", 10)
@example("bytes=0-1,2-3," * 200, 10)
@settings(max_examples=1000, deadline=None)
def test_a_range_is_inside_the_file_or_ignored_or_unsatisfiable(header, size):
    try:
        byte_range = parse_range(header, size)
    except RangeNotSatisfiable:
        return
    if byte_range is not None:
        assert isinstance(byte_range, ByteRange)
        assert 0 <= byte_range.start <= byte_range.end < size
