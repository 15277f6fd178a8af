import pytest

from lyrics.sse import SseError, encode_comment, encode_event, encode_retry
from tests.support.sse_parser import parse_stream

TRICKY = [
    "별빛 노래",
    "emoji 🎵✨",
    ": looks like a comment",
    "data: x",
    "event: end",
    "id: 7",
    "retry: 1",
    "",
    "carriage\rreturn",
    "crlf\r\ninside",
    "  leading spaces",
    "\ttab",
    "trailing newline\n",
    "x" * 100_000,
]


@pytest.mark.parametrize("payload", TRICKY)
def test_any_payload_reads_back_as_itself_with_newlines_as_lf(payload):
    stream = parse_stream(encode_event(payload, event="line", id="abc-1"))
    expected = payload.replace("\r\n", "\n").replace("\r", "\n")
    assert stream.events == [type(stream.events[0])("line", expected, "abc-1")]


def test_a_lyric_reading_event_end_stays_data_of_its_own_event():
    raw = encode_event("event: end\ndata: injected\n\nid: 9", event="line")
    (event,) = parse_stream(raw).events
    assert event.type == "line"
    assert event.data == "event: end\ndata: injected\n\nid: 9"


def test_output_has_no_bom_and_no_bare_cr():
    raw = encode_event("a\rb\r\nc", event="line", id="1", retry_ms=1000)
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in raw
    assert raw.endswith(b"\n\n")


def test_one_space_after_each_colon():
    raw = encode_event(" x", event="line", id="1")
    assert raw == b"event: line\nid: 1\ndata:  x\n\n"


@pytest.mark.parametrize("bad_id", ["a\nb", "a\rb", "a\0b", "별"])
def test_ids_must_be_ascii_without_line_breaks_or_nul(bad_id):
    with pytest.raises(SseError):
        encode_event("x", id=bad_id)


def test_event_names_cannot_carry_line_breaks():
    with pytest.raises(SseError):
        encode_event("x", event="line\ndata: y")


def test_retry_sets_the_reconnection_time_without_an_event():
    stream = parse_stream(encode_retry(2500))
    assert stream.retry_ms == 2500
    assert stream.events == []


def test_heartbeat_is_a_comment_the_client_ignores():
    stream = parse_stream(encode_comment() + encode_comment("ping\nmore"))
    assert stream.events == []
    assert stream.comments == ["", " ping", " more"]
