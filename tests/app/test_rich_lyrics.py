"""Rich lyrics from every source to every screen: import, catalog API, event stream, text view, exports."""

import json
import shutil

import pytest
import webvtt
from django.core.management import call_command

from lyrics.lrc import parse_lrc
from lyrics.models import Track
from tests.support.asgi import request
from tests.support.servers import ROOT
from tests.support.sse_parser import parse_stream

pytestmark = pytest.mark.django_db(transaction=True)

DATA = ROOT / "tests" / "data"
FIXTURES = ["apple.ttml", "amll.ttml", "dual.lrc", "enhanced.lrc"]


@pytest.fixture
def library(tmp_path):
    """The four fixtures imported as lyric-only tracks: {file name: track}."""
    for name in FIXTURES:
        shutil.copy(DATA / name, tmp_path / name)
    call_command("import_library", str(tmp_path), "--no-progress", verbosity=0)
    return {name: Track.objects.get(source_path=str(tmp_path / name)) for name in FIXTURES}


def api(client, track):
    response = client.get(f"/api/tracks/{track.pk}")
    assert response.status_code == 200
    return response.json()


async def snapshot_and_lines(track):
    answer = await request(f"/tracks/{track.pk}/lyrics/events", query="pace=instant")
    assert answer.status == 200
    events = parse_stream(answer.body).events
    snapshot = json.loads(next(e for e in events if e.type == "lyrics").data)
    lines = [json.loads(e.data) for e in events if e.type == "line"]
    return snapshot, lines


def test_apple_ttml_layers_reach_the_api(client, library):
    body = api(client, library["apple.ttml"])
    assert body["agents"] == [{"id": "v1", "name": "하늘"}, {"id": "v2", "name": "Byeol"}]
    assert body["translation_language"] == "en"
    assert body["pronunciation_script"] == "ko-Latn"
    first, third = body["lines"][0], body["lines"][2]
    assert first["words"][1] == {"time_ms": 1600, "end_ms": 2300, "text": "작은 "}
    assert first["end_ms"] == 4200
    assert first["translation"] == "A small star in the night sky"
    # The source's own transliteration wins over a generated one.
    assert first["pronunciation"] == "bamhaneure jageun byeol hana"
    assert third["agent"] == "v2"
    assert third["background"]["text"] == "우리 함께"
    assert third["background"]["words"][0]["time_ms"] == 11000
    # Where the source has none, it is generated (Revised Romanization after the sound rules).
    assert body["lines"][3]["pronunciation"] == "uri noraeneun gyesokdwae"


def test_amll_ttml_inline_translation_and_romanization(client, library):
    body = api(client, library["amll.ttml"])
    assert body["agents"] == [{"id": "v1", "name": "Aoi"}, {"id": "v2", "name": "ひかり"}]
    lines = body["lines"]
    assert lines[0]["translation"] == "The road I walked with you"
    assert lines[0]["pronunciation"] == "kimi to aruita michi"
    assert lines[2]["agent"] == "v2"
    assert lines[2]["background"]["text"] == "ずっと"


def test_dual_language_lrc_becomes_translations(client, library):
    body = api(client, library["dual.lrc"])
    lines = body["lines"]
    assert [line["text"] for line in lines[:2]] == ["밤하늘에 작은 별 하나", "조용히 나를 비추네"]
    assert lines[0]["translation"] == "A small star in the night sky"
    assert lines[0]["pronunciation"] == "bamhaneure jageun byeol hana"
    assert body["translation_language"] == "en"


def test_enhanced_lrc_words_have_ends_and_the_offset_applied(client, library):
    lines = api(client, library["enhanced.lrc"])["lines"]
    assert lines[0]["words"][0] == {"time_ms": 1000, "end_ms": 1600, "text": "밤하늘에 "}
    assert lines[0]["end_ms"] == 4200
    assert lines[0]["translation"] == "A small star in the night sky"


@pytest.mark.parametrize("name", FIXTURES)
async def test_every_layer_reaches_the_event_stream(library, name):
    track = library[name]
    snapshot, lines = await snapshot_and_lines(track)
    assert snapshot["lines"] == track.lines
    assert lines == [line for line in track.lines if line["time_ms"] is not None]
    assert snapshot["agents"] == track.agents
    assert snapshot["translation_language"] == (track.translation_language or None)
    assert snapshot["pronunciation_script"] == (track.pronunciation_script or None)


async def test_the_text_view_prints_asked_layers_indented(library):
    track = library["dual.lrc"]
    answer = await request(
        f"/tracks/{track.pk}/lyrics/text", query="pace=instant&show=translation,pronunciation"
    )
    text = answer.body.decode()
    assert text.startswith(
        "밤하늘에 작은 별 하나\n  A small star in the night sky\n  bamhaneure jageun byeol hana\n"
    )
    bad = await request(f"/tracks/{track.pk}/lyrics/text", query="show=everything")
    assert bad.status == 400


@pytest.mark.parametrize("name", FIXTURES)
def test_the_lrc_export_reimports_to_the_same_lines_words_and_times(client, library, name):
    track = library[name]
    response = client.get(f"/tracks/{track.pk}/lyrics.lrc")
    assert response.status_code == 200
    again = parse_lrc(response.content.decode())
    keep = ("time_ms", "text", "words", "translation")
    if name.endswith(".ttml"):
        keep = ("time_ms", "text", "words")  # a TTML's voices and background vocals have no LRC form
    assert [{k: line.as_dict()[k] for k in keep} for line in again.lines] == [
        {k: line[k] for k in keep} for line in track.lines if line["time_ms"] is not None
    ]


def test_the_webvtt_export_parses_with_one_cue_per_line(client, library, tmp_path):
    track = library["apple.ttml"]
    response = client.get(f"/tracks/{track.pk}/lyrics.vtt")
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    path = tmp_path / "lyrics.vtt"
    path.write_bytes(response.content)
    cues = webvtt.read(str(path))
    assert len(cues) == len(track.lines) == 5
    assert cues[0].start == "00:00:01.000"
    assert cues[0].end == "00:00:04.200"
    assert "<00:00:01.600>" in cues[0].raw_text
    translated = client.get(f"/tracks/{track.pk}/lyrics.vtt?layer=translation").content.decode()
    assert "A small star in the night sky" in translated
    assert client.get(f"/tracks/{track.pk}/lyrics.vtt?layer=nonsense").status_code == 400
    assert client.get("/tracks/999999/lyrics.vtt").status_code == 404


def test_lines_stored_before_the_layers_get_every_key():
    from importlib import import_module

    from django.apps import apps

    old = Track.objects.create(
        title="Old", lines=[{"index": 0, "time_ms": 0, "text": "a", "words": [{"time_ms": 0, "text": "a"}]}]
    )
    import_module("lyrics.migrations.0006_fill_line_layers").fill(apps, None)
    old.refresh_from_db()
    assert old.lines == [
        {
            "index": 0,
            "time_ms": 0,
            "end_ms": None,
            "text": "a",
            "words": [{"time_ms": 0, "end_ms": None, "text": "a"}],
            "agent": None,
            "background": None,
            "translation": None,
            "pronunciation": None,
        }
    ]
