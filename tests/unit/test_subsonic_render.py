"""The subsonic-response envelope in XML and JSON (subsonic/render.py)."""

import json
import xml.etree.ElementTree as ET

from subsonic.render import XML_NAMESPACE, render, to_xml

NS = {"s": XML_NAMESPACE}


def parse(payload: dict, **kwargs) -> ET.Element:
    rendered = render(payload, fmt="xml", **kwargs)
    assert rendered.content_type == "text/xml; charset=utf-8"
    return ET.fromstring(rendered.body)


def test_the_xml_envelope_carries_the_namespace_and_opensubsonic_fields():
    root = parse({})
    assert root.tag == f"{{{XML_NAMESPACE}}}subsonic-response"
    assert root.attrib == {
        "status": "ok",
        "version": "1.16.1",
        "type": "byeol",
        "serverVersion": "0.1.0",
        "openSubsonic": "true",
    }


def test_json_wraps_the_same_fields_in_subsonic_response():
    body = json.loads(render({"license": {"valid": True}}, fmt="json").body)
    assert body == {
        "subsonic-response": {
            "status": "ok",
            "version": "1.16.1",
            "type": "byeol",
            "serverVersion": "0.1.0",
            "openSubsonic": True,
            "license": {"valid": True},
        }
    }


def test_an_error_is_failed_with_code_and_message():
    root = parse({"error": {"code": 40, "message": "Wrong username or password"}}, failed=True)
    assert root.get("status") == "failed"
    assert root.find("s:error", NS).attrib == {"code": "40", "message": "Wrong username or password"}


def test_lists_repeat_elements_and_scalars_become_attributes():
    root = parse({"albumList2": {"album": [{"id": "al-1", "name": "별"}, {"id": "al-2", "name": "B & <C>"}]}})
    albums = root.findall("s:albumList2/s:album", NS)
    assert [a.attrib for a in albums] == [{"id": "al-1", "name": "별"}, {"id": "al-2", "name": "B & <C>"}]


def test_line_cue_lyrics_and_genre_values_are_element_text_but_cueline_value_is_an_attribute():
    payload = {
        "lyricsList": {
            "structuredLyrics": [
                {
                    "lang": "ko",
                    "synced": True,
                    "line": [{"start": 0, "value": "눈을 뜬"}],
                    "cueLine": [
                        {
                            "index": 0,
                            "value": "눈을 뜬",
                            "cue": [{"start": 0, "byteStart": 0, "byteEnd": 2, "value": "눈"}],
                        }
                    ],
                }
            ]
        }
    }
    root = parse(payload)
    lyrics = root.find("s:lyricsList/s:structuredLyrics", NS)
    assert lyrics.find("s:line", NS).text == "눈을 뜬"
    assert lyrics.find("s:line", NS).get("start") == "0"
    cue_line = lyrics.find("s:cueLine", NS)
    assert cue_line.get("value") == "눈을 뜬"
    assert cue_line.find("s:cue", NS).text == "눈"
    assert cue_line.find("s:cue", NS).get("byteEnd") == "2"
    genre = parse({"genres": {"genre": [{"value": "K-pop", "songCount": 1, "albumCount": 1}]}})
    assert genre.find("s:genres/s:genre", NS).text == "K-pop"


def test_scalar_lists_repeat_text_elements():
    root = parse({"openSubsonicExtensions": [{"name": "songLyrics", "versions": [1, 2]}]})
    extension = root.find("s:openSubsonicExtensions", NS)
    assert extension.get("name") == "songLyrics"
    assert [v.text for v in extension.findall("s:versions", NS)] == ["1", "2"]


def test_characters_xml_cannot_carry_are_dropped_and_newlines_survive_in_attributes():
    text = to_xml({"song": {"title": "a\x00b\x1fc\nd", "value": "x"}})
    song = ET.fromstring(text).find("s:song", NS)
    assert song.get("title") == "abc\nd"


def test_none_fields_are_left_out():
    root = parse({"song": {"id": "1", "year": None}})
    assert root.find("s:song", NS).attrib == {"id": "1"}


def test_jsonp_needs_a_plain_callback_name():
    assert render({}, fmt="jsonp", callback="cb.done").body.startswith(b"cb.done({")
    assert render({}, fmt="jsonp", callback="alert(1)//").body.startswith(b'{"subsonic-response"')
