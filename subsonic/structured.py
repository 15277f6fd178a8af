"""A track's lyric lines as OpenSubsonic ``structuredLyrics`` (songLyrics v1 and v2; pure).

v1: one entry, ``line[{start, value}]``. v2 (``enhanced=true``): one entry per
kind (main, translation, pronunciation); the main entry of synced lyrics adds
``cueLine``s with word cues whose ``byteStart``/``byteEnd`` are inclusive UTF-8
offsets into the cueLine's ``value``, and ``agents`` when voices or background
vocals are told apart. The lines' times already include the LRC offset, so
``offset`` is 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

Line = Mapping[str, object]


@dataclass(frozen=True)
class LyricsSource:
    title: str
    artist: str
    language: str
    synced: bool
    lines: Sequence[Line]
    agents: Sequence[Mapping[str, object]] = ()
    translation_language: str = ""
    pronunciation_script: str = ""


@dataclass
class _Cue:
    start: int
    end: int | None
    value: str
    byte_start: int
    byte_end: int


@dataclass
class _Agents:
    """The entry's agents: the track's voices (the first is main) and, if sung, background vocals."""

    entries: list[dict[str, object]] = field(default_factory=list)
    main: str = ""
    background: str = ""

    def add(self, agent_id: str, role: str, name: str | None = None) -> str:
        if not any(entry["id"] == agent_id for entry in self.entries):
            entry: dict[str, object] = {"id": agent_id, "role": role}
            if name:
                entry["name"] = name
            self.entries.append(entry)
        return agent_id

    def unused_id(self, wanted: str) -> str:
        taken = {entry["id"] for entry in self.entries}
        candidate, n = wanted, 1
        while candidate in taken:
            candidate, n = f"{wanted}-{n}", n + 1
        return candidate


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def locate_cues(value: str, words: Sequence[Mapping[str, object]]) -> list[_Cue]:
    """Each timed word found in ``value`` in order, with its inclusive UTF-8 byte span."""
    cues: list[_Cue] = []
    cursor = 0
    for word in words:
        start, text = _int(word.get("time_ms")), _text(word.get("text"))
        if start is None:
            continue
        at = value.find(text, cursor) if text else -1
        if at < 0 and text.strip():
            text = text.strip()
            at = value.find(text, cursor)
        if at < 0 or not text:
            continue
        byte_start = len(value[:at].encode())
        cues.append(
            _Cue(start, _int(word.get("end_ms")), text, byte_start, byte_start + len(text.encode()) - 1)
        )
        cursor = at + len(text)
    return cues


def _settle_times(cues: list[_Cue], line_end: int | None) -> None:
    """Starts never go back; ends are on all cues or none, and never overlap the next cue."""
    for before, after in pairwise(cues):
        after.start = max(after.start, before.start)
    if not any(cue.end is not None for cue in cues):
        return
    for n, cue in enumerate(cues):
        following = cues[n + 1].start if n + 1 < len(cues) else None
        end = cue.end if cue.end is not None else (following if following is not None else line_end)
        end = cue.start if end is None else end
        if following is not None:
            end = min(end, following)
        cue.end = max(cue.start, end)


def _cue_json(cue: _Cue) -> dict[str, object]:
    data: dict[str, object] = {"start": cue.start}
    if cue.end is not None:
        data["end"] = cue.end
    data.update({"value": cue.value, "byteStart": cue.byte_start, "byteEnd": cue.byte_end})
    return data


def _cue_line(
    index: int, value: str, words: object, *, start: int | None, end: int | None, next_start: int | None
) -> dict[str, object] | None:
    cues = locate_cues(value, words if isinstance(words, list) else [])
    if not cues:
        return None
    _settle_times(cues, end if end is not None else next_start)
    data: dict[str, object] = {"index": index}
    if start is not None:
        data["start"] = start
    if end is not None:
        data["end"] = end
    data.update({"value": value, "cue": [_cue_json(cue) for cue in cues]})
    return data


def _agents_for(source: LyricsSource) -> _Agents:
    agents = _Agents()
    for n, agent in enumerate(source.agents):
        agent_id = _text(agent.get("id"))
        if agent_id:
            agents.add(agent_id, "main" if not agents.entries else "voice", _text(agent.get("name")) or None)
            if n == 0:
                agents.main = agent_id
    return agents


def _cue_lines(source: LyricsSource) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(cueLines, agents) of the main entry; agents empty when nothing tells voices apart."""
    agents = _agents_for(source)
    lines = list(source.lines)
    starts = [_int(line.get("time_ms")) for line in lines]
    cue_lines: list[dict[str, object]] = []
    for index, line in enumerate(lines):
        start, end = starts[index], _int(line.get("end_ms"))
        next_start = next((s for s in starts[index + 1 :] if s is not None), None)
        sung = _cue_line(
            index, _text(line.get("text")), line.get("words"), start=start, end=end, next_start=next_start
        )
        if sung is not None:
            voice = _text(line.get("agent"))
            sung["agentId"] = voice or ""
            cue_lines.append(sung)
        background = line.get("background")
        if isinstance(background, Mapping):
            under = _cue_line(
                index,
                _text(background.get("text")),
                background.get("words"),
                start=start,
                end=end,
                next_start=next_start,
            )
            if under is not None:
                under["agentId"] = None  # background vocals: filled in below
                cue_lines.append(under)
    has_background = any(line.get("agentId", "") is None for line in cue_lines)
    if not cue_lines or not (agents.entries or has_background):
        for cue_line in cue_lines:
            cue_line.pop("agentId", None)
        return cue_lines, []
    if not agents.main:
        agents.main = agents.add(agents.unused_id("main"), "main")
    if has_background:
        agents.background = agents.add(agents.unused_id("bg"), "bg")
    for cue_line in cue_lines:
        agent_id = cue_line["agentId"]
        if agent_id is None:
            cue_line["agentId"] = agents.background
        elif agent_id == "":
            cue_line["agentId"] = agents.main
        else:
            agents.add(str(agent_id), "voice")
    return cue_lines, agents.entries


def _entry(source: LyricsSource, *, lang: str, values: list[tuple[int | None, str]]) -> dict[str, object]:
    lines = []
    for start, value in values:
        lines.append(
            {"start": start, "value": value} if source.synced and start is not None else {"value": value}
        )
    return {
        "displayArtist": source.artist,
        "displayTitle": source.title,
        "lang": lang or "und",
        "offset": 0,
        "synced": source.synced,
        "line": lines,
    }


def _layer(source: LyricsSource, key: str) -> list[tuple[int | None, str]]:
    return [
        (_int(line.get("time_ms")), _text(line.get(key)))
        for line in source.lines
        if isinstance(line.get(key), str) and line.get(key)
    ]


def structured_lyrics(source: LyricsSource, *, enhanced: bool) -> list[dict[str, object]]:
    """The ``structuredLyrics`` list for ``source`` (empty when it has no lines)."""
    if not source.lines:
        return []
    main_values = [(_int(line.get("time_ms")), _text(line.get("text"))) for line in source.lines]
    main = _entry(source, lang=source.language, values=main_values)
    if not enhanced:
        return [main]
    main = {"kind": "main", **main}
    if source.synced:
        cue_lines, agents = _cue_lines(source)
        if agents:
            main["agents"] = agents
        if cue_lines:
            main["cueLine"] = cue_lines
    found = [main]
    for kind, key, lang in (
        ("translation", "translation", source.translation_language),
        ("pronunciation", "pronunciation", source.pronunciation_script),
    ):
        if values := _layer(source, key):
            found.append({"kind": kind, **_entry(source, lang=lang, values=values)})
    return found


def plain_text(lines: Sequence[Line]) -> str:
    """The lines' text, one per line (getLyrics' ``value``)."""
    return "\n".join(_text(line.get("text")) for line in lines)
