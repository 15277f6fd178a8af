"""An independent event-stream parser, written from the WHATWG HTML spec's
"interpreting an event stream" algorithm, to read our output back in tests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    type: str
    data: str
    last_event_id: str


@dataclass
class Stream:
    events: list[Event]
    retry_ms: int | None
    comments: list[str]


def parse_stream(raw: bytes) -> Stream:
    text = raw.decode("utf-8")  # the spec decodes UTF-8, stripping one leading BOM
    text = text.removeprefix("\ufeff")
    events: list[Event] = []
    comments: list[str] = []
    retry_ms = None
    data_buffer = ""
    event_type = ""
    last_event_id = ""
    # Lines end in CRLF, LF or CR; a final incomplete line is not processed.
    lines = []
    i = 0
    start = 0
    while i < len(text):
        ch = text[i]
        if ch in "\r\n":
            lines.append(text[start:i])
            if ch == "\r" and i + 1 < len(text) and text[i + 1] == "\n":
                i += 1
            start = i + 1
        i += 1
    for line in lines:
        if line == "":
            if data_buffer:
                data = data_buffer[:-1] if data_buffer.endswith("\n") else data_buffer
                events.append(Event(event_type or "message", data, last_event_id))
            data_buffer = ""
            event_type = ""
            continue
        if line.startswith(":"):
            comments.append(line[1:])
            continue
        if ":" in line:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
        else:
            name, value = line, ""
        if name == "event":
            event_type = value
        elif name == "data":
            data_buffer += value + "\n"
        elif name == "id":
            if "\0" not in value:
                last_event_id = value
        elif name == "retry" and value.isdigit():
            retry_ms = int(value)
    return Stream(events, retry_ms, comments)
