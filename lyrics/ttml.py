"""TTML lyric sidecars, in the Apple Music and AMLL shapes: pure, no Django.

What is read:

- Lines are ``<p begin end>``, words their ``<span begin end>``s. Whitespace
  collapses as XML's default ``xml:space`` says, and what lies between two
  word spans (usually a space) ends the first word, so the words spell the
  line. A word without an end ends where the next starts, else with its line.
- Voices: ``ttm:agent`` on a ``<p>`` or an enclosing ``<div>``/``<body>``,
  declared in the head as ``<ttm:agent xml:id="…"><ttm:name>Name</ttm:name>``.
  The voices that sing become "v1", "v2"… in the order they are declared
  (undeclared ones after, in order of use); with one voice, lines name none.
- Background vocals: ``<span ttm:role="x-bg">`` with its own word spans; the
  parentheses conventionally around them are dropped (the player sets them
  apart already), from the text and from its first and last word.
- Translations and pronunciations: inline (AMLL: ``ttm:role="x-translation"``
  and ``"x-roman"`` spans in the ``<p>``, the first of each) or in the head
  (Apple Music: ``<translations><translation xml:lang><text for="L1">`` and
  ``<transliterations>…``, matched to the ``<p>``'s ``itunes:key``; the first
  ``<translation>`` and ``<transliteration>`` only); inline wins. Their own word
  timings and background parts are not kept. Their language is their
  ``xml:lang``, else what the script implies (see :mod:`lyrics.document`).
- Times: TTML clock time ``hh:mm:ss.fff`` (also ``hh:mm:ss:ff`` frames) and
  offset time ``12.3s``, ``123ms``, ``1.5m``, ``2h``, ``30f``, ``100t``, plus two
  forms lyric files use that TTML lacks: ``m:ss.fff`` and bare seconds
  ``12.345``. As TTML 2 §7.2 says: ``ttp:timeBase`` defaults to media
  (``smpte`` is read alike, ``clock`` is refused); frames count at
  ``ttp:frameRate`` (default 30) × ``ttp:frameRateMultiplier`` (default 1 1),
  sub-frames at ``ttp:subFrameRate`` (default 1), ticks at ``ttp:tickRate``
  (default: frame rate × sub-frame rate when a frame rate is given, else 1).
- Time containers: TTML times a child from its parent's begin, while Apple
  Music and AMLL write absolute times everywhere. A document is read as
  absolute unless a child would then begin before its parent (by more than
  half a second): then the TTML way. ``dur`` bounds ``end``. A line ends at
  its own ``end``/``dur``, else at its last word's end, else None: not at its
  ``<div>``'s end, since a lyric line without an end lasts until the next.
- A document without any ``begin`` is unsynced lyrics. Tags: ``la`` from the
  ``<tt>``'s ``xml:lang``; ``ti``/``ar``/``al`` from AMLL's ``<amll:meta>``.

XML is parsed with defusedxml, which refuses entity declarations (billion
laughs, external entities). A document that cannot be read raises
:class:`TtmlError` whose message names the element, e.g.
``<p> #3 (begin="abc"): bad time expression``.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import fromstring

from lyrics.document import (
    MAX_TIME_MS,
    SCRIPT_LANGUAGE,
    SCRIPT_ROMANIZATION,
    Background,
    Line,
    Lyrics,
    Word,
    script_of,
)

MAX_CHARS = 4_000_000  # twice what the admin's 2 MB upload can hold
MAX_DEPTH = 40  # <tt><body><div><p><span><span>… never comes close
_SLACK_MS = 500
_SPACE = re.compile(r"[ \t\r\n]+")
_CLOCK_TIME = re.compile(
    r"(?:([0-9]{1,4}):)?([0-9]{1,4}):([0-9]{1,2})(?:\.([0-9]{1,9})|:([0-9]{1,6})(?:\.([0-9]{1,6}))?)?"
)
_OFFSET_TIME = re.compile(r"([0-9]{1,12})(?:\.([0-9]{1,9}))?(h|ms|m|s|f|t)?")
_METRIC_MS = {"h": 3_600_000, "m": 60_000, "s": 1000, "ms": 1, None: 1000}
_AMLL_TAGS = {"musicName": "ti", "artists": "ar", "album": "al"}


class TtmlError(ValueError):
    """A TTML document that cannot be read; the message names the element."""


class _Relative(Exception):
    """The document times children from their parents' begins (TTML's way)."""


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr(element: Element, name: str) -> str | None:
    """An attribute by its local name, in whatever namespace (files in the wild disagree on them)."""
    if name in element.attrib:
        return element.attrib[name]
    return next((v for k, v in element.attrib.items() if k.endswith("}" + name)), None)


def _show(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


@dataclass(frozen=True)
class _Clock:
    frame_rate: Fraction
    sub_frame_rate: int
    tick_rate: Fraction

    @classmethod
    def of(cls, root: Element) -> _Clock:
        base = (_attr(root, "timeBase") or "media").strip()
        if base not in ("media", "smpte"):
            raise TtmlError(f'<tt> (ttp:timeBase="{_show(base)}"): only media and smpte time bases are read')
        frame_rate = _positive(root, "frameRate", 30)
        sub_frame_rate = _positive(root, "subFrameRate", 1)
        numerator, denominator = 1, 1
        if (multiplier := _attr(root, "frameRateMultiplier")) is not None:
            match = re.fullmatch(r"\s*([0-9]{1,9})\s+([0-9]{1,9})\s*", multiplier)
            numerator, denominator = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
            if not numerator or not denominator:
                raise TtmlError(
                    f'<tt> (ttp:frameRateMultiplier="{_show(multiplier)}"): not two positive numbers'
                )
        effective = Fraction(frame_rate * numerator, denominator)
        given = _attr(root, "frameRate") is not None
        tick_rate = _positive(root, "tickRate", 0) or (effective * sub_frame_rate if given else 1)
        return cls(effective, sub_frame_rate, Fraction(tick_rate))


def _positive(root: Element, name: str, default: int) -> int:
    value = _attr(root, name)
    if value is None:
        return default
    if not re.fullmatch(r"\s*[0-9]{1,9}\s*", value) or int(value) == 0:
        raise TtmlError(f'<tt> (ttp:{name}="{_show(value)}"): not a positive whole number')
    return int(value)


def _scaled(whole: str, fraction: str | None, unit: int) -> Fraction | int:
    """``whole.fraction`` × ``unit``, from digits the patterns bounded; an int when exact (the usual case)."""
    scale = 10 ** len(fraction or "")
    numerator = (int(whole) * scale + int(fraction or "0")) * unit
    return numerator // scale if numerator % scale == 0 else Fraction(numerator, scale)


def _time(element: Element, name: str, where: str, clock: _Clock) -> int | None:
    """The attribute ``name`` as milliseconds; None when absent."""
    value = _attr(element, name)
    if value is None:
        return None
    text = value.strip()
    ms: Fraction | int
    if match := _CLOCK_TIME.fullmatch(text):
        hours, minutes, seconds, fraction, frames, sub_frames = match.groups()
        ms = _scaled(str(int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)), fraction, 1000)
        if frames:
            ms += (
                (int(frames) + Fraction(int(sub_frames or 0), clock.sub_frame_rate)) * 1000 / clock.frame_rate
            )
    elif match := _OFFSET_TIME.fullmatch(text):
        count, fraction, metric = match.groups()
        if metric == "f":
            ms = _scaled(count, fraction, 1000) / clock.frame_rate
        elif metric == "t":
            ms = _scaled(count, fraction, 1000) / clock.tick_rate
        else:
            ms = _scaled(count, fraction, _METRIC_MS[metric])
    else:
        raise TtmlError(f'{where} ({name}="{_show(value)}"): bad time expression')
    if ms > MAX_TIME_MS:
        raise TtmlError(f'{where} ({name}="{_show(value)}"): time past a day')
    return round(ms)


def _parse_xml(text: str) -> Element:
    if len(text) > MAX_CHARS:
        raise TtmlError(f"<tt>: document larger than {MAX_CHARS:,} characters")
    try:
        root: Element = fromstring(text)  # defusedxml is untyped
    except EntitiesForbidden as exc:
        raise TtmlError(
            f"<!ENTITY {exc.name}>: entity declarations are refused (billion laughs, XXE)"
        ) from exc
    except DefusedXmlException as exc:
        raise TtmlError(f"<!DOCTYPE>: refused as unsafe XML ({exc})") from exc
    except ParseError as exc:
        line_no, column = exc.position
        lines = text.split("\n")
        near = lines[line_no - 1][max(0, column - 15) : column + 25] if 0 < line_no <= len(lines) else ""
        reason = str(exc).rsplit(": line ", 1)[0]
        raise TtmlError(
            f"not well-formed XML at line {line_no}, column {column} (near {near!r}): {reason}"
        ) from exc
    except ValueError as exc:  # characters no XML can hold (lone surrogates)
        raise TtmlError(f"not XML text: {exc}") from exc
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise TtmlError(f"<{_local(element.tag)}>: elements nested more than {MAX_DEPTH} deep")
        stack.extend((child, depth + 1) for child in element)
    if _local(root.tag) != "tt":
        raise TtmlError(f"<{_local(root.tag)}>: not a TTML document (its root must be <tt>)")
    return root


def _collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _plain_text(element: Element) -> str:
    """The text of an element, without the background, translation and pronunciation spans in it."""
    parts = [element.text or ""]
    for child in element:
        if _attr(child, "role") not in ("x-bg", "x-translation", "x-roman"):
            parts.append(_plain_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


@dataclass
class _Head:
    agents: list[tuple[str, str | None]] = field(default_factory=list)  # (xml:id, name)
    # "translations" / "transliterations" → (xml:lang, itunes:key → text)
    layers: dict[str, tuple[str | None, dict[str, str]]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


def _read_head(root: Element) -> _Head:
    head = _Head()
    if lang := (_attr(root, "lang") or "").strip():
        head.tags["la"] = lang
    for section in root:
        if _local(section.tag) != "head":
            continue
        for element in section.iter():
            name = _local(element.tag)
            if name == "agent" and (agent_id := _attr(element, "id")):
                names = [n for n in element if _local(n.tag) == "name" and _collapse(_plain_text(n))]
                full = [n for n in names if _attr(n, "type") == "full"] or names
                head.agents.append((agent_id, _collapse(_plain_text(full[0])) if full else None))
            elif name in ("translations", "transliterations") and name not in head.layers:
                for layer in element:
                    texts = {
                        key: _collapse(_plain_text(text))
                        for text in layer
                        if _local(text.tag) == "text" and (key := _attr(text, "for"))
                    }
                    if texts:
                        head.layers[name] = (_attr(layer, "lang"), texts)
                        break
            elif name == "meta" and (tag := _AMLL_TAGS.get(_attr(element, "key") or "")):
                head.tags.setdefault(tag, (_attr(element, "value") or "").strip())
    return head


@dataclass
class _Token:
    text: str
    begin: int | None = None  # a word's, None for text between words
    end: int | None = None
    word: bool = False


@dataclass
class _Paragraph:
    begin: int | None
    end: int | None
    agent: str | None
    key: str | None
    tokens: list[_Token] = field(default_factory=list)
    background: list[_Token] | None = None
    translation: tuple[str, str | None] | None = None  # (text, xml:lang)
    pronunciation: tuple[str, str | None] | None = None


class _Reader:
    def __init__(self, clock: _Clock, *, relative: bool) -> None:
        self.clock = clock
        self.relative = relative
        self.counts: Counter[str] = Counter()
        self.paragraphs: list[_Paragraph] = []

    def interval(self, element: Element, where: str, parent_begin: int) -> tuple[int, int | None, bool]:
        """(begin, end, whether begin was given) of an element, as the document's time model says."""
        begin = _time(element, "begin", where, self.clock)
        end = _time(element, "end", where, self.clock)
        dur = _time(element, "dur", where, self.clock)
        given = begin is not None
        if self.relative:
            begin = parent_begin + (begin or 0)
            end = None if end is None else parent_begin + end
        elif begin is None:
            begin = parent_begin
        elif begin < parent_begin - _SLACK_MS:
            raise _Relative
        if dur is not None:
            end = begin + dur if end is None else min(end, begin + dur)
        return begin, None if end is None else max(begin, end), given

    def where(self, name: str, inside: str = "") -> str:
        self.counts[name] += 1
        return f"<{name}> #{self.counts[name]}" + (f" in {inside}" if inside else "")

    def container(self, element: Element, begin: int, agent: str | None) -> None:
        for child in element:
            name = _local(child.tag)
            if name not in ("div", "p"):
                continue
            where = self.where(name)
            child_begin, child_end, given = self.interval(child, where, begin)
            child_agent = _attr(child, "agent") or agent
            if name == "div":
                self.container(child, child_begin, child_agent)
                continue
            paragraph = _Paragraph(
                child_begin if given else None, child_end, child_agent, _attr(child, "key")
            )
            self.content(child, where, child_begin, paragraph.tokens, paragraph)
            if paragraph.begin is None:
                words = [token.begin for token in paragraph.tokens if token.word]
                paragraph.begin = words[0] if words else child_begin
            self.paragraphs.append(paragraph)

    def layer(self, span: Element, role: str, where: str, begin: int, paragraph: _Paragraph) -> None:
        """A background, translation or pronunciation span of a line."""
        if role == "x-bg":
            span_where = self.where("span", where)
            span_begin, _, _ = self.interval(span, span_where, begin)
            if paragraph.background is None:
                paragraph.background = []
            self.content(span, span_where, span_begin, paragraph.background, None)
            paragraph.background.append(_Token(" "))
            return
        attribute = "translation" if role == "x-translation" else "pronunciation"
        if getattr(paragraph, attribute) is None and (text := _collapse(_plain_text(span))):
            setattr(paragraph, attribute, (text, _attr(span, "lang")))

    def content(
        self, element: Element, where: str, begin: int, tokens: list[_Token], paragraph: _Paragraph | None
    ) -> None:
        """Tokens of the text and word spans in ``element``; its layers and background into ``paragraph``.

        Inside background vocals ``paragraph`` is None: their own layers are not kept.
        """
        tokens.append(_Token(element.text or ""))
        for child in element:
            name = _local(child.tag)
            role = _attr(child, "role") or ""
            if name == "br":
                tokens.append(_Token(" "))
            elif name == "span" and role in ("x-translation", "x-roman", "x-bg"):
                if paragraph is not None:
                    self.layer(child, role, where, begin, paragraph)
            elif name == "span":
                span_where = self.where("span", where)
                span_begin, span_end, given = self.interval(child, span_where, begin)
                timed_inside = any(
                    _attr(inner, "begin") is not None for inner in child.iter() if inner is not child
                )
                if given and not timed_inside:
                    tokens.append(_Token(_plain_text(child), span_begin, span_end, word=True))
                else:
                    self.content(child, span_where, span_begin, tokens, paragraph)
            tokens.append(_Token(child.tail or ""))


def _assemble(tokens: list[_Token], line_end: int | None) -> tuple[str, list[Word]]:
    """The text and words of a token run: whitespace collapsed, in-between text ending the word before."""
    prefix = ""
    words: list[list[Any]] = []  # [begin, end, text]
    after_space = True  # at the start of the line, as after a space: leading whitespace goes
    for token in tokens:
        text = _SPACE.sub(" ", token.text)
        if after_space:
            text = text.removeprefix(" ")
        if token.word and text.strip():
            words.append([token.begin, token.end, text])
        elif words:
            words[-1][2] += text
        else:
            prefix += text
        if text:
            after_space = text.endswith(" ")
    if words:
        words[-1][2] = words[-1][2].rstrip()
    else:
        prefix = prefix.rstrip()
    for i, word in enumerate(words):
        if word[1] is None:
            word[1] = words[i + 1][0] if i + 1 < len(words) else line_end
    line_text = prefix + "".join(word[2] for word in words)
    return line_text, [
        Word(begin, None if end is None else max(begin, end), text) for begin, end, text in words
    ]


def _strip_parentheses(text: str, words: list[Word]) -> tuple[str, list[Word]]:
    if not (text.startswith("(") and text.endswith(")")):
        return text, words
    if words and words[0].text.startswith("("):
        words[0] = dataclasses.replace(words[0], text=words[0].text[1:])
    if words and words[-1].text.endswith(")"):
        words[-1] = dataclasses.replace(words[-1], text=words[-1].text[:-1])
    return text[1:-1].strip(), [word for word in words if word.text.strip()]


def _layer(
    paragraph: _Paragraph,
    inline: tuple[str, str | None] | None,
    head: tuple[str | None, dict[str, str]] | None,
) -> tuple[str, str | None] | None:
    if inline is not None:
        return inline
    if head is not None and paragraph.key and (text := head[1].get(paragraph.key)):
        return text, head[0]
    return None


def _most_common(values: list[str | None]) -> str | None:
    found = Counter(value for value in values if value)
    return found.most_common(1)[0][0] if found else None


def parse_ttml(text: str) -> Lyrics:
    """Parse a TTML lyrics document; raises :class:`TtmlError` naming what it could not read."""
    root = _parse_xml(text)
    clock = _Clock.of(root)
    head = _read_head(root)
    bodies = [child for child in root if _local(child.tag) == "body"]
    synced = any(_attr(element, "begin") is not None for body in bodies for element in body.iter())
    for relative in (False, True):
        reader = _Reader(clock, relative=relative)
        try:
            for body in bodies:
                begin, _, _ = reader.interval(body, "<body>", 0)
                reader.container(body, begin, _attr(body, "agent"))
            break
        except _Relative:
            continue

    declared = {agent_id: name for agent_id, name in head.agents}
    used = {p.agent for p in reader.paragraphs if p.agent}
    order = [a for a, _ in head.agents if a in used] + sorted(
        used - declared.keys(), key=[p.agent for p in reader.paragraphs].index
    )
    ids = {agent: f"v{i}" for i, agent in enumerate(order, start=1)}

    lines: list[Line] = []
    translation_languages: list[str | None] = []
    pronunciation_scripts: list[str | None] = []
    for paragraph in reader.paragraphs:
        line_end = paragraph.end
        if line_end is None and (ends := [t.end for t in paragraph.tokens if t.word and t.end is not None]):
            line_end = ends[-1]
        line_text, words = _assemble(paragraph.tokens, line_end)
        background = None
        if paragraph.background is not None:
            bg_text, bg_words = _strip_parentheses(*_assemble(paragraph.background, line_end))
            background = Background(bg_text, tuple(bg_words)) if bg_text else None
        script = script_of(line_text)
        translation = _layer(paragraph, paragraph.translation, head.layers.get("translations"))
        pronunciation = _layer(paragraph, paragraph.pronunciation, head.layers.get("transliterations"))
        if translation is not None:
            translation_languages.append(
                translation[1] or SCRIPT_LANGUAGE.get(script_of(translation[0]) or "")
            )
        if pronunciation is not None:
            pronunciation_scripts.append(pronunciation[1] or SCRIPT_ROMANIZATION.get(script or ""))
        lines.append(
            Line(
                index=0,
                time_ms=paragraph.begin if synced else None,
                end_ms=line_end if synced else None,
                text=line_text,
                words=tuple(words) if synced else (),
                agent=ids.get(paragraph.agent or "") if len(ids) > 1 else None,
                background=background,
                translation=translation[0] if translation else None,
                pronunciation=pronunciation[0] if pronunciation else None,
            )
        )
    if synced:
        lines.sort(key=lambda line: line.time_ms or 0)
    return Lyrics(
        lines=tuple(dataclasses.replace(line, index=i) for i, line in enumerate(lines)),
        synced=synced,
        tags=head.tags,
        agents=tuple((ids[agent], declared.get(agent)) for agent in order),
        translation_language=_most_common(translation_languages),
        pronunciation_script=_most_common(pronunciation_scripts),
    )
