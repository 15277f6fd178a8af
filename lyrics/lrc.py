"""Our own LRC parser: pure, no Django.

Handles ``[mm:ss]``, ``[mm:ss.x]``, ``[mm:ss.xx]``, ``[mm:ss.xxx]`` and
``[mm:ss:xx]`` stamps (the digits after the separator are a fraction of a
second), minutes past 59, several stamps on one line, ID tags, the
``[offset:+N]`` tag (+N shows the lyrics N ms earlier), enhanced ``<mm:ss.xx>``
word timings, out-of-order lines and empty timed lines (instrumental gaps).
Text with no stamp at all is plain, unsynced lyrics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_STAMP = r"([0-9]+):([0-9]{1,2})(?:[.:]([0-9]{1,3}))?"
_LINE_STAMP = re.compile(r"\[\s*" + _STAMP + r"\s*\]")
_WORD_STAMP = re.compile(r"<\s*" + _STAMP + r"\s*>")
_TAG = re.compile(r"^\[([A-Za-z#][A-Za-z0-9_#-]*)\s*:(.*)\]\s*$")


@dataclass(frozen=True)
class Word:
    time_ms: int
    text: str


@dataclass(frozen=True)
class Line:
    index: int
    time_ms: int | None
    text: str
    words: tuple[Word, ...] = ()

    def as_dict(self) -> dict:
        """The line as the API and the event streams carry it."""
        data: dict = {"index": self.index, "time_ms": self.time_ms, "text": self.text}
        if self.words:
            data["words"] = [{"time_ms": w.time_ms, "text": w.text} for w in self.words]
        return data


@dataclass(frozen=True)
class LrcProblem:
    line_no: int
    text: str
    reason: str


@dataclass(frozen=True)
class Lyrics:
    lines: tuple[Line, ...]
    synced: bool
    offset_ms: int = 0
    tags: dict[str, str] = field(default_factory=dict)
    problems: tuple[LrcProblem, ...] = ()


class LrcError(ValueError):
    """An LRC file that strict parsing refuses; ``line_no`` is 1-based."""

    def __init__(self, message: str, *, line_no: int) -> None:
        super().__init__(message)
        self.line_no = line_no


def _stamp_ms(minutes: str, seconds: str, fraction: str | None) -> int:
    ms = (int(minutes) * 60 + int(seconds)) * 1000
    if fraction:
        ms += int(fraction.ljust(3, "0")[:3])
    return ms


def _split_words(text: str, offset_ms: int) -> tuple[str, tuple[Word, ...]]:
    """Strip enhanced ``<mm:ss.xx>`` stamps from ``text``, returning the words they time."""
    pieces = _WORD_STAMP.split(text)
    if len(pieces) == 1:
        return text, ()
    words = []
    plain = [pieces[0]]
    # split() yields: text, (m, s, f), text, (m, s, f), text ...
    for i in range(1, len(pieces), 4):
        time_ms = max(0, _stamp_ms(pieces[i], pieces[i + 1], pieces[i + 2]) - offset_ms)
        word = pieces[i + 3]
        plain.append(word)
        if word:
            words.append(Word(time_ms, word))
    return "".join(plain), tuple(words)


def _parse_offset(value: str) -> int | None:
    try:
        return int(value.strip().replace("+", "", 1) if value.strip().startswith("+") else value.strip())
    except ValueError:
        return None


def parse_lrc(text: str) -> Lyrics:
    """Parse LRC (or plain) lyrics. Never raises: odd lines go to ``problems``.

    Times in the result already have ``[offset]`` applied (clamped at 0).
    The text after the last stamp is kept as written, but for one optional
    space after the stamp and trailing whitespace.
    """
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tags: dict[str, str] = {}
    timed: list[tuple[int, int, str, int]] = []  # (time_ms, order, text, line_no)
    untimed: list[tuple[int, str]] = []
    for line_no, raw in enumerate(raw_lines, start=1):
        line = raw.strip("\ufeff")
        stripped = line.strip()
        position = 0
        stamps = []
        while match := _LINE_STAMP.match(line, position):
            stamps.append(_stamp_ms(*match.groups()))
            position = match.end()
            while position < len(line) and line[position] in " \t" and _LINE_STAMP.match(line, position + 1):
                position += 1
        if stamps:
            body = line[position:]
            if body.startswith(" "):
                body = body[1:]
            for stamp in stamps:
                timed.append((stamp, len(timed), body.rstrip(), line_no))
            continue
        if tag := _TAG.match(stripped):
            tags[tag.group(1).lower()] = tag.group(2).strip()
            continue
        untimed.append((line_no, line.rstrip()))

    offset_ms = _parse_offset(tags.get("offset", "0")) or 0

    if not timed:
        texts = [t for _, t in untimed]
        while texts and not texts[0].strip():
            texts.pop(0)
        while texts and not texts[-1].strip():
            texts.pop()
        lines = tuple(Line(i, None, t) for i, t in enumerate(texts))
        return Lyrics(lines=lines, synced=False, offset_ms=0, tags=tags)

    problems = tuple(
        LrcProblem(line_no, t, "no timestamp in a synced file") for line_no, t in untimed if t.strip()
    )
    timed.sort(key=lambda item: (item[0], item[1]))
    lines = []
    for index, (stamp, _, body, _) in enumerate(timed):
        plain, words = _split_words(body, offset_ms)
        lines.append(Line(index, max(0, stamp - offset_ms), plain.rstrip(), words))
    return Lyrics(lines=tuple(lines), synced=True, offset_ms=offset_ms, tags=tags, problems=problems)


def parse_lrc_strict(text: str) -> Lyrics:
    """Like :func:`parse_lrc`, but a stray line in a synced file is an :class:`LrcError`."""
    lyrics = parse_lrc(text)
    if lyrics.problems:
        first = lyrics.problems[0]
        raise LrcError(f"line {first.line_no}: {first.reason}: {first.text[:80]!r}", line_no=first.line_no)
    return lyrics


def format_stamp(time_ms: int) -> str:
    minutes, rest = divmod(max(0, time_ms), 60_000)
    return f"{minutes:02d}:{rest // 1000:02d}.{rest % 1000 // 10:02d}"


def format_lrc(lines: list[dict], *, tags: dict[str, str] | None = None) -> str:
    """Write parsed lines back as LRC (synced) or plain text (unsynced)."""
    head = [f"[{key}:{value}]" for key, value in (tags or {}).items()]
    if not any(line.get("time_ms") is not None for line in lines):
        return "\n".join(line["text"] for line in lines)
    body = [
        f"[{format_stamp(line['time_ms'])}]{line['text']}"
        for line in lines
        if line.get("time_ms") is not None
    ]
    return "\n".join(head + body)
