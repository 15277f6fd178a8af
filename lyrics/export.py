"""Stored lyric lines written out as LRC and WebVTT: pure, no Django.

Both take the line dicts ``Track.lines`` holds (:meth:`lyrics.document.Line.as_dict`),
whose times already have the source's offset applied.
"""

from __future__ import annotations

from typing import Any

from lyrics.lrc import format_stamp

DEFAULT_CUE_MS = 5_000  # how long the last cue shows when nothing says when it ends


def _word_texts(line: dict[str, Any]) -> tuple[str, list[dict[str, Any]]] | None:
    """(text before the first word, words) when the words spell the end of the line's text."""
    words = [word for word in line.get("words") or () if word["text"]]
    joined = "".join(word["text"] for word in words)
    if not words or not line["text"].endswith(joined):
        return None
    return line["text"][: len(line["text"]) - len(joined)], words


def _lrc_body(line: dict[str, Any], *, words: bool) -> str:
    found = _word_texts(line) if words else None
    body: str
    if found is None:
        body = line["text"]
    else:
        prefix, timed = found
        parts = [prefix]
        for i, word in enumerate(timed):
            parts.append(f"<{format_stamp(word['time_ms'])}>{word['text']}")
            end_ms = word.get("end_ms")
            following = timed[i + 1]["time_ms"] if i + 1 < len(timed) else None
            # LRC ends a word where the next stamp is: a gap needs a stamp of its own.
            if end_ms is not None and (following is None or format_stamp(end_ms) != format_stamp(following)):
                parts.append(f"<{format_stamp(end_ms)}>")
        body = "".join(parts)
    # The parser drops one space after the stamp: a line that starts with one keeps it.
    return " " + body if body.startswith(" ") else body


def to_lrc(lines: list[dict[str, Any]], *, words: bool = True, translations: bool = False) -> str:
    """LRC of stored lines (plain text when unsynced), without an ``[offset]`` tag.

    ``words``: ``<mm:ss.xx>`` word stamps where the words are known, and a
    stamp where a word ends before the next one starts or the line ends.
    ``translations``: each translation on a line of its own with its line's
    stamp (dual-language LRC). :func:`lyrics.lrc.parse_lrc` reads the result
    back to the same lines, words and times at 10 ms resolution, but for
    translations in the same script as their lines, and consecutive lines with
    one time in different scripts, which it reads as dual-language pairs.
    """
    if not any(line.get("time_ms") is not None for line in lines):
        rows = []
        for line in lines:
            rows.append(line["text"])
            if translations and line.get("translation"):
                rows.append(line["translation"])
        return "\n".join(rows)
    out = []
    for line in lines:
        if line.get("time_ms") is None:
            continue
        stamp = f"[{format_stamp(line['time_ms'])}]"
        out.append(stamp + _lrc_body(line, words=words))
        if translations and line.get("translation"):
            out.append(stamp + line["translation"])
    return "\n".join(out)


def _vtt_time(ms: int) -> str:
    hours, rest = divmod(max(0, ms), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _vtt_escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.splitlines())


def _cue_end(timed: list[dict[str, Any]], i: int, duration_ms: int | None) -> int:
    start: int = timed[i]["time_ms"]
    end: int | None = timed[i].get("end_ms")
    if end is not None and end > start:
        return end
    for later in range(i + 1, len(timed)):
        later_ms: int = timed[later]["time_ms"]
        if later_ms > start:
            return later_ms
    if duration_ms is not None and duration_ms > start:
        return duration_ms
    return start + DEFAULT_CUE_MS


def _cue_text(line: dict[str, Any], start: int, end: int) -> str:
    found = _word_texts(line)
    if found is None:
        return _vtt_escape(line["text"])
    prefix, words = found
    parts = [_vtt_escape(prefix)]
    last = start
    for word in words:
        # Cue timestamps must rise strictly within the cue; the others would be ignored anyway.
        if last < word["time_ms"] < end:
            parts.append(f"<{_vtt_time(word['time_ms'])}>")
            last = word["time_ms"]
        parts.append(_vtt_escape(word["text"]))
    return "".join(parts)


def to_webvtt(
    lines: list[dict[str, Any]], *, layer: str | None = None, duration_ms: int | None = None
) -> str:
    """WebVTT of stored lines: one cue per timed line that has text, its id the line's index.

    A cue ends at the line's ``end_ms``, else where a later line starts, else
    at ``duration_ms``, else 5 s on; never before it starts. Word timings
    become inline timestamps. ``layer="translation"`` or ``"pronunciation"``
    gives that layer's text instead (lines without it get no cue, and there
    are no word timestamps). Empty lines (instrumental gaps) get no cue.
    """
    if layer not in (None, "translation", "pronunciation"):
        raise ValueError(f"unknown layer {layer!r}")
    timed = [line for line in lines if line.get("time_ms") is not None]
    cues = ["WEBVTT\n"]
    for i, line in enumerate(timed):
        text = line["text"] if layer is None else line.get(layer) or ""
        if not text.strip():
            continue
        start = line["time_ms"]
        end = _cue_end(timed, i, duration_ms)
        body = _cue_text(line, start, end) if layer is None else _vtt_escape(text)
        cues.append(f"{line.get('index', i)}\n{_vtt_time(start)} --> {_vtt_time(end)}\n{body}\n")
    return "\n".join(cues)
