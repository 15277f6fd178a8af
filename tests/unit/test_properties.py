"""Property-based tests: arbitrary text and bytes through the decoder, the LRC parser and the SSE encoder."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from lyrics.lrc import parse_lrc
from lyrics.sse import encode_event
from lyrics.text import TextDecodeError, decode_text, normalise_text
from tests.support.sse_parser import parse_stream

# Any Unicode text, including CR, LF, NUL, BOMs, surrogate-free astral characters.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)


@given(st.binary(max_size=2000))
@settings(max_examples=300, deadline=None)
def test_the_decoder_returns_normalised_text_or_a_clear_error(data):
    try:
        text = decode_text(data).text
    except TextDecodeError as exc:
        message = str(exc)
        assert message.startswith(("not text", "starts with"))
        return
    assert "\r" not in text
    assert not text.startswith("\ufeff")
    assert text == unicodedata.normalize("NFC", text)


# Lyric-like text: no control characters but tab and line ends (the decoder
# reads other controls as the sign of a binary file).
LYRIC_TEXT = st.text(
    st.one_of(st.characters(exclude_categories=("Cs", "Cc")), st.sampled_from("\t\n\r")), max_size=300
)


@given(LYRIC_TEXT)
@settings(max_examples=300, deadline=None)
def test_utf8_text_always_decodes_to_its_normal_form(text):
    assert decode_text(text.encode("utf-8")).text == normalise_text(text)


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_the_lrc_parser_never_raises_and_keeps_its_invariants(text):
    lyrics = parse_lrc(text)
    assert [line.index for line in lyrics.lines] == list(range(len(lyrics.lines)))
    if lyrics.synced:
        times = [line.time_ms for line in lyrics.lines]
        assert all(t is not None and t >= 0 for t in times)
        assert times == sorted(times)
    else:
        assert all(line.time_ms is None for line in lyrics.lines)
    assert all("\n" not in line.text and "\r" not in line.text for line in lyrics.lines)


@given(
    st.lists(TEXT, min_size=1, max_size=5),
    st.lists(st.sampled_from(["line", "lyrics", "end", "x-y"]), min_size=5),
)
@settings(max_examples=300, deadline=None)
def test_every_sse_output_parses_back_to_exactly_the_input(payloads, names):
    raw = b"".join(encode_event(payload, event=names[i], id=f"v-{i}") for i, payload in enumerate(payloads))
    events = parse_stream(raw).events
    # Exactly one event per payload; the spec gives back each payload with its line ends as LF.
    assert [(e.type, e.data, e.last_event_id) for e in events] == [
        (names[i], p.replace("\r\n", "\n").replace("\r", "\n"), f"v-{i}") for i, p in enumerate(payloads)
    ]
