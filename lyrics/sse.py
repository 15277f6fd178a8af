"""Server-Sent Events encoding, faithful to the WHATWG event-stream format: pure.

Every CR, LF or CRLF inside a payload starts a new ``data:`` line, so a
client's parser rebuilds the payload with LF; no payload can add a field
(a lyric reading ``event: end`` or ``: x`` stays data).
"""

from __future__ import annotations

import re

_NEWLINES = re.compile(r"\r\n|\r|\n")


class SseError(ValueError):
    """A field value the event-stream format cannot carry."""


def _check_field(name: str, value: str, *, ascii_only: bool = False) -> str:
    if any(ch in value for ch in "\r\n\0"):
        raise SseError(f"{name} must not contain CR, LF or NUL: {value!r}")
    if ascii_only and not value.isascii():
        raise SseError(f"{name} must be ASCII: {value!r}")
    return value


def encode_event(
    data: str,
    *,
    event: str | None = None,
    id: str | None = None,
    retry_ms: int | None = None,
) -> bytes:
    """One event as UTF-8 bytes, ending with the blank line that dispatches it."""
    parts = []
    if event is not None:
        parts.append(f"event: {_check_field('event', event)}\n")
    if id is not None:
        parts.append(f"id: {_check_field('id', id, ascii_only=True)}\n")
    if retry_ms is not None:
        parts.append(f"retry: {int(retry_ms)}\n")
    parts.extend(f"data: {line}\n" for line in _NEWLINES.split(data))
    parts.append("\n")
    return "".join(parts).encode("utf-8")


def encode_retry(retry_ms: int) -> bytes:
    """A lone ``retry:`` field: the reconnection delay, dispatching no event."""
    return f"retry: {int(retry_ms)}\n\n".encode()


def encode_comment(text: str = "") -> bytes:
    """A comment line (heartbeat); clients ignore it, proxies see traffic."""
    lines = _NEWLINES.split(text)
    return ("".join(f": {line}\n" if line else ":\n" for line in lines) + "\n").encode("utf-8")
