"""The ``subsonic-response`` envelope as XML or JSON (pure).

Handlers build answers in the spec's JSON shape: objects, arrays, scalars.
XML follows from it by the spec's own mapping: scalars become attributes,
objects child elements, arrays repeated elements, and the few fields the spec
writes as element text (``line`` and ``cue`` values, ``lyrics``, ``genre``)
become text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

API_VERSION = "1.16.1"
SERVER_TYPE = "byeol"
SERVER_VERSION = "0.1.0"
XML_NAMESPACE = "http://subsonic.org/restapi"

# Elements whose "value" is their text in XML (an attribute everywhere else, e.g. cueLine).
TEXT_VALUE_ELEMENTS = frozenset({"line", "cue", "lyrics", "genre"})

JSON_TYPE = "application/json"
JSONP_TYPE = "application/javascript"
XML_TYPE = "text/xml; charset=utf-8"

# Characters XML 1.0 cannot carry at all: dropped rather than answering a document no parser reads.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CALLBACK = re.compile(r"[A-Za-z_$][\w$]{0,63}(\.[A-Za-z_$][\w$]{0,63}){0,3}")


@dataclass(frozen=True)
class Rendered:
    body: bytes
    content_type: str


def envelope(payload: Mapping[str, object], *, failed: bool = False) -> dict[str, object]:
    return {
        "status": "failed" if failed else "ok",
        "version": API_VERSION,
        "type": SERVER_TYPE,
        "serverVersion": SERVER_VERSION,
        "openSubsonic": True,
        **payload,
    }


def error_payload(code: int, message: str) -> dict[str, object]:
    return {"error": {"code": code, "message": message}}


def valid_callback(name: str | None) -> bool:
    return bool(name) and bool(_CALLBACK.fullmatch(name or ""))


def render(payload: Mapping[str, object], *, fmt: str, failed: bool = False, callback: str = "") -> Rendered:
    """The whole answer in ``fmt`` ("xml", "json" or "jsonp" with a checked ``callback``)."""
    document = envelope(payload, failed=failed)
    if fmt in ("json", "jsonp"):
        text = json.dumps({"subsonic-response": document}, ensure_ascii=False, separators=(",", ":"))
        if fmt == "jsonp" and valid_callback(callback):
            return Rendered(f"{callback}({text});".encode(), JSONP_TYPE)
        return Rendered(text.encode(), JSON_TYPE)
    return Rendered(to_xml(document).encode(), XML_TYPE)


def _text(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return _NOT_XML.sub("", str(value))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    # Newlines and tabs as references, or a parser would fold them to spaces.
    return (
        _escape(text)
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def _element(name: str, data: Mapping[str, object], out: list[str], *, namespace: str = "") -> None:
    attributes = [f' xmlns="{namespace}"'] if namespace else []
    children: list[tuple[str, object]] = []
    text = None
    for key, value in data.items():
        if value is None:
            continue
        if key == "value" and name in TEXT_VALUE_ELEMENTS:
            text = _text(value)
        elif isinstance(value, Mapping | list | tuple):
            children.append((key, value))
        else:
            attributes.append(f' {key}="{_attribute(_text(value))}"')
    out.append(f"<{name}{''.join(attributes)}")
    if not children and text is None:
        out.append("/>")
        return
    out.append(">")
    if text is not None:
        out.append(_escape(text))
    for key, value in children:
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            if isinstance(item, Mapping):
                _element(key, item, out)
            elif item is not None:
                out.append(f"<{key}>{_escape(_text(item))}</{key}>")
    out.append(f"</{name}>")


def to_xml(document: Mapping[str, object]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    _element("subsonic-response", document, out, namespace=XML_NAMESPACE)
    return "".join(out)
