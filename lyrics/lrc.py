"""Our own LRC parser: pure, no Django.

Handles ``[mm:ss]``, ``[mm:ss.x]``, ``[mm:ss.xx]``, ``[mm:ss.xxx]`` and
``[mm:ss:xx]`` stamps (the digits after the separator are a fraction of a
second), minutes past 59, several stamps on one line, ID tags, the
``[offset:+N]`` tag (+N shows the lyrics N ms earlier), out-of-order lines and
empty timed lines (instrumental gaps). Text with no stamp at all is plain,
unsynced lyrics. A stamp past a day (:data:`~lyrics.document.MAX_TIME_MS`) or
an unreadable offset is a problem, never a number: digits are counted before
any of them is read.

Enhanced LRC: ``<mm:ss.xx>`` stamps inside a line time its words (the offset
applies to them too). A word ends where the next stamp starts; a stamp after
the last word (``<00:01.00>a <00:01.50>b<00:02.00>``) ends that word and the
line, and without one both ends are unknown (None).

Dual-language LRC: a timed line followed by one with the same stamps in
another script (Korean then English, English then Chinese…, as
:func:`~lyrics.document.script_of` tells them apart) is one line, the second
being its translation. Same-stamp lines in one script stay separate lines, and
so does a third same-stamp line. ``translation_language`` is the file's
``[tl:xx]`` tag when it has one (any BCP 47 tag), else what most translations'
script implies: Hangul "ko", kana "ja", Han "zh", Latin "en"; other scripts None.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

from lyrics.document import MAX_TIME_MS, SCRIPT_LANGUAGE, Line, Lyrics, Problem, Word, script_of

_STAMP = r"([0-9]+):([0-9]{1,2})(?:[.:]([0-9]{1,3}))?"
_LINE_STAMP = re.compile(r"\[\s*" + _STAMP + r"\s*\]")
_WORD_STAMP = re.compile(r"<\s*" + _STAMP + r"\s*>")
_TAG = re.compile(r"^\[([A-Za-z#][A-Za-z0-9_#-]*)\s*:(.*)\]\s*$")
_OFFSET = re.compile(r"\s*([+-]?)\s*([0-9]{1,9})\s*")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_MAX_MINUTE_DIGITS = 5


class LrcError(ValueError):
    """An LRC file that strict parsing refuses; ``line_no`` is 1-based."""

    def __init__(self, message: str, *, line_no: int) -> None:
        super().__init__(message)
        self.line_no = line_no


def _stamp_ms(minutes: str, seconds: str, fraction: str | None) -> int | None:
    """The stamp in milliseconds, or None when it is past a day."""
    minutes = minutes.lstrip("0")
    if len(minutes) > _MAX_MINUTE_DIGITS:
        return None
    ms = (int(minutes or "0") * 60 + int(seconds)) * 1000
    if fraction:
        ms += int(fraction.ljust(3, "0"))
    return ms if ms <= MAX_TIME_MS else None


def _parse_offset(value: str) -> int | None:
    match = _OFFSET.fullmatch(value)
    if match is None:
        return None
    ms = int(match.group(2)) * (-1 if match.group(1) == "-" else 1)
    return ms if abs(ms) <= MAX_TIME_MS else None


def _plain(body: str) -> str:
    return _WORD_STAMP.sub("", body)


def _split_words(body: str, offset_ms: int) -> tuple[str, tuple[Word, ...], int | None] | None:
    """(text, words, end_ms) of a line body with ``<mm:ss.xx>`` word stamps; None if a stamp is absurd."""
    pieces = _WORD_STAMP.split(body)
    if len(pieces) == 1:
        return body, (), None
    # split() yields: text, (m, s, f), text, (m, s, f), text ...
    stamps = [_stamp_ms(*pieces[i : i + 3]) for i in range(1, len(pieces), 4)]
    if None in stamps:
        return None
    times = [max(0, stamp - offset_ms) for stamp in stamps if stamp is not None]
    texts = pieces[4::4]
    words = []
    for k, (time_ms, text) in enumerate(zip(times, texts, strict=True)):
        if text:
            end_ms = max(time_ms, times[k + 1]) if k + 1 < len(times) else None
            words.append(Word(time_ms, end_ms, text))
    plain = (pieces[0] + "".join(texts)).rstrip()
    if words and words[-1].text != words[-1].text.rstrip():
        last = words.pop()
        if last.text.rstrip():
            words.append(Word(last.time_ms, last.end_ms, last.text.rstrip()))
    # A stamp after the last word ends it (the loop above saw to that) and the line.
    end_ms = max(times[-1], words[-1].time_ms) if words and not texts[-1] else None
    return plain, tuple(words), end_ms


def _is_translation(body: str, following: str) -> bool:
    first, second = script_of(_plain(body)), script_of(_plain(following))
    return first is not None and second is not None and first != second


def _translation_language(translations: list[str], tags: dict[str, str]) -> str | None:
    if not translations:
        return None
    if _LANGUAGE_TAG.fullmatch(tag := tags.get("tl", "").strip()):
        return tag
    script = Counter(script_of(text) for text in translations).most_common(1)[0][0]
    return SCRIPT_LANGUAGE.get(script or "")


def parse_lrc(text: str) -> Lyrics:
    """Parse LRC (or plain) lyrics. Never raises: odd lines go to ``problems``.

    Times in the result already have ``[offset]`` applied (clamped at 0).
    The text after the last stamp is kept as written, but for one optional
    space after the stamp and trailing whitespace.
    """
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tags: dict[str, str] = {}
    offset_line = (0, "")
    sources: list[tuple[int, tuple[int, ...], str]] = []  # (line_no, stamps, body) in file order
    untimed: list[tuple[int, str]] = []
    problems: list[Problem] = []
    for line_no, raw in enumerate(raw_lines, start=1):
        line = raw.strip("\ufeff")
        stripped = line.strip()
        position = 0
        stamps: list[int] = []
        while match := _LINE_STAMP.match(line, position):
            if (stamp := _stamp_ms(*match.groups())) is None:
                problems.append(Problem(line_no, stripped, "timestamp out of range"))
            else:
                stamps.append(stamp)
            position = match.end()
            while position < len(line) and line[position] in " \t" and _LINE_STAMP.match(line, position + 1):
                position += 1
        if position:
            body = line[position:]
            if body.startswith(" "):
                body = body[1:]
            if stamps:
                sources.append((line_no, tuple(stamps), body.rstrip()))
            continue
        if tag := _TAG.match(stripped):
            tags[tag.group(1).lower()] = tag.group(2).strip()
            if tag.group(1).lower() == "offset":
                offset_line = (line_no, stripped)
            continue
        untimed.append((line_no, line.rstrip()))

    if not sources:
        texts = [t for _, t in untimed]
        while texts and not texts[0].strip():
            texts.pop(0)
        while texts and not texts[-1].strip():
            texts.pop()
        lines = tuple(Line(index=i, time_ms=None, text=t) for i, t in enumerate(texts))
        return Lyrics(lines=lines, synced=False, tags=tags, problems=tuple(problems))

    offset_ms = 0
    if "offset" in tags:
        if (parsed := _parse_offset(tags["offset"])) is None:
            problems.append(Problem(*offset_line, "offset is not a number of milliseconds within a day"))
        else:
            offset_ms = parsed
    problems.extend(
        Problem(line_no, t, "no timestamp in a synced file") for line_no, t in untimed if t.strip()
    )

    # Dual-language pairs: (line_no, stamps, body, translation).
    paired: list[tuple[int, tuple[int, ...], str, str | None]] = []
    open_for_translation = False
    for line_no, line_stamps, body in sources:
        if open_for_translation and line_stamps == paired[-1][1] and _is_translation(paired[-1][2], body):
            paired[-1] = (*paired[-1][:3], _plain(body).strip())
            open_for_translation = False
            continue
        paired.append((line_no, line_stamps, body, None))
        open_for_translation = True

    timed: list[tuple[int, int, Line]] = []  # (time_ms, order, line without its index)
    for line_no, line_stamps, body, translation in paired:
        split = _split_words(body, offset_ms)
        if split is None:
            problems.append(Problem(line_no, body, "word timestamp out of range"))
            split = (_plain(body).rstrip(), (), None)
        plain, words, end_ms = split
        for stamp in line_stamps:
            timed_line = Line(
                index=0,
                time_ms=max(0, stamp - offset_ms),
                end_ms=end_ms,
                text=plain,
                words=words,
                translation=translation or None,
            )
            timed.append((timed_line.time_ms or 0, len(timed), timed_line))
    timed.sort(key=lambda item: (item[0], item[1]))
    problems.sort(key=lambda problem: problem.line_no)
    return Lyrics(
        lines=tuple(dataclasses.replace(line, index=index) for index, (_, _, line) in enumerate(timed)),
        synced=True,
        offset_ms=offset_ms,
        tags=tags,
        problems=tuple(problems),
        translation_language=_translation_language([t for *_, t in paired if t], tags),
    )


def parse_lrc_strict(text: str) -> Lyrics:
    """Like :func:`parse_lrc`, but any problem (a stray line, an absurd stamp) is an :class:`LrcError`."""
    lyrics = parse_lrc(text)
    if lyrics.problems:
        first = lyrics.problems[0]
        raise LrcError(f"line {first.line_no}: {first.reason}: {first.text[:80]!r}", line_no=first.line_no)
    return lyrics


def format_stamp(time_ms: int) -> str:
    """``mm:ss.xx`` (hundredths, truncated), as LRC line and word stamps write it."""
    minutes, rest = divmod(max(0, time_ms), 60_000)
    return f"{minutes:02d}:{rest // 1000:02d}.{rest % 1000 // 10:02d}"
